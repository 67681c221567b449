#!/usr/bin/env bash
# The whole suite on SQLite and again on PostgreSQL (browser tests only on the SQLite pass). The two passes run
# side by side, each on its own database, and both must pass; the PostgreSQL pass's output follows the SQLite one.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_DB=${PG_DB:-linli_test}

pg_ready() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; }
if ! pg_ready && [ "$(id -u)" = "0" ] && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  sleep 2
fi

pg_pid=""
pg_log=$(mktemp)
if pg_ready; then
  psql -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS $PG_DB" \
    -c "CREATE DATABASE $PG_DB TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'" || exit 1
  COMMUNITY_TEST_DATABASE_URL="postgresql+psycopg://postgres@$PG_HOST:$PG_PORT/$PG_DB" \
    $PY -m pytest -q -p no:cacheprovider -m "not browser" >"$pg_log" 2>&1 &
  pg_pid=$!
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is not reachable at $PG_HOST:$PG_PORT; CI needs it" >&2
  exit 1
fi

echo "== suite on SQLite"
$PY -m pytest -q -p no:cacheprovider
sqlite_rc=$?

if [ -z "$pg_pid" ]; then
  echo "== PostgreSQL not reachable: skipped the second pass (CI runs it)"
  exit $sqlite_rc
fi
wait "$pg_pid"
pg_rc=$?
echo "== suite on PostgreSQL"
cat "$pg_log"
rm -f "$pg_log"
echo "== SQLite exit $sqlite_rc, PostgreSQL exit $pg_rc"
[ "$sqlite_rc" -eq 0 ] && [ "$pg_rc" -eq 0 ]
