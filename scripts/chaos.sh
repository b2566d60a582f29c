#!/usr/bin/env bash
# make chaos: the hub against a real multi-process Odoo on 127.0.0.1 under load, kill -9, slow
# partners, a poison message and 44 kinds of bad input (bench/chaos.py). Prints what was refused,
# lost, doubled or stuck; exits 1 when any of it happened. Not part of `make test`.
#
#   CHAOS_N=10000 make chaos          # signed deliveries in the storm (default 10000)
#   CHAOS_TIMEOUT=1200 make chaos     # seconds to wait for the inbox to drain
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo}
VENV=${VENV:-$ROOT/.venv}
# Odoo re-executes itself as "python" (a restart after a time or memory limit): that name must be the
# venv's, or the new process starts without the project's packages and the server stays down.
export PATH="$VENV/bin:$PATH"
CONF=${CONF:-$ROOT/.odoo.conf}
DB=${CHAOS_DB:-integration_hub_chaos}
TEMPLATE=${DB}_template
RESULTS=$ROOT/bench/results
SAY_PREFIX=chaos
export CHAOS_SECRET=${CHAOS_SECRET:-whsec_Y2hhb3MtcnVuLXNlY3JldC1mb3ItdGhlLWh1Yi0zMmJ5dGVz}  # chaos only, public
start=$(date +%s)
mkdir -p "$RESULTS"
# shellcheck source=scripts/odoo_server.sh
source "$ROOT/scripts/odoo_server.sh"

# --- a fresh copy of the template database (the template keeps the addons installed) ---------
prepare_database "$TEMPLATE"
say "Fresh $DB from $TEMPLATE"
dropdb -h 127.0.0.1 --if-exists "$DB"
createdb -h 127.0.0.1 -T "$TEMPLATE" "$DB"
rm -rf "$ROOT/.odoo-data/filestore/$DB"
[ -d "$ROOT/.odoo-data/filestore/$TEMPLATE" ] && cp -r "$ROOT/.odoo-data/filestore/$TEMPLATE" "$ROOT/.odoo-data/filestore/$DB"
setup_json=$(CHAOS_PARTNER_URL=http://127.0.0.1:9/set-by-the-driver \
  "${ODOO_BIN[@]}" shell -c "$CONF" -d "$DB" --no-http --log-level=warn < "$ROOT/bench/chaos_setup.py" \
  | sed -n 's/^CHAOS_SETUP=//p' | tail -n 1)
[ -n "$setup_json" ] || { say "Set-up failed (no CHAOS_SETUP line)"; exit 1; }

# --- the server command: prefork, 2 HTTP + 2 cron workers, tight limits (a run's budget is a quarter) --
PORT=$(free_port "${CHAOS_PORT:-8369}")
GEVENT_PORT=$(free_port $((PORT + 1)))
choose_server_bin
log_file=$RESULTS/chaos_server.log
: > "$log_file"
server_cmd=$("$VENV/bin/python" -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "${SERVER_BIN[@]}" \
  -c "$CONF" -d "$DB" --db-filter="^${DB}\$" --http-interface=127.0.0.1 --http-port="$PORT" \
  --gevent-port="$GEVENT_PORT" --workers=2 --max-cron-threads=2 --limit-time-cpu=30 --limit-time-real=120 \
  --log-level=info --logfile="$log_file")

set +e
"$VENV/bin/python" "$ROOT/bench/chaos.py" --url "http://127.0.0.1:$PORT" --db "$DB" --server-cmd "$server_cmd" \
  --logfile "$log_file" --setup "$setup_json" | tee "$RESULTS/chaos.txt"
status=${PIPESTATUS[0]}
set -e
say "Report in bench/results/chaos.txt, server log in ${log_file#"$ROOT"/}; make chaos took $(( $(date +%s) - start )) s"
exit "$status"
