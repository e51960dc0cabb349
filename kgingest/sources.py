"""Inputs: files, folders and streams in, :class:`Document` objects out.

A document's identity is one string, never its content: a file's absolute ``file:`` URI, a
JSON Lines record's ``id`` (else its ``url``), or ``stdin`` for text on standard input.
Re-reading a changed file gives the same document with a new text. The kinds cannot meet: a
record may not take a ``file:`` URI or ``stdin`` as its id. Within one run an identity is
read once: a later input with an identity already read is an error of that later input
(:func:`unique`), so the first one wins, and every run stores the same graph.

Reading happens in two steps so that the expensive one can run in worker processes:
:func:`scan` finds the inputs and reads their bytes (cheap, in order, one JSON Lines line
at a time), and :meth:`RawDocument.parse` decodes them and pulls the article out of HTML.
:func:`read_all` does both. Every problem becomes an :class:`InputError` whose message
names the input (``path`` or ``path:line``) and the problem; the batch goes on.

>>> docs = list(read_all(["tests/data/feed.jsonl"]))
>>> [d.id for d in docs]
['solvane-2024-001', 'https://seoul-wire.example/2024/chip-row', 'bundestag-rheinhagen']
"""
from __future__ import annotations

import codecs
import errno
import hashlib
import json
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterable, Iterator, Sequence, TypeVar

from .isolation import DocumentError, InputError, isolate, isolate_each

INPUT_FORMATS = ("text", "html", "jsonl")
SUFFIX_FORMATS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".xhtml": "html",
                  ".jsonl": "jsonl", ".ndjson": "jsonl"}
# What a folder contributes unless --glob says otherwise (hidden files and folders never).
DEFAULT_GLOBS = ("*.txt", "*.html", "*.htm", "*.jsonl", "*.ndjson")
# spaCy's own default nlp.max_length; one news article is 2,000 to 20,000 characters.
DEFAULT_MAX_CHARS = 1_000_000
# Bytes a file may have before it is read, per allowed character: UTF-8 needs at most 4
# bytes a character; an HTML page carries markup around its text.
TEXT_BYTES_PER_CHAR = 4
HTML_BYTES_PER_CHAR = 20
_SYMBOL_IN_WORD = re.compile(r"[^\W\d_][\xa1-\xbf\xd7\xf7][^\W\d_]")
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"\x7fELF",
                 b"\xd0\xcf\x11\xe0")


STDIN_ID = "stdin"  # the identity of a text (or HTML) document read from standard input


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    url: str | None = None
    path: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    meta: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def source(self) -> str:
        """Where the document came from: its URL, else its file URI, else its id."""
        return self.url or (Path(self.path).resolve().as_uri() if self.path else self.id)

    @property
    def name(self) -> str:
        """How messages name the document: ``path:line``, path, or id."""
        return self.meta.get("name") or self.path or self.id


@dataclass(frozen=True)
class RawDocument:
    """One document read but not yet decoded or extracted: cheap to make and to send to a worker.

    ``content`` is a file's bytes, or the ``text``/``html`` string of a JSON Lines record.
    """

    name: str
    id: str
    content: bytes | str
    format: str                      # "text" or "html"
    path: str | None = None
    url: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None

    def parse(self, max_chars: int = DEFAULT_MAX_CHARS) -> Document:
        """The Document, or an InputError: not text, no article in the HTML, too long, empty."""
        meta = {"name": self.name}
        found: dict[str, str | None] = {}
        if self.format == "html":
            text, found = html_text(self.content, self.name, max_chars)
        elif isinstance(self.content, bytes):
            text, encoding = decode_as(self.content, self.name)
            if encoding != "utf-8":
                meta["encoding"] = encoding
        else:
            text = _clean_text(self.content, self.name, what="'text' is not text")
        if not text.strip():
            raise InputError(f"{self.name}: empty text")
        check_length(text, self.name, max_chars)
        return Document(id=self.id, text=text, url=self.url or found.get("url"), path=self.path,
                        title=self.title or found.get("title"), author=self.author or found.get("author"),
                        published=self.published or found.get("published"), meta=meta)


def check_length(text: str, name: str, max_chars: int) -> None:
    """Refuse a text longer than the limit: spaCy needs about 1 GB per 100,000 characters."""
    if len(text) > max_chars:
        raise InputError(f"{name}: {len(text):,} characters, over the limit of {max_chars:,} "
                         f"(--max-chars raises it)")


def decode_as(data: bytes, name: str) -> tuple[str, str]:
    """Text of a file and the encoding it was read in; UTF-8 unless the bytes say otherwise.

    >>> decode_as("Jörg Müller".encode("latin-1"), "x.txt")
    ('Jörg Müller', 'cp1252')
    >>> try:
    ...     decode_as(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00", "x.png")
    ... except InputError as e:
    ...     print(e)
    x.png: binary file, not text
    """
    if not data.strip():
        raise InputError(f"{name}: empty file")
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as e:
                raise InputError(f"{name}: broken {encoding} text (byte {e.start})") from None
            return _clean_text(text, name), ("utf-8" if encoding == "utf-8-sig" else encoding)
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary file, not text")
    try:
        return _clean_text(data.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError as e:
        bad = e.start
    detected = _detect(data)
    if detected is None:
        raise InputError(f"{name}: not UTF-8 (byte {bad}: {data[bad:bad + 1]!r}) and no other encoding fits")
    return _clean_text(data.decode(detected), name), detected


def decode(data: bytes, name: str) -> str:
    """Text of a file (see :func:`decode_as`), or an InputError saying why it is not text."""
    return decode_as(data, name)[0]


def _detect(data: bytes) -> str | None:
    """The legacy encoding of bytes that are not UTF-8.

    Windows-1252 (a superset of Latin-1's printable range) when the text it gives is mostly
    ASCII letters with a few accented ones, as Western news is; otherwise charset-normalizer's
    guess (Cyrillic, Greek, CJK, ...); None when nothing fits.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    else:
        letters = sum(1 for ch in text if ch.isalpha())
        foreign = sum(1 for ch in text if ch > "\x7f")
        # "rz¹d", "spó³ek": a Latin-1 symbol inside a word is a letter of another code page
        inside = _SYMBOL_IN_WORD.search(text)
        if foreign <= 0.3 * letters and inside is None:
            return "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return best.encoding if best is not None else None


def _clean_text(text: str, name: str, what: str = "binary file, not text") -> str:
    """Unix newlines; text with many control characters is binary that happened to decode."""
    text = text.replace("\r\n", "\n")
    sample = text[:8192]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\n\r\t\f\v")
    if controls > len(sample) // 100:
        raise InputError(f"{name}: {what} ({controls} control characters)")
    return text


def html_text(html: bytes | str, name: str, max_chars: int = DEFAULT_MAX_CHARS) -> tuple[str, dict[str, str | None]]:
    """The article's main text and metadata (title, author, published, canonical url) of an HTML page.

    trafilatura drops navigation, cookie notices, "related articles" and footers. Paragraphs
    are separated by a blank line, as in the text files, and the headline comes first.
    """
    import trafilatura
    from trafilatura.settings import use_config

    if isinstance(html, bytes):
        if not html.strip():
            raise InputError(f"{name}: empty file")
        if html.startswith(_BINARY_MAGIC) or b"\x00" in html[:8192]:
            raise InputError(f"{name}: binary file, not HTML")
    elif not html.strip():
        raise InputError(f"{name}: empty HTML")
    config = use_config()
    config.set("DEFAULT", "MAX_FILE_SIZE", str(max(20_000_000, max_chars * HTML_BYTES_PER_CHAR)))
    result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                         include_tables=False, deduplicate=False, config=config)
    if isinstance(result, dict):  # only with as_dict=True, which is not asked for
        raise TypeError("trafilatura.bare_extraction returned a dict")
    body = result.text if result is not None else None
    if result is None or not body or not body.strip():
        raise InputError(f"{name}: no article text found in the HTML")
    paragraphs = [line.strip() for line in body.splitlines() if line.strip()]
    title = (result.title or "").strip() or None
    if title and paragraphs[0] != title:
        paragraphs.insert(0, title)
    return "\n\n".join(paragraphs), {"title": title, "author": result.author, "published": result.date,
                                     "url": result.url}


def input_format(path: str, given: str | None = None) -> str:
    """The format to read a file in: the one given, else the suffix's, else plain text."""
    return given or SUFFIX_FORMATS.get(Path(path).suffix.lower(), "text")


def scan(paths: Iterable[str], *, input_format: str | None = None, globs: Sequence[str] = (),
         max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[RawDocument | InputError | DocumentError]:
    """Every input in order, read but not parsed: files, folders (recursive), ``-`` for stdin.

    ``input_format`` (text, html, jsonl) overrides the suffix; ``globs`` choose a folder's files
    (default: the known suffixes); stdin is text unless ``input_format`` says otherwise.
    A reader that fails in a way nobody foresaw yields a DocumentError and the scan goes on.
    """
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise ValueError(f"unknown input format {input_format!r}; one of {', '.join(INPUT_FORMATS)}")
    return unique(_scan(paths, input_format, globs, max_chars))


def _scan(paths: Iterable[str], input_format: str | None, globs: Sequence[str],
          max_chars: int) -> Iterator[RawDocument | InputError | DocumentError]:
    for path in paths:
        if path == "-":
            yield from isolate_each("<stdin>", "reading",
                                    _stream(sys.stdin.buffer, "<stdin>", input_format or "text", max_chars))
        elif os.path.isdir(path):
            for item in isolate_each(path, "reading", walk(path, globs or DEFAULT_GLOBS)):
                if isinstance(item, Path):
                    yield from isolate_each(str(item), "reading", _file(str(item), input_format, max_chars))
                else:
                    yield item
        else:
            yield from isolate_each(path, "reading", _file(path, input_format, max_chars))


Item = TypeVar("Item")


def unique(items: Iterable[Item]) -> Iterator[Item | InputError]:
    """Every input, except that a document whose identity an earlier one of the run has is an
    error of the later one: the first wins, whatever the later one holds.

    Two records of a feed with one id, or a file named twice, would otherwise be one graph
    written twice, the stored version flipping from run to run. Only a 128-bit digest of each
    identity is kept (some 80 bytes a document), so memory grows slowly with a long stream.

    >>> items = [Document(id="a", text="A", meta={"name": "f.jsonl:1"}),
    ...          Document(id="a", text="B", meta={"name": "f.jsonl:2"})]
    >>> [str(x) if isinstance(x, InputError) else x.name for x in unique(items)]
    ['f.jsonl:1', "f.jsonl:2: duplicate document id 'a' (an earlier input of this run has it); skipped"]
    """
    seen: set[int] = set()
    for item in items:
        if isinstance(item, (RawDocument, Document)):
            digest = int.from_bytes(hashlib.blake2b(item.id.encode("utf-8", "surrogatepass"), digest_size=16).digest())
            if digest in seen:
                yield InputError(f"{item.name}: duplicate document id {item.id!r} (an earlier input of this run "
                                 "has it); skipped")
                continue
            seen.add(digest)
        yield item


def read_all(paths: Iterable[str], *, input_format: str | None = None, globs: Sequence[str] = (),
             max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Document | InputError | DocumentError]:
    """Every input as a Document, or as the error that stopped it (the batch goes on)."""
    for item in scan(paths, input_format=input_format, globs=globs, max_chars=max_chars):
        if isinstance(item, RawDocument):
            raw = item
            yield isolate(raw.name, "reading", lambda: raw.parse(max_chars))
        else:
            yield item


def read_text(path: str) -> Document:
    """A plain-text article from a file, or from standard input for ``-``."""
    if path == "-":
        return Document(id=STDIN_ID, text=decode(sys.stdin.buffer.read(), "<stdin>"))
    for item in _file(path, "text", DEFAULT_MAX_CHARS):
        if isinstance(item, (InputError, DocumentError)):
            raise item
        return item.parse()
    raise InputError(f"{path}: no document")  # pragma: no cover - _file yields one item for text


def walk(root: str, globs: Sequence[str] = DEFAULT_GLOBS) -> Iterator[Path | InputError]:
    """The files under a folder that match a glob, in path order; symlinks followed, loops reported.

    A glob is matched against the path below the folder from the right, like
    :meth:`pathlib.PurePath.match`: ``*.html`` at any depth, ``2024/*.jsonl`` in any 2024 folder.
    Hidden files and folders are skipped.
    """
    top = Path(root)
    st = top.stat()
    # the folders being listed, each with the (device, inode) of itself and the folders above it
    stack: list[tuple[Path, Iterator[os.DirEntry[str]], frozenset[tuple[int, int]]]] = []

    def enter(folder: Path, ancestors: frozenset[tuple[int, int]]) -> InputError | None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            return InputError(f"{folder}: cannot list folder ({e.strerror})")
        stack.append((folder, iter(entries), ancestors))
        return None

    enter(top, frozenset({(st.st_dev, st.st_ino)}))
    while stack:
        folder, entries, ancestors = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            is_dir = entry.is_dir()
            entry_st = entry.stat() if is_dir else None
        except OSError as e:
            yield InputError(f"{path}: {_why(e)}")
            continue
        if entry_st is None:
            if any(PurePosixPath(path.relative_to(top).as_posix()).match(g) for g in globs):
                yield path
        elif (entry_st.st_dev, entry_st.st_ino) in ancestors:
            yield InputError(f"{path}: symlink loop (leads back to {os.path.realpath(path)})")
        elif (error := enter(path, ancestors | {(entry_st.st_dev, entry_st.st_ino)})) is not None:
            yield error


def _why(e: OSError) -> str:
    if e.errno == errno.ELOOP:
        return "symlink loop"
    if isinstance(e, FileNotFoundError):
        return "no such file"
    if isinstance(e, IsADirectoryError):
        return "is a directory"
    return f"cannot read ({e.strerror})"


def _file(path: str, given: str | None, max_chars: int) -> Iterator[RawDocument | InputError | DocumentError]:
    fmt = input_format(path, given)
    try:
        st = os.stat(path)
    except OSError as e:
        if isinstance(e, FileNotFoundError) and os.path.islink(path):
            yield InputError(f"{path}: broken symlink")
        else:
            yield InputError(f"{path}: {_why(e)}")
        return
    if stat.S_ISDIR(st.st_mode):
        yield InputError(f"{path}: is a directory")
        return
    if not stat.S_ISREG(st.st_mode):
        yield InputError(f"{path}: not a regular file")
        return
    if fmt != "jsonl":
        per_char = HTML_BYTES_PER_CHAR if fmt == "html" else TEXT_BYTES_PER_CHAR
        if st.st_size > max_chars * per_char:
            yield InputError(f"{path}: {st.st_size / 1e6:,.1f} MB is too big for the limit of {max_chars:,} "
                             f"characters (--max-chars raises it)")
            return
    p = Path(path)
    try:
        if fmt == "jsonl":
            with p.open("rb") as f:
                yield from _jsonl(f, path, p.resolve().as_posix(), max_chars)
            return
        data = p.read_bytes()
    except OSError as e:
        yield InputError(f"{path}: {_why(e)}")
        return
    yield RawDocument(name=path, id=p.resolve().as_uri(), content=data, format=fmt, path=str(p))


def _stream(stream: BinaryIO, name: str, fmt: str,
            max_chars: int) -> Iterator[RawDocument | InputError | DocumentError]:
    if fmt == "jsonl":
        yield from _jsonl(stream, name, None, max_chars)
        return
    limit = max_chars * (HTML_BYTES_PER_CHAR if fmt == "html" else TEXT_BYTES_PER_CHAR)
    data = stream.read(limit + 1)
    if len(data) > limit:
        yield InputError(f"{name}: more than {limit / 1e6:,.1f} MB, too big for the limit of {max_chars:,} "
                         f"characters (--max-chars raises it)")
        return
    yield RawDocument(name=name, id=STDIN_ID, content=data, format=fmt)


def _jsonl(stream: BinaryIO, name: str, path: str | None,
           max_chars: int) -> Iterator[RawDocument | InputError | DocumentError]:
    """One document per line; a bad line is an error naming its number, and reading goes on."""
    limit = max_chars * HTML_BYTES_PER_CHAR
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        where = f"{name}:{number}"
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield InputError(f"{where}: line longer than {limit / 1e6:,.1f} MB, too big for the limit of "
                             f"{max_chars:,} characters (--max-chars raises it)")
            continue
        if not line.strip():
            continue
        yield isolate(where, "reading", lambda: _record(line, where, path))


def _encodable(text: str) -> bool:
    """False for a string JSON's ``\\ud800`` escapes made unpaired: no UTF-8, no IRI, no store takes it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _record(line: bytes, where: str, path: str | None) -> RawDocument:
    try:
        obj = json.loads(line.decode("utf-8-sig").strip())
    except UnicodeDecodeError as e:
        raise InputError(f"{where}: not UTF-8 (byte {e.start})") from None
    except json.JSONDecodeError as e:
        raise InputError(f"{where}: not valid JSON ({e.msg.removesuffix(' at')} at column {e.colno})") from None
    if not isinstance(obj, dict):
        raise InputError(f"{where}: not a JSON object")
    fields: dict[str, str | None] = {}
    for key in ("id", "url", "text", "html", "title", "author", "published"):
        value = obj.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and key == "id":
            value = str(value)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{where}: {key!r} must be a string, not {type(value).__name__}")
        if value and not _encodable(value):
            at = next(i for i, ch in enumerate(value) if "\ud800" <= ch <= "\udfff")
            raise InputError(f"{where}: {key!r} holds a lone surrogate ({value[at]!r} at character {at + 1}), "
                             f"not text")
        fields[key] = value or None
    doc_id = fields["id"] or fields["url"]
    if doc_id is None:
        raise InputError(f"{where}: no 'id' or 'url' to name the document by")
    if doc_id == STDIN_ID or doc_id[:5].lower() == "file:":
        key = "id" if fields["id"] else "url"
        raise InputError(f"{where}: {key!r} {doc_id!r} is the identity of "
                         f"{'standard input' if doc_id == STDIN_ID else 'a file'}; a record needs an id of its own")
    content, fmt = (fields["text"], "text") if fields["text"] else (fields["html"], "html")
    if content is None:
        raise InputError(f"{where}: no 'text' or 'html'")
    return RawDocument(name=where, id=doc_id, content=content, format=fmt, path=path, url=fields["url"],
                       title=fields["title"], author=fields["author"], published=fields["published"])
