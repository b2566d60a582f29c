#!/usr/bin/env bash
# make run: create or upgrade the demo database, print the demo webhook URL, serve Odoo.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo}
VENV=${VENV:-$ROOT/.venv}
# Odoo re-executes itself as "python" (a restart after a time or memory limit): that name must be the
# venv's, or the new process starts without the project's packages and the server stays down.
export PATH="$VENV/bin:$PATH"
CONF=${CONF:-$ROOT/.odoo.conf}
DB=${DB:-integration_hub}
ADDONS=$(bash "$ROOT/scripts/addons.sh")
ODOO_BIN=("$VENV/bin/python" "$ODOO_SRC/odoo-bin")
ODOO=("${ODOO_BIN[@]}" -c "$CONF" -d "$DB")

if psql -h 127.0.0.1 -U "$(id -un)" -lqt postgres 2>/dev/null | cut -d'|' -f1 | grep -qw "$DB"; then
  echo "[hub] Upgrading database $DB"
  "${ODOO[@]}" -u "$ADDONS" --stop-after-init --no-http --log-level=warn
else
  echo "[hub] Creating database $DB with the hub and its demo configuration (a few minutes)"
  "${ODOO[@]}" -i "$ADDONS" --stop-after-init --no-http --log-level=warn
fi

url=$(echo "print(env.ref('integration_hub.demo_channel_generic', raise_if_not_found=False).sudo().webhook_url or '')" \
  | "${ODOO_BIN[@]}" shell -c "$CONF" -d "$DB" --no-http --log-level=error 2>/dev/null | tail -n 1 || true)
port=$(awk -F'= *' '/^http_port/{print $2}' "$CONF")
cat <<MSG

  Odoo:            http://localhost:${port:-8069}   (admin / admin)
  Demo webhook:    ${url:-"(no demo channel: database created without demo data)"}
  Demo secret:     whsec_ZGVtby1zZWNyZXQtZm9yLWludGVncmF0aW9uLWh1Yg==   (public, demo only)

MSG
# -d alone, no --db-filter: Odoo serves that one database without listing the databases on every request
# (a new PostgreSQL backend per request; README "Running it in production")
exec "${ODOO[@]}"
