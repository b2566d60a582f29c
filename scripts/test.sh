#!/usr/bin/env bash
# make test: a fresh database with the four addons, then every test through pytest.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo}
VENV=${VENV:-$ROOT/.venv}
# Odoo re-executes itself as "python" (a restart after a time or memory limit): that name must be the
# venv's, or the new process starts without the project's packages and the server stays down.
export PATH="$VENV/bin:$PATH"
CONF=${CONF:-$ROOT/.odoo.conf}
TEST_DB=${TEST_DB:-integration_hub_test}
ADDONS=$(bash "$ROOT/scripts/addons.sh")
start=$(date +%s)

echo "[hub] Fresh test database $TEST_DB"
dropdb -h 127.0.0.1 --if-exists "$TEST_DB"
rm -rf "$ROOT/.odoo-data/filestore/$TEST_DB"
"$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$TEST_DB" -i "$ADDONS" \
  --without-demo=all --stop-after-init --no-http --log-level=warn
echo "[hub] Installed in $(( $(date +%s) - start )) s; running the tests"

cd "$ROOT"
set +e
"$VENV/bin/pytest" -p no:cacheprovider \
  --odoo-config="$CONF" --odoo-database="$TEST_DB" --odoo-http --odoo-log-level=warn \
  -rfEs "$@" addons tests
status=$?
set -e
echo "[hub] make test took $(( $(date +%s) - start )) s"
exit $status
