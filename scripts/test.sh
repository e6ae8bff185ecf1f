#!/usr/bin/env bash
# Sets everything up and runs lint, types and the whole test suite on SQLite, then on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev

# The page tests drive Debian's chromium (Playwright cannot download its own browser here).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; })
  else
    echo "chromium is missing: sudo apt-get install -y chromium" >&2
  fi
fi

# The PostgreSQL pass needs the local server (127.0.0.1:5432, trust auth, database "test").
if ! .venv/bin/python -c "import psycopg; psycopg.connect('host=127.0.0.1 user=postgres dbname=test', connect_timeout=3).close()" 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
    sleep 2
  fi
fi

. .venv/bin/activate
ruff check .
mypy attendance
echo "== tests on SQLite =="
python -m pytest -q -p no:cacheprovider "$@"
echo "== tests on PostgreSQL =="
TEST_DATABASE=postgresql python -m pytest -q -p no:cacheprovider "$@"
