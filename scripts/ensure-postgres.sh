#!/usr/bin/env bash
# The store tests start a throw-away PostgreSQL server from Debian's `postgresql` binaries
# (tests/pg_server.py). Install them when missing and we are root (CI on a fresh machine);
# otherwise say so: those tests are then skipped with that reason.
set -euo pipefail
if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's postgresql for the store tests..."
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
  # The package may start a cluster of its own; the tests do not use it.
  (command -v pg_ctlcluster >/dev/null && pg_lsclusters -h 2>/dev/null | while read -r ver name _; do
     pg_ctlcluster "$ver" "$name" stop || true; done) || true
  exit 0
fi
echo "PostgreSQL server binaries are missing: the PostgreSQL store tests will be skipped." >&2
echo "Install them with: sudo apt-get install -y postgresql" >&2
