"""Reading inputs without spaCy: encodings, HTML, JSON Lines, folders, stdin and limits.

Fixtures are in tests/data (see its README for where they come from); odd files (binary,
Latin-1, symlink loops) are made in a temporary folder by the tests themselves.
"""
from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

from conftest import make_unreadable
from kgingest import sources
from kgingest.sources import Document, InputError, RawDocument, decode_as, html_text, read_all, scan, walk

DATA = Path(__file__).resolve().parent / "data"


# --- bytes to text -------------------------------------------------------------------------

@pytest.mark.parametrize("data, text, encoding", [
    ("Plain ASCII news.".encode(), "Plain ASCII news.", "utf-8"),
    ("Jörg Müller met “Ana” – again.".encode(), "Jörg Müller met “Ana” – again.", "utf-8"),
    ("\ufeffWith a BOM.".encode(), "With a BOM.", "utf-8"),
    ("UTF-16 with a BOM: Genève".encode("utf-16"), "UTF-16 with a BOM: Genève", "utf-16"),
    ("Grüße aus Köln, sagte Jörg Müller.".encode("latin-1"), "Grüße aus Köln, sagte Jörg Müller.", "cp1252"),
    ("“Quoted,” said the Treasury’s chief – in Genève.".encode("cp1252"),
     "“Quoted,” said the Treasury’s chief – in Genève.", "cp1252"),
    ("Министр финансов России заявил в понедельник, что правительство рассмотрит новые санкции.".encode("cp1251"),
     "Министр финансов России заявил в понедельник, что правительство рассмотрит новые санкции.", "cp1251"),
    (b"Windows\r\nline ends\r\n", "Windows\nline ends\n", "utf-8"),
])
def test_decode_detects_the_encoding(data, text, encoding):
    assert decode_as(data, "x.txt") == (text, encoding)


@pytest.mark.parametrize("data, problem", [
    (b"", "empty file"),
    (b" \n\t\n", "empty file"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary file"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "binary file"),
    (b"text with a NUL\x00 byte", "binary file"),
    (bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 20 + b"abc", "binary file"),
])
def test_decode_refuses_what_is_not_text(data, problem):
    with pytest.raises(InputError, match=f"^x.bin: {problem}"):
        decode_as(data, "x.bin")


# --- HTML -----------------------------------------------------------------------------------

def test_html_keeps_the_article_and_its_provenance():
    text, meta = html_text((DATA / "html" / "cirrova-fine.html").read_bytes(), "cirrova-fine.html")
    assert meta == {"title": "EU fines US cloud giant Cirrova €1.4bn for locking in business customers",
                    "author": "Marta Kowalczyk", "published": "2024-09-19",
                    "url": "https://brussels-ledger.example/2024/09/19/eu-fines-cirrova"}
    assert text.startswith(meta["title"] + "\n\nBRUSSELS, 19 September — The European Commission")
    assert text.rstrip().endswith("cap switching charges from 2027.")
    for furniture in ("cookies", "Subscribe", "Sign in", "Related articles", "Helvion", "All rights reserved",
                      "newsletter"):
        assert furniture not in text
    # the article's paragraphs, blank-line separated like the .txt corpus
    original = (DATA.parent.parent.parent / "shared/corpus/dev/dev-eu-commission-cirrova-fine.txt")
    if original.is_file():
        body = [p for p in text.split("\n\n") if not p.startswith("By ")]
        assert body == original.read_text(encoding="utf-8").strip().split("\n\n")


def test_malformed_html_still_gives_its_article():
    text, meta = html_text((DATA / "html" / "geneva-talks-malformed.html").read_bytes(), "g.html")
    assert meta["title"].startswith("US, China end Geneva talks")
    assert "Geneva (AFP) – Treasury Secretary Evelyn Harcourt" in text
    assert "Home" not in text and "Share" not in text


@pytest.mark.parametrize("html, problem", [
    (b"", "empty file"),
    (b"<html><head><title>Home</title></head><body><div></div></body></html>", "no article text found"),
    (b"<<<>>><</>", "no article text found"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
])
def test_html_without_an_article_is_an_error(html, problem):
    with pytest.raises(InputError, match=f"^page.html: {problem}"):
        html_text(html, "page.html")


def test_html_file_is_a_document_named_by_its_path_with_the_canonical_url_as_source():
    [doc] = read_all([str(DATA / "html" / "cirrova-fine.html")])
    assert doc.id == (DATA / "html" / "cirrova-fine.html").resolve().as_uri()
    assert doc.url == doc.source == "https://brussels-ledger.example/2024/09/19/eu-fines-cirrova"
    assert (doc.title, doc.author, doc.published) == (
        "EU fines US cloud giant Cirrova €1.4bn for locking in business customers", "Marta Kowalczyk", "2024-09-19")


# --- JSON Lines ----------------------------------------------------------------------------

def test_jsonl_gives_one_document_per_line():
    docs = list(read_all([str(DATA / "feed.jsonl")]))
    assert [d.id for d in docs] == ["solvane-2024-001", "https://seoul-wire.example/2024/chip-row",
                                    "bundestag-rheinhagen"]
    solvane, seoul, bundestag = docs
    assert solvane.published == "2024-03-04" and solvane.text.startswith("FOR IMMEDIATE RELEASE")
    assert seoul.url == seoul.source == "https://seoul-wire.example/2024/chip-row"
    # the html record went through trafilatura: navigation and footer are gone
    assert bundestag.text.startswith("Bundestag row erupts over €2bn lifeline for carmaker Rheinhagen\n\n")
    assert "Berlin Wire" not in bundestag.text and "Politics" not in bundestag.text
    assert bundestag.published == "2024-05-21" and bundestag.url == "https://berlin-wire.example/rheinhagen"
    assert [d.name for d in docs] == [f"{DATA / 'feed.jsonl'}:{n}" for n in (1, 2, 3)]


def test_a_broken_jsonl_line_is_named_and_the_rest_is_read(tmp_path):
    good = [json.dumps({"id": f"doc-{i}", "text": f"Article {i} about Acme Corp."}) for i in range(4)]
    lines = [good[0], '{"id": "doc-x", "text": "unterminated', good[1], "", "[1, 2]",
             json.dumps({"text": "no identity"}), json.dumps({"id": "no-text"}), json.dumps({"id": 7, "text": "int id"}),
             json.dumps({"id": "t", "text": ["not", "a", "string"]}), good[2], good[3]]
    feed = tmp_path / "feed.ndjson"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_all([str(feed)]))
    errors = [str(x) for x in items if isinstance(x, InputError)]
    assert errors == [
        f"{feed}:2: not valid JSON (Unterminated string starting at column 25)",
        f"{feed}:5: not a JSON object",
        f"{feed}:6: no 'id' or 'url' to name the document by",
        f"{feed}:7: no 'text' or 'html'",
        f"{feed}:9: 'text' must be a string, not list",
    ]
    assert [d.id for d in items if isinstance(d, Document)] == ["doc-0", "doc-1", "7", "doc-2", "doc-3"]


def test_jsonl_line_over_the_limit_is_refused_and_reading_goes_on(tmp_path):
    feed = tmp_path / "big.jsonl"
    long_line = json.dumps({"id": "long", "text": "word " * 3000})
    feed.write_text("\n".join([json.dumps({"id": "a", "text": "short"}), long_line,
                               json.dumps({"id": "b", "text": "short too"})]) + "\n", encoding="utf-8")
    items = list(read_all([str(feed)], max_chars=500))
    assert isinstance(items[1], InputError) and str(items[1]).startswith(f"{feed}:2: line longer than")
    assert "--max-chars" in str(items[1])
    assert [x.id for x in items if isinstance(x, Document)] == ["a", "b"]


# --- folders -------------------------------------------------------------------------------

@pytest.fixture
def folder(tmp_path):
    """A small tree: nested articles, a hidden folder, other suffixes, two kinds of symlink loop."""
    root = tmp_path / "news"
    (root / "2024" / "05").mkdir(parents=True)
    (root / ".cache").mkdir()
    (root / "b.txt").write_text("Article B.", encoding="utf-8")
    (root / "a.html").write_text("<html><body><article><p>Article A, long enough to be kept by the "
                                 "extractor as a paragraph of the main text.</p></article></body></html>",
                                 encoding="utf-8")
    (root / "2024" / "05" / "c.txt").write_text("Article C.", encoding="utf-8")
    (root / "2024" / "feed.jsonl").write_text(json.dumps({"id": "d", "text": "Article D."}) + "\n", encoding="utf-8")
    (root / "2024" / "notes.md").write_text("not an article by default", encoding="utf-8")
    (root / ".cache" / "e.txt").write_text("hidden", encoding="utf-8")
    (root / "2024" / "05" / "back").symlink_to("../..", target_is_directory=True)  # loops to the top
    (root / "self.txt").symlink_to("self.txt")  # ELOOP when read
    return root


def test_folder_is_read_recursively_in_name_order_with_loops_reported(folder):
    found = [x if isinstance(x, InputError) else x.relative_to(folder).as_posix() for x in walk(str(folder))]
    names = [x for x in found if isinstance(x, str)]
    errors = [str(x) for x in found if isinstance(x, InputError)]
    assert names == ["2024/05/c.txt", "2024/feed.jsonl", "a.html", "b.txt"]
    loop = f"{folder / '2024/05/back'}: symlink loop (leads back to {folder.resolve()})"
    assert errors == [loop, f"{folder / 'self.txt'}: symlink loop"]
    docs = list(read_all([str(folder)]))
    assert [d.text if isinstance(d, Document) else str(d) for d in docs] == [
        loop, "Article C.", "Article D.",
        "Article A, long enough to be kept by the extractor as a paragraph of the main text.",
        "Article B.", f"{folder / 'self.txt'}: symlink loop"]


def test_glob_chooses_the_files_of_a_folder(folder):
    def names(globs):
        return [p.name for p in walk(str(folder), globs) if not isinstance(p, InputError)]
    assert names(["*.md"]) == ["notes.md"]
    assert names(["05/*.txt"]) == ["c.txt"]
    assert names(["*.txt", "*.md"]) == ["c.txt", "notes.md", "b.txt"]
    # a file of unknown suffix is text unless --input-format says otherwise
    [doc] = [d for d in read_all([str(folder)], globs=["*.md"]) if isinstance(d, Document)]
    assert doc.text == "not an article by default"


def test_input_format_overrides_the_suffix(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("<html><body><nav>Home</nav><article><p>The article text, long enough for trafilatura "
                    "to keep it as the main content of the page.</p></article></body></html>", encoding="utf-8")
    [as_text] = read_all([str(page)])
    [as_html] = read_all([str(page)], input_format="html")
    assert as_text.text.startswith("<html>")
    assert as_html.text.endswith("The article text, long enough for trafilatura to keep it as the main "
                                 "content of the page.")
    assert "<" not in as_html.text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_special_and_missing_files_are_errors_not_hangs(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    errors = [str(x) for x in read_all([str(tmp_path / "pipe.txt"), str(tmp_path / "dangling.txt"),
                                        str(tmp_path / "missing.txt"), str(tmp_path)])]
    assert errors[:3] == [f"{tmp_path / 'pipe.txt'}: not a regular file", f"{tmp_path / 'dangling.txt'}: broken symlink",
                          f"{tmp_path / 'missing.txt'}: no such file"]
    assert errors[3:] == [f"{tmp_path / 'dangling.txt'}: broken symlink", f"{tmp_path / 'pipe.txt'}: not a regular file"]


def test_unreadable_file_is_an_error(tmp_path, monkeypatch):
    locked = tmp_path / "locked.txt"
    locked.write_text("secret", encoding="utf-8")
    make_unreadable(locked, monkeypatch)
    assert [str(x) for x in read_all([str(locked)])] == [f"{locked}: cannot read (Permission denied)"]


# --- limits ----------------------------------------------------------------------------------

def test_too_long_text_is_refused_with_the_limit_and_the_flag(tmp_path):
    long = tmp_path / "long.txt"
    long.write_text("word " * 300, encoding="utf-8")  # 1,500 characters
    [error] = read_all([str(long)], max_chars=1000)
    assert str(error) == f"{long}: 1,500 characters, over the limit of 1,000 (--max-chars raises it)"
    [doc] = read_all([str(long)], max_chars=2000)
    assert len(doc.text) == 1500


def test_huge_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # a sparse 50 MB file
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a file over the limit"))
    [error] = scan([str(huge)])
    assert str(error) == (f"{huge}: 52.4 MB is too big for the limit of 1,000,000 characters "
                          f"(--max-chars raises it)")


# --- stdin -----------------------------------------------------------------------------------

class _Stdin:
    def __init__(self, data: bytes):
        self.buffer = io.BytesIO(data)


def test_stdin_is_one_text_document(monkeypatch):
    monkeypatch.setattr(sys, "stdin", _Stdin("Atlassian named David Cross as CISO.\n".encode()))
    [doc] = read_all(["-"])
    assert (doc.id, doc.text, doc.name) == ("stdin", "Atlassian named David Cross as CISO.\n", "<stdin>")


def test_stdin_as_json_lines(monkeypatch):
    lines = [json.dumps({"id": "a", "text": "One."}), "{oops", json.dumps({"url": "https://x.example/b", "text": "Two."})]
    monkeypatch.setattr(sys, "stdin", _Stdin(("\n".join(lines) + "\n").encode()))
    items = list(read_all(["-"], input_format="jsonl"))
    assert [x.id if isinstance(x, Document) else str(x) for x in items] == [
        "a", "<stdin>:2: not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        "https://x.example/b"]


# --- the two steps ---------------------------------------------------------------------------

def test_scan_reads_bytes_and_parse_decodes_them(tmp_path):
    f = tmp_path / "latin.txt"
    f.write_bytes("Café society in Zürich.".encode("latin-1"))
    [raw] = scan([str(f)])
    assert isinstance(raw, RawDocument) and raw.content == "Café society in Zürich.".encode("latin-1")
    doc = raw.parse()
    assert doc.text == "Café society in Zürich." and doc.meta["encoding"] == "cp1252"
    assert doc == Document(id=f.resolve().as_uri(), text="Café society in Zürich.", path=str(f))


def test_read_text_still_reads_one_file(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Hello.", encoding="utf-8")
    assert sources.read_text(str(f)).text == "Hello."
    with pytest.raises(InputError, match="no such file"):
        sources.read_text(str(tmp_path / "b.txt"))


# --- faults nobody foresaw cost one input -------------------------------------------------------

def test_lone_surrogates_in_a_json_lines_record_are_input_errors_of_their_line(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a", "text": "Acme Corp hired Ana Ruiz."}\n'
                    '{"id": "b\\ud800", "text": "Acme Corp hired Ana Ruiz."}\n'
                    '{"id": "c", "text": "Acme \\udc00 hired Ana Ruiz."}\n'
                    '{"id": "d", "html": "<p>\\ud83d alone</p>"}\n'
                    '{"id": "e", "text": "Paired \\ud83d\\ude00 is fine."}\n', encoding="utf-8")
    items = list(read_all([str(feed)]))
    assert [i.id for i in items if isinstance(i, Document)] == ["a", "e"]
    assert [str(i) for i in items if not isinstance(i, Document)] == [
        f"{feed}:2: 'id' holds a lone surrogate ('\\ud800' at character 2), not text",
        f"{feed}:3: 'text' holds a lone surrogate ('\\udc00' at character 6), not text",
        f"{feed}:4: 'html' holds a lone surrogate ('\\ud83d' at character 4), not text"]


def test_json_lines_text_gets_the_control_character_check_of_a_text_file(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "bin", "text": "\x01\x02\x03 PK\x04" * 20}) + "\n", encoding="utf-8")
    [error] = read_all([str(feed)])
    assert str(error) == f"{feed}:1: 'text' is not text (80 control characters)"


def test_a_reader_that_raises_costs_only_its_input(tmp_path, monkeypatch):
    for name in ("a.txt", "boom.txt", "c.txt"):
        (tmp_path / name).write_text(f"Acme Corp hired Ana Ruiz ({name}).", encoding="utf-8")
    (tmp_path / "page.html").write_text("<html><body><p>Acme Corp hired Ana Ruiz.</p></body></html>")
    (tmp_path / "feed.jsonl").write_text('{"id": "one", "text": "x"}\n{"id": "two", "text": "y"}\n')
    real_read, real_record = Path.read_bytes, sources._record

    def read_bytes(self):
        if self.name == "boom.txt":
            raise RuntimeError("disk on fire")
        return real_read(self)

    def record(line, where, path):
        if b'"one"' in line:
            raise KeyError("text")
        return real_record(line, where, path)

    def no_cleaner(*args, **kwargs):
        raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean.\nInstall it.")

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(sources, "_record", record)
    monkeypatch.setattr(sources, "html_text", no_cleaner)
    items = list(read_all([str(tmp_path)]))
    assert [i.id if isinstance(i, Document) else str(i) for i in items] == [
        (tmp_path / "a.txt").as_uri(),
        f"{tmp_path / 'boom.txt'}: reading failed (RuntimeError: disk on fire)",
        (tmp_path / "c.txt").as_uri(),
        f"{tmp_path / 'feed.jsonl'}:1: reading failed (KeyError: 'text')",
        "two",
        f"{tmp_path / 'page.html'}: reading failed (ImportError: lxml.html.clean module is now a separate "
        "project lxml_html_clean.\\nInstall it.)"]
