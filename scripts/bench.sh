#!/usr/bin/env bash
# make bench: intake throughput of signed generic webhooks, as a ratio to a bare
# Odoo auth='none' route (/web/health) measured in the same run, against a
# multi-process Odoo (like production). Prints numbers; asserts nothing on timing.
#
#   BENCH_N=2000 BENCH_C=8 make bench        # requests per phase, concurrent clients
#   BENCH_FRESH=1 make bench                  # drop and recreate the bench database
#   BENCH_WORKERS=0 make bench                # threaded server instead of prefork workers
#   BENCH_DB_FILTER=0 make bench              # serve the database by -d only, without --db-filter
#                                             # (no per-request database listing: a much cheaper baseline)
#   BENCH_FULL=1 make bench                   # issue 23's full sizes: 100,000 SKUs published, 1,000,000
#                                             # events of inbox history, 200 orders per round (defaults:
#                                             # 20,000, 200,000 and 100: the whole run in under 30 minutes)
set -euo pipefail
if [ "${BENCH_FULL:-0}" = 1 ]; then  # a size set explicitly still wins
  export BENCH_PUB_SKUS=${BENCH_PUB_SKUS:-100000} BENCH_HISTORY_EVENTS=${BENCH_HISTORY_EVENTS:-1000000} \
    BENCH_ORDERS=${BENCH_ORDERS:-200}
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo}
VENV=${VENV:-$ROOT/.venv}
# Odoo re-executes itself as "python" (a restart after a time or memory limit): that name must be the
# venv's, or the new process starts without the project's packages and the server stays down.
export PATH="$VENV/bin:$PATH"
CONF=${CONF:-$ROOT/.odoo.conf}
DB=${BENCH_DB:-integration_hub_bench}
PORT=${BENCH_PORT:-8269}
WORKERS=${BENCH_WORKERS:-2}
LOG_LEVEL=${BENCH_LOG_LEVEL:-warn}
RESULTS=$ROOT/bench/results
ODOO_OPTS=(-c "$CONF" -d "$DB")
export BENCH_SECRET=${BENCH_SECRET:-whsec_aW50ZWdyYXRpb24taHViLWJlbmNoLXNlY3JldC0zMmI=}  # bench only, public
export PYTHONPATH="$ROOT/bench${PYTHONPATH:+:$PYTHONPATH}"  # the in-process scripts share bench/hub_orders.py
start=$(date +%s)
mkdir -p "$RESULTS"
# shellcheck source=scripts/odoo_server.sh
source "$ROOT/scripts/odoo_server.sh"
ODOO=("${ODOO_BIN[@]}" "${ODOO_OPTS[@]}")

# --- 1. database: reuse it when the project's addons are installed --------------------
# the bench's own addon (bench/addons/hub_bench_floor: the one-insert floor route), never in the project's list
BENCH_ADDONS_PATH="$(awk -F'= *' '/^addons_path/{print $2}' "$CONF"),$ROOT/bench/addons"
PREPARE_OPTS=(--addons-path="$BENCH_ADDONS_PATH")  # an update then finds the floor addon it installed
prepare_database "$DB" "${BENCH_FRESH:-0}"
ODOO_OPTS+=(--addons-path="$BENCH_ADDONS_PATH")
ODOO=("${ODOO_BIN[@]}" "${ODOO_OPTS[@]}")
if [ "$("${PG[@]}" -d "$DB" -c "SELECT state FROM ir_module_module WHERE name = 'hub_bench_floor'")" != installed ]; then
  say "Installing the bench's floor route (hub_bench_floor) in $DB"
  "${ODOO[@]}" -i hub_bench_floor --stop-after-init --no-http --log-level=warn
fi

# --- 2. the live generic channel BENCH with a known secret, empty inbox --------
channel_json=$("${ODOO_BIN[@]}" shell "${ODOO_OPTS[@]}" --no-http --log-level=warn < "$ROOT/bench/setup_channel.py" \
  | sed -n 's/^BENCH_CHANNEL=//p' | tail -n 1)
[ -n "$channel_json" ] || { say "Channel set-up failed (no BENCH_CHANNEL line)"; exit 1; }
export BENCH_CHANNEL_JSON=$channel_json

# --- 3. Odoo server in the background: prefork workers, no cron ------------------
PORT=$(free_port "$PORT")
GEVENT_PORT=$(free_port $((PORT + 1)))
choose_server_bin
mode_for() {  # the server mode printed with the results
  local mode
  if [ "$WORKERS" -gt 0 ]; then
    mode="prefork, $WORKERS HTTP workers"
    [ "$SERVER_WITHOUT_GEVENT" = 1 ] && mode="$mode, no gevent process"
  else
    mode="threaded"
  fi
  [ "${BENCH_DB_FILTER:-1}" = 1 ] && echo "$mode, --db-filter" || echo "$mode, -d only (no --db-filter)"
}
mode=$(mode_for)
if [ "$SERVER_WITHOUT_GEVENT" = 1 ]; then
  say "gevent cannot start in this venv (pkg_resources: unresolved dependencies); running the prefork"
  say "server without its websocket process (bench/odoo_without_gevent.py) - HTTP workers unchanged"
fi
server_pid=
server_pids=()
start_server() {  # start_server DB LOGFILE [PORT GEVENT_PORT]: serve DB (no cron) and wait until it answers
  local db=$1 port=${3:-$PORT} gevent_port=${4:-$GEVENT_PORT}
  server_log=$2
  local args=(-c "$CONF" -d "$db" --addons-path="$BENCH_ADDONS_PATH" --http-interface=127.0.0.1
    --http-port="$port" --gevent-port="$gevent_port" --max-cron-threads=0 --log-level="$LOG_LEVEL"
    --logfile="$server_log" --workers="$WORKERS")
  [ "${BENCH_DB_FILTER:-1}" = 1 ] && args+=(--db-filter="^${db}\$")
  : > "$server_log"
  say "Starting Odoo on 127.0.0.1:$port for $db ($mode, no cron) - log: ${server_log#"$ROOT"/}"
  "${SERVER_BIN[@]}" "${args[@]}" &
  server_pid=$!
  server_pids+=("$server_pid")
  for i in $(seq 120); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/web/health" 2>/dev/null; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null || { say "Odoo exited during start-up:"; tail -n 30 "$server_log" >&2; exit 1; }
    [ "$i" = 120 ] && { say "Odoo did not answer /web/health within 60 s"; tail -n 30 "$server_log" >&2; exit 1; }
    sleep 0.5
  done
}
cleanup() {  # stop every server started so far
  local pid
  for pid in "${server_pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true   # the prefork master stops its workers
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  server_pid=
  server_pids=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM
start_server "$DB" "$RESULTS/server.log"

# --- 4. the measurement -----------------------------------------------------------
set +e
"$VENV/bin/python" "$ROOT/bench/webhook_intake.py" \
  --url "http://127.0.0.1:$PORT" --db "$DB" --server-mode "$mode" --server-pid "$server_pid" \
  --requests "${BENCH_N:-2000}" --concurrency "${BENCH_C:-8}" \
  | tee "$RESULTS/webhook_intake.txt"
status=${PIPESTATUS[0]}

# --- 5. the same measurement for signed Shopify webhooks (same server, same run) ------
export BENCH_SHOPIFY_SECRET=${BENCH_SHOPIFY_SECRET:-shpss_bench_only_public_client_secret}  # bench only, public
shop_json=$("${ODOO_BIN[@]}" shell "${ODOO_OPTS[@]}" --no-http --log-level=warn \
  < "$ROOT/bench/setup_shopify_channel.py" | sed -n 's/^BENCH_SHOPIFY_CHANNEL=//p' | tail -n 1)
if [ -n "$shop_json" ]; then
  BENCH_SHOPIFY_CHANNEL_JSON=$shop_json "$VENV/bin/python" "$ROOT/bench/shopify_webhooks.py" \
    --url "http://127.0.0.1:$PORT" --db "$DB" --server-mode "$mode" --server-pid "$server_pid" \
    --requests "${BENCH_N:-2000}" --concurrency "${BENCH_C:-8}" \
    | tee "$RESULTS/shopify_webhooks.txt"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
else
  say "Shopify channel set-up failed (no BENCH_SHOPIFY_CHANNEL line)"; status=1
fi
set -e
if grep -qE ' (ERROR|CRITICAL) ' "$server_log"; then
  say "The server log has errors (${server_log#"$ROOT"/}):"
  grep -E ' (ERROR|CRITICAL) ' "$server_log" | tail -n 5 >&2
fi

# --- 5b. the peer: the same Shopify deliveries to OCA shopify_connector 18.0, same server build -------
# Both servers are up at once (each idle while the other is measured) and hub and peer alternate in rounds.
if [ "${BENCH_PEER:-1}" = 1 ] && [ -n "$shop_json" ]; then
  PEER_DB=${DB}_peer
  hub_target=$("$VENV/bin/python" -c 'import json, os, sys; c = json.loads(sys.argv[1]); print(json.dumps({"path": "/integration_hub/v1/webhooks/" + c["token"], "secret": os.environ["BENCH_SHOPIFY_SECRET"]}))' "$shop_json")
  # The peer goes into its own folder, never into the venv: OCA's wheels ship an "odoo/addons" folder that,
  # in site-packages, would hide the editable Odoo from pytest (import odoo finds a namespace, not Odoo).
  PEER_DIR=$ROOT/.bench-peer
  if [ ! -f "$PEER_DIR/odoo/addons/shopify_connector/__manifest__.py" ]; then
    say "Installing the peer, OCA shopify_connector 18.0 and queue_job, into .bench-peer/ (pip --target; bench only)"
    "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps --target "$PEER_DIR" \
      "odoo-addon-shopify_connector>=18.0,<18.1" "odoo-addon-queue_job>=18.0,<18.1"
  fi
  HUB_ADDONS_PATH=$BENCH_ADDONS_PATH
  BENCH_ADDONS_PATH="$BENCH_ADDONS_PATH,$PEER_DIR/odoo/addons"
  if [ "$("${PG[@]}" -d "$PEER_DB" -c "SELECT state FROM ir_module_module WHERE name = 'shopify_connector'" 2>/dev/null)" != installed ]; then
    say "Creating $PEER_DB with shopify_connector (its dependencies include website_sale: a few minutes)"
    dropdb -h 127.0.0.1 --if-exists "$PEER_DB"
    "${ODOO_BIN[@]}" -c "$CONF" -d "$PEER_DB" --addons-path="$BENCH_ADDONS_PATH" -i shopify_connector \
      --without-demo=all --stop-after-init --no-http --log-level=warn
  fi
  peer_target=$("${ODOO_BIN[@]}" shell -c "$CONF" -d "$PEER_DB" --addons-path="$BENCH_ADDONS_PATH" --no-http \
    --log-level=warn < "$ROOT/bench/setup_peer.py" \
    | sed -n 's/^BENCH_PEER=//p' | tail -n 1)
  PEER_PORT=$(free_port $((PORT + 10)))
  start_server "$PEER_DB" "$RESULTS/server_peer.log" "$PEER_PORT" "$(free_port $((PORT + 11)))"
  set +e
  "$VENV/bin/python" "$ROOT/bench/peer_intake.py" --hub-url "http://127.0.0.1:$PORT" --hub-db "$DB" \
    --hub-setup "$hub_target" --peer-url "http://127.0.0.1:$PEER_PORT" --peer-db "$PEER_DB" \
    --peer-setup "$peer_target" --out-dir "$RESULTS" -n "${BENCH_PEER_N:-1000}"
  "$VENV/bin/python" "$ROOT/bench/peer_intake.py" --compare "$RESULTS/peer_hub.json" "$RESULTS/peer_peer.json" \
    | tee "$RESULTS/peer_intake.txt"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
  set -e
  BENCH_ADDONS_PATH=$HUB_ADDONS_PATH
fi
cleanup  # the HTTP server is not needed for the in-process order benchmark

# in_process NAME: bench/NAME.py piped into odoo-bin shell, printed and kept in bench/results/NAME.txt
in_process() {
  "${ODOO_BIN[@]}" shell "${ODOO_OPTS[@]}" --no-http --log-level=warn < "$ROOT/bench/$1.py" | tee "$RESULTS/$1.txt"
  if grep -q "\[FAIL\]" "$RESULTS/$1.txt"; then status=1; fi
}

# --- 6. orders through the whole hub path vs bare sale.order create+confirm -------
say "Order throughput: hub path vs bare sale.order (in-process, ${BENCH_ORDERS:-100} orders per round)"
in_process order_throughput

# --- 6b. the cost of encrypting personal data at rest (intake and processing, encrypted vs clear) --
say "Personal data encryption cost: intake and processing, encrypted vs clear (in-process, ${BENCH_PD_ORDERS:-100} orders per round)"
in_process personal_data_cost

# --- 6b2. one order of 1,500 lines (variants, kits) from the webhook to its reserved delivery ------------
say "Large order: ${BENCH_ORDER_LINES:-1500} lines, webhook to reserved delivery vs bare sale.order (in-process)"
in_process large_order

# --- 6c. intake and processing with years of inbox history, and the archive job that trims it ----------
say "Inbox history: ${BENCH_HISTORY_EVENTS:-200000} settled messages, before / with / after the archive job (in-process)"
in_process inbox_history

# --- 6d. one publication cycle at warehouse scale: SKUs x 5 channels of 2 clients -----------------------
say "Publication at scale: ${BENCH_PUB_SKUS:-20000} SKUs x 5 channels of 2 clients, first cycle and a 1 %-changed one"
in_process publication_scale

# --- 7. inventory availability for 10,000 SKUs (500 kits) vs a naive per-product loop --
say "Inventory availability: ${BENCH_SKUS:-5000} SKUs, batched vs naive (in-process)"
in_process inventory_availability
# --- 8. scale-out: one Odoo server, then two, draining the same inbox (bench/scale_out.py) --
if [ "${BENCH_SCALE:-1}" = 1 ]; then
  scale_json=$("${ODOO_BIN[@]}" shell "${ODOO_OPTS[@]}" --no-http --log-level=warn < "$ROOT/bench/setup_scale_out.py" \
    | sed -n 's/^SCALE_SETUP=//p' | tail -n 1)
  scale_cmd=$("$VENV/bin/python" -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "${SERVER_BIN[@]}" \
    -c "$CONF" -d "$DB" --db-filter="^${DB}\$" --addons-path="$BENCH_ADDONS_PATH" --http-interface=127.0.0.1 \
    --http-port='{port}' --gevent-port='{gevent_port}' --workers=2 --max-cron-threads='{crons}' \
    --log-level=warn --logfile='{logfile}')
  shell_cmd=$("$VENV/bin/python" -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "${ODOO_BIN[@]}" shell \
    "${ODOO_OPTS[@]}" --no-http --log-level=warn)
  say "Scale-out: ${BENCH_SCALE_ORDERS:-300} orders drained by one server, then by two (same database)"
  set +e
  "$VENV/bin/python" "$ROOT/bench/scale_out.py" --db "$DB" --server-cmd "$scale_cmd" --shell-cmd "$shell_cmd" \
    --setup "$scale_json" --port "$(free_port $((PORT + 200)))" --logfile "$RESULTS/scale_out_server.log" \
    | tee "$RESULTS/scale_out.txt"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
  set -e
fi
# --- summary: every part's headline figures, each a ratio to its same-run baseline --------
{
  printf '\nBench summary - %s - %s, %s cores\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(uname -m)" "$(nproc)"
  printf '| Figure | Value |\n| --- | --- |\n'
  grep -h $'^SUMMARY\t' "$RESULTS"/*.txt 2>/dev/null | awk -F'\t' '{printf "| %s | %s |\n", $2, $3}'
} | tee "$RESULTS/summary.md"
say "Results in bench/results/; make bench took $(( $(date +%s) - start )) s"
exit "$status"
