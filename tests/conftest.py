"""Shared fixtures: the repository's paths and one loaded extractor per test session."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "securityweek-huawei-kudlow.txt"
SHARED = ROOT.parent / "shared"
DEV = SHARED / "corpus" / "dev"
FIXED_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def extractor():
    """The default model and ontology, loaded once; the run time is fixed so graphs compare."""
    from kgingest.pipeline import Extractor

    return Extractor(generated_at=FIXED_TIME)


@pytest.fixture(scope="session")
def extract_one(extractor):
    """Text in, Extraction out (entities, relations, graph)."""
    from kgingest.sources import Document

    def run(text: str, doc_id: str = "test"):
        return next(extractor.extract([Document(id=doc_id, text=text)]))

    return run
