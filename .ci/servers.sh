# SPARQL servers for the integration tests, sourced by .ci/run (and usable by hand:
#   source .ci/servers.sh && start_servers && .venv/bin/python -m pytest tests/test_store_servers.py; stop_servers
# ). Both listen on free loopback ports only; everything they write lives in one temp folder.
#
# start_servers exports:
#   KGINGEST_TEST_OXIGRAPH_URL        base URL of an Oxigraph server (/query, /update, /store)
#   KGINGEST_TEST_VIRTUOSO_URL        base URL of Virtuoso Open Source (/sparql, /sparql-auth, /sparql-graph-crud-auth)
#   KGINGEST_TEST_VIRTUOSO_USER/_PASSWORD  a Virtuoso account with the SPARQL_UPDATE role (digest auth)

_kg_repo_root() { (cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); }

_kg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# _kg_wait_http URL SECONDS: poll until URL answers 2xx (no curl on a bare Debian).
_kg_wait_http() {
  python3 - "$1" "$2" <<'EOF'
import sys, time, urllib.request, urllib.error
url, limit = sys.argv[1], float(sys.argv[2])
deadline = time.monotonic() + limit
while True:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            if response.status < 300:
                sys.exit(0)
    except (urllib.error.URLError, OSError):
        pass
    if time.monotonic() > deadline:
        sys.exit(f"{url} did not answer within {limit:.0f} s")
    time.sleep(0.2)
EOF
}

_kg_install_oxigraph() {
  local root; root="$(_kg_repo_root)"
  if [ ! -x "$root/.venv/bin/oxigraph" ]; then
    "$root/.venv/bin/pip" install --quiet oxigraph
  fi
}

_kg_install_virtuoso() {
  if ! command -v virtuoso-t >/dev/null || ! command -v isql-vt >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq virtuoso-opensource >/dev/null
  fi
}

_kg_start_oxigraph() {
  local root port; root="$(_kg_repo_root)"; port="$(_kg_free_port)"
  mkdir -p "$KGINGEST_SERVERS_DIR/oxigraph"
  "$root/.venv/bin/oxigraph" serve --location "$KGINGEST_SERVERS_DIR/oxigraph" --bind "127.0.0.1:$port" \
    >"$KGINGEST_SERVERS_DIR/oxigraph.log" 2>&1 &
  echo $! >"$KGINGEST_SERVERS_DIR/oxigraph.pid"
  export KGINGEST_TEST_OXIGRAPH_URL="http://127.0.0.1:$port"
  _kg_wait_http "$KGINGEST_TEST_OXIGRAPH_URL/query?query=ASK%7B%7D" 60 \
    || { cat "$KGINGEST_SERVERS_DIR/oxigraph.log" >&2; return 1; }
  echo "oxigraph server: $KGINGEST_TEST_OXIGRAPH_URL" >&2
}

# Virtuoso: the packaged virtuoso.ini with loopback ports, private paths, and a result cap high
# enough for whole document graphs. A fresh database has dba/dba; tests use their own account.
_kg_start_virtuoso() {
  local dir="$KGINGEST_SERVERS_DIR/virtuoso" sql_port http_port
  sql_port="$(_kg_free_port)"; http_port="$(_kg_free_port)"
  mkdir -p "$dir"
  python3 - /etc/virtuoso-opensource-7/virtuoso.ini "$dir" "$sql_port" "$http_port" <<'EOF'
import re, sys
source, folder, sql_port, http_port = sys.argv[1:]
settings = {
    ("Database", "DatabaseFile"): f"{folder}/virtuoso.db",
    ("Database", "ErrorLogFile"): f"{folder}/virtuoso.log",
    ("Database", "LockFile"): f"{folder}/virtuoso.lck",
    ("Database", "TransactionFile"): f"{folder}/virtuoso.trx",
    ("Database", "xa_persistent_file"): f"{folder}/virtuoso.pxa",
    ("TempDatabase", "DatabaseFile"): f"{folder}/virtuoso-temp.db",
    ("TempDatabase", "TransactionFile"): f"{folder}/virtuoso-temp.trx",
    ("Parameters", "ServerPort"): f"127.0.0.1:{sql_port}",
    ("Parameters", "DirsAllowed"): f"., {folder}, /usr/share/virtuoso-opensource-7/vad",
    ("Parameters", "NumberOfBuffers"): "20000",
    ("Parameters", "MaxDirtyBuffers"): "15000",
    ("HTTPServer", "ServerPort"): f"127.0.0.1:{http_port}",
    ("HTTPServer", "ServerRoot"): "/var/lib/virtuoso-opensource-7/vsp",
    ("URIQA", "DefaultHost"): f"127.0.0.1:{http_port}",
    ("SPARQL", "ResultSetMaxRows"): "1000000",
}
section, out = None, []
for line in open(source, encoding="utf-8"):
    header = re.match(r"\s*\[(.+)\]", line)
    if header:
        section = header.group(1).strip()
    key = re.match(r"\s*([A-Za-z_0-9]+)\s*=", line)
    if key and (section, key.group(1)) in settings:
        line = f"{key.group(1)} = {settings[(section, key.group(1))]}\n"
    out.append(line)
open(f"{folder}/virtuoso.ini", "w", encoding="utf-8").writelines(out)
EOF
  (cd "$dir" && exec virtuoso-t +foreground +configfile "$dir/virtuoso.ini") >"$dir/stdout.log" 2>&1 &
  echo $! >"$KGINGEST_SERVERS_DIR/virtuoso.pid"
  echo "$sql_port" >"$KGINGEST_SERVERS_DIR/virtuoso.sqlport"
  export KGINGEST_TEST_VIRTUOSO_URL="http://127.0.0.1:$http_port"
  _kg_wait_http "$KGINGEST_TEST_VIRTUOSO_URL/sparql?query=ASK%7B%7D" 120 \
    || { tail -n 30 "$dir/virtuoso.log" >&2; return 1; }
  # A dedicated account: SPARQL_UPDATE is what /sparql-auth and /sparql-graph-crud-auth ask for.
  export KGINGEST_TEST_VIRTUOSO_USER=kgingest
  export KGINGEST_TEST_VIRTUOSO_PASSWORD="kg-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
  isql-vt "127.0.0.1:$sql_port" dba dba >"$dir/isql.log" 2>&1 <<EOF
DB.DBA.USER_CREATE('$KGINGEST_TEST_VIRTUOSO_USER', '$KGINGEST_TEST_VIRTUOSO_PASSWORD');
GRANT SPARQL_UPDATE TO "$KGINGEST_TEST_VIRTUOSO_USER";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET('$KGINGEST_TEST_VIRTUOSO_USER', 7);
EOF
  if grep -q '\*\*\* Error' "$dir/isql.log"; then cat "$dir/isql.log" >&2; return 1; fi
  echo "virtuoso: $KGINGEST_TEST_VIRTUOSO_URL (SQL port $sql_port)" >&2
}

start_servers() {
  export KGINGEST_SERVERS_DIR="${KGINGEST_SERVERS_DIR:-$(mktemp -d -t kgingest-servers.XXXXXX)}"
  _kg_install_oxigraph
  _kg_install_virtuoso
  _kg_start_oxigraph
  _kg_start_virtuoso
}

_kg_stop_pid() {  # _kg_stop_pid PIDFILE: TERM, wait up to 20 s, then KILL
  local pid i
  [ -f "$1" ] || return 0
  pid="$(cat "$1")"; rm -f "$1"
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
}

stop_servers() {
  local dir="${KGINGEST_SERVERS_DIR:-}" pid i
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  _kg_stop_pid "$dir/oxigraph.pid"
  if [ -f "$dir/virtuoso.pid" ]; then
    pid="$(cat "$dir/virtuoso.pid")"
    # A clean shutdown (checkpoint) rather than a signal.
    isql-vt "127.0.0.1:$(cat "$dir/virtuoso.sqlport")" dba dba exec="shutdown;" >/dev/null 2>&1 || true
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    _kg_stop_pid "$dir/virtuoso.pid"
  fi
  rm -rf "$dir"
  unset KGINGEST_SERVERS_DIR
}
