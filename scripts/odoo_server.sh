# Shared by scripts/bench.sh and scripts/chaos.sh (sourced, not run): a database with the four
# addons at the code on disk, free ports, and the command that starts a prefork Odoo.
# Expects ROOT, VENV, ODOO_SRC, CONF and RESULTS to be set.

ADDONS=$(bash "$ROOT/scripts/addons.sh")
ODOO_BIN=("$VENV/bin/python" "$ODOO_SRC/odoo-bin")  # a sub-command (shell) must come before the options
PG=(psql -h 127.0.0.1 -U "$(id -un)" -X -q -tA)

say() { printf '[%s] %s\n' "${SAY_PREFIX:-bench}" "$*" >&2; }

addons_stamp() {
  (cd "$ROOT" && find addons -type f \( -name '*.py' -o -name '*.xml' -o -name '*.csv' \) -print0 \
    | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-16)
}

# prepare_database DB [FRESH]: reuse DB when the project's addons are installed, else create it; then
# update (-u) until the code it was last updated with is the code on disk (three tries at most: the
# addons may be edited while this runs).
prepare_database() {
  local db=$1 fresh=${2:-0} stamp_file="$RESULTS/.addons-stamp-$1" installed stamp
  # PREPARE_OPTS: more odoo-bin options for the install/update (e.g. a bench's own addons path)
  local odoo=("${ODOO_BIN[@]}" -c "$CONF" -d "$db" ${PREPARE_OPTS[@]+"${PREPARE_OPTS[@]}"})
  if [ "$fresh" = 1 ]; then
    say "Fresh run: dropping $db"
    dropdb -h 127.0.0.1 --if-exists "$db"
    rm -rf "$ROOT/.odoo-data/filestore/$db"
  fi
  local wanted names
  wanted=$(tr ',' '\n' <<< "$ADDONS" | grep -c .)
  names=$(sed "s/\([^,]*\)/'\1'/g" <<< "$ADDONS")
  installed=$("${PG[@]}" -d "$db" -c "SELECT count(*) FROM ir_module_module
    WHERE state = 'installed' AND name IN ($names)" 2>/dev/null || echo 0)
  if [ "$installed" = "$wanted" ]; then
    say "Reusing $db (the project's addons are installed)"
  else
    say "Creating $db with $ADDONS, no demo data (a few minutes)"
    dropdb -h 127.0.0.1 --if-exists "$db"
    rm -rf "$ROOT/.odoo-data/filestore/$db"
    stamp=$(addons_stamp)
    "${odoo[@]}" -i "$ADDONS" --without-demo=all --stop-after-init --no-http --log-level=warn
    echo "$stamp" > "$stamp_file"
  fi
  for _ in 1 2 3; do
    stamp=$(addons_stamp)
    [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ] && break
    say "The addons changed since $db was last updated: -u $ADDONS"
    "${odoo[@]}" -u "$ADDONS" --stop-after-init --no-http --log-level=warn
    echo "$stamp" > "$stamp_file"
  done
}

free_port() {  # first free TCP port from $1 upwards
  "$VENV/bin/python" - "$1" <<'PY'
import socket, sys
port = int(sys.argv[1])
while True:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            break
        except OSError:
            port += 1
print(port)
PY
}

# Sets SERVER_BIN: odoo-bin, or the bench's variant without the prefork master's websocket process
# when gevent cannot start in this venv (the master would re-spawn it in a loop eating a core).
choose_server_bin() {
  SERVER_BIN=("${ODOO_BIN[@]}")
  SERVER_WITHOUT_GEVENT=0
  if ! "$VENV/bin/python" -c "import pkg_resources; pkg_resources.require('gevent')" >/dev/null 2>&1; then
    SERVER_BIN=("$VENV/bin/python" "$ROOT/bench/odoo_without_gevent.py")
    SERVER_WITHOUT_GEVENT=1
  fi
}
