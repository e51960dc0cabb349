"""Secrets never print (issue 13, item 3): a server URL is checked before any request (a
malformed one is a usage error, exit 2, shown redacted), and every error path -- retries,
the "stopped" line, ``--json`` failures, refused credentials, server errors, timeouts, a
broken netrc -- is run with a planted password that must appear nowhere in the output.
"""
from __future__ import annotations

import json
import socket
import threading
from base64 import b64encode
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgingest.cli import main
from kgingest.store import Credentials, find_credentials, open_store, redact
from test_store import FakeServer

SECRET = "S3cr3t"
TAIL = "Pa55"  # what follows the unescaped character: urlsplit took it for the host part
CONTENT_KEYS = "SELECT ?g ?key WHERE { GRAPH ?g { ?g <https://w3id.org/kgingest/ontology#contentKey> ?key } }"


@contextmanager
def listener() -> Iterator[tuple[int, list[socket.socket]]]:
    """A loopback port that accepts connections and never answers; the accepted ones listed."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.05)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], accepted
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        server.close()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    base = {"KGINGEST_STORE_USER": "", "KGINGEST_STORE_TOKEN": "", "NETRC": "/nonexistent", "KGINGEST_STORE": "",
            "KGINGEST_QUERY_ENDPOINT": "", "KGINGEST_UPDATE_ENDPOINT": "", "KGINGEST_GSP_ENDPOINT": "",
            "KGINGEST_TIMEOUT": ""}
    result = CliRunner().invoke(main, list(args), env={**base, **(env or {})}, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text and TAIL not in text, text


@pytest.mark.parametrize("userinfo, problem", [
    (f"ann:{SECRET}#{TAIL}", "it holds '#' (a password holding #, / or ? must be percent-encoded (%23, %2F, %3F))"),
    (f"ann:{SECRET}/{TAIL}", "it holds '@' after the host (a password holding #, / or ? must be percent-encoded "
                             "(%23, %2F, %3F))"),
    (f"ann:{SECRET}?{TAIL}", "it holds '@' after the host (a password holding #, / or ? must be percent-encoded "
                             "(%23, %2F, %3F))"),
    (f"ann:{SECRET} {TAIL}", "it holds a space or a control character"),
])
@pytest.mark.parametrize("command", [["query", "ASK {}"], ["delete", "x", "--json"], ["ingest", "nothing.txt", "--json"]])
def test_a_malformed_store_url_is_a_usage_error_shown_redacted_before_any_request(
        userinfo: str, problem: str, command: list[str]) -> None:
    """Before: retried 5 times, the password in four warnings, the "stopped" line and --json."""
    with listener() as (port, accepted):
        code, out, err = run(*command, "--store", f"http://{userinfo}@127.0.0.1:{port}")
        assert accepted == []  # not one connection
    assert (code, out) == (2, "")
    assert err == f"kgingest: the store URL http://127.0.0.1:{port} is not a usable URL: {problem}\n"


def test_a_password_taken_for_a_port_is_not_shown() -> None:
    code, out, err = run("query", "ASK {}", "--store", f"http://ann:{SECRET}")
    assert (code, out) == (2, "")
    assert err == "kgingest: the store URL http://… is not a usable URL: it has no host[:port] after // (or the port " \
                  "is not a number)\n"


def test_redact_by_construction() -> None:
    for url in (f"http://ann:{SECRET}#{TAIL}@h:1/q", f"http://ann:{SECRET}/{TAIL}@h:1/q", f"http://{SECRET}@h",
                f"https://ann:{SECRET}%23{TAIL}@h:1/q?x=1", f"http://ann:{SECRET}", f"http://ann:{SECRET}/x",
                f"http://ann:p@{SECRET}@h/", f"http://ann:{SECRET}\n{TAIL}@h"):
        assert_no_secret(redact(url))
    assert redact(f"https://ann:{SECRET}%23{TAIL}@h:1/q?x=1") == "https://h:1/q?x=1"
    assert redact("http://h:1/a@b") == "http://b"  # refused anyway ('@' after the host): shown as little as can be


def test_percent_encoded_passwords_work(tmp_path: Path) -> None:
    password = f"{SECRET}#{TAIL}/?@ :"
    encoded = "S3cr3t%23Pa55%2F%3F%40%20%3A"
    creds = find_credentials(f"http://ann:{encoded}@db.example.org:8890", {})
    assert creds == Credentials("ann", password, source="the store URL")
    with FakeServer(auth="Basic " + b64encode(f"ann:{password}".encode()).decode()) as fake:
        host = fake.url.removeprefix("http://")
        code, out, err = run("query", CONTENT_KEYS, "--store", f"http://ann:{encoded}@{host}", "--format", "csv")
    assert (code, out, err) == (0, "g,key\n", "")


def test_credentials_in_an_endpoint_url_are_used_not_dropped() -> None:
    """Before: the user:password of --query-endpoint was silently dropped (and the server said 401)."""
    with FakeServer(auth="Basic " + b64encode(f"ann:{SECRET}".encode()).decode()) as fake:
        host = fake.url.removeprefix("http://")
        code, out, err = run("query", CONTENT_KEYS, "--store", fake.url,
                             "--query-endpoint", f"http://ann:{SECRET}@{host}/query", "--format", "csv")
        assert (code, out, err) == (0, "g,key\n", "")
        code, out, err = run("query", CONTENT_KEYS, "--store", f"http://bob:other@{host}",
                             "--query-endpoint", f"http://ann:{SECRET}@{host}/query")
    assert (code, out) == (2, "")
    assert err == "kgingest: the store URL and the query endpoint hold different credentials: give them once\n"
    from kgingest.store import UrlError

    with pytest.raises(UrlError, match="^the update endpoint is not a usable path: it holds '#'"):
        open_store("http://h:1", update=f"/update#{SECRET}")


def test_a_broken_netrc_does_not_quote_its_tokens(tmp_path: Path) -> None:
    """Before: "bad follower token 'Pa55'"."""
    rc = tmp_path / "netrc"
    rc.write_text(f"machine 127.0.0.1 login ann password {SECRET} {TAIL}\n")
    code, out, err = run("query", "ASK {}", "--store", "http://127.0.0.1:9", env={"NETRC": str(rc)})
    assert (code, out) == (1, "")
    assert err == f"kgingest: cannot read {rc}: not valid netrc syntax (near line 2)\n"


def error_paths(port_of: dict[str, str]) -> Iterator[tuple[str, list[str], dict[str, str]]]:
    """(what, arguments, environment) of every way a server run can fail."""
    for name, url in port_of.items():
        planted = url.replace("http://", f"http://ann:{SECRET}%23{TAIL}@")
        yield f"{name}, URL", ["--store", planted], {}
        yield f"{name}, environment", ["--store", url], {"KGINGEST_STORE_USER": "ann",
                                                         "KGINGEST_STORE_PASSWORD": f"{SECRET}#{TAIL}"}
        yield f"{name}, endpoint URL", ["--store", url, "--query-endpoint", planted + "/query",
                                        "--update-endpoint", planted + "/update", "--gsp-endpoint", planted + "/store"], {}


@pytest.mark.slow
def test_no_error_path_prints_a_planted_password(tmp_path: Path, extractor) -> None:
    """Nothing listening (retries, "stopped", --json), refused credentials (401), persistent 500s,
    a server that never answers (timeouts): with the password in the URL, the environment or an
    endpoint URL, for ingest, delete and query."""
    article = tmp_path / "a.txt"
    article.write_text("Larry Kudlow met Donald Trump.")
    with FakeServer() as gone:
        pass  # a port that was just free: connection refused
    with FakeServer(auth="Basic bm9ib2R5Om5vdGhpbmc=") as refusing, \
            FakeServer(put_statuses=[500] * 1000, post_statuses=[500] * 1000) as failing, listener() as (silent, _):
        urls = {"refused connection": gone.url, "401": refusing.url, "500": failing.url,
                "silent": f"http://127.0.0.1:{silent}"}
        for what, args, env in error_paths(urls):
            for command in (["ingest", str(article), "--json"], ["delete", str(article), "--json"],
                            ["query", CONTENT_KEYS]):
                code, out, err = run(*command, *args, "--timeout", "1", env=env)
                assert code == 1 and err, (what, command, out, err)
                assert_no_secret(out, err)
                if command[0] == "ingest":
                    assert json.loads(out)["stopped"], (what, out)  # the run stopped: nothing written
                if not what.startswith("401"):
                    assert "within the --timeout of 1 s)" in err, (what, command, err)
                else:
                    assert "the server wants credentials" in err or "refused the credentials from" in err
