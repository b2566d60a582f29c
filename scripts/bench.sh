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
set -euo pipefail
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
start=$(date +%s)
mkdir -p "$RESULTS"
# shellcheck source=scripts/odoo_server.sh
source "$ROOT/scripts/odoo_server.sh"
ODOO=("${ODOO_BIN[@]}" "${ODOO_OPTS[@]}")

# --- 1. database: reuse it when the four addons are installed --------------------
prepare_database "$DB" "${BENCH_FRESH:-0}"

# --- 2. the live generic channel BENCH with a known secret, empty inbox --------
channel_json=$("${ODOO_BIN[@]}" shell "${ODOO_OPTS[@]}" --no-http --log-level=warn < "$ROOT/bench/setup_channel.py" \
  | sed -n 's/^BENCH_CHANNEL=//p' | tail -n 1)
[ -n "$channel_json" ] || { say "Channel set-up failed (no BENCH_CHANNEL line)"; exit 1; }
export BENCH_CHANNEL_JSON=$channel_json

# --- 3. Odoo server in the background: prefork workers, no cron ------------------
PORT=$(free_port "$PORT")
GEVENT_PORT=$(free_port $((PORT + 1)))
server_log=$RESULTS/server.log
server_args=(--http-interface=127.0.0.1 --http-port="$PORT" --gevent-port="$GEVENT_PORT"
  --max-cron-threads=0 --log-level="$LOG_LEVEL" --logfile="$server_log")
if [ "${BENCH_DB_FILTER:-1}" = 1 ]; then
  server_args+=(--db-filter="^${DB}\$")
fi
choose_server_bin
server_bin=("${SERVER_BIN[@]}")
if [ "$WORKERS" -gt 0 ]; then
  server_args+=(--workers="$WORKERS")
  mode="prefork, $WORKERS HTTP workers"
  if [ "$SERVER_WITHOUT_GEVENT" = 1 ]; then
    say "gevent cannot start in this venv (pkg_resources: unresolved dependencies); running the prefork"
    say "server without its websocket process (bench/odoo_without_gevent.py) - HTTP workers unchanged"
    mode="$mode, no gevent process"
  fi
else
  server_args+=(--workers=0)
  mode="threaded"
fi
[ "${BENCH_DB_FILTER:-1}" = 1 ] && mode="$mode, --db-filter" || mode="$mode, -d only (no --db-filter)"
: > "$server_log"
say "Starting Odoo on 127.0.0.1:$PORT ($mode, no cron) - log: ${server_log#"$ROOT"/}"
"${server_bin[@]}" "${ODOO_OPTS[@]}" "${server_args[@]}" &
server_pid=$!
cleanup() {
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true   # the prefork master stops its workers
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for i in $(seq 120); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/web/health" 2>/dev/null; then break; fi
  kill -0 "$server_pid" 2>/dev/null || { say "Odoo exited during start-up:"; tail -n 30 "$server_log" >&2; exit 1; }
  [ "$i" = 120 ] && { say "Odoo did not answer /web/health within 60 s"; tail -n 30 "$server_log" >&2; exit 1; }
  sleep 0.5
done

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
cleanup  # the HTTP server is not needed for the in-process order benchmark

# --- 6. orders through the whole hub path vs bare sale.order create+confirm -------
say "Order throughput: hub path vs bare sale.order (in-process, ${BENCH_ORDERS:-200} orders per round)"
"${ODOO_BIN[@]}" shell "${ODOO_OPTS[@]}" --no-http --log-level=warn < "$ROOT/bench/order_throughput.py" \
  | tee "$RESULTS/order_throughput.txt"
grep -q "\[FAIL\]" "$RESULTS/order_throughput.txt" && status=1

# --- 7. inventory availability for 10,000 SKUs (500 kits) vs a naive per-product loop --
say "Inventory availability: ${BENCH_SKUS:-10000} SKUs, batched vs naive (in-process)"
"${ODOO_BIN[@]}" shell "${ODOO_OPTS[@]}" --no-http --log-level=warn < "$ROOT/bench/inventory_availability.py" \
  | tee "$RESULTS/inventory_availability.txt"
grep -q "\[FAIL\]" "$RESULTS/inventory_availability.txt" && status=1
say "Results in bench/results/; make bench took $(( $(date +%s) - start )) s"
exit "$status"
