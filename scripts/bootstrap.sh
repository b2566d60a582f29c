#!/usr/bin/env bash
# Prepares everything `make run` and `make test` need, idempotently:
# system packages, the project venv with Odoo 18 from $ODOO_SRC, PostgreSQL up,
# and a git-ignored Odoo config with a generated hub encryption key.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo}
VENV=${VENV:-$ROOT/.venv}
CONF=${ODOO_CONF:-$ROOT/.odoo.conf}
PY=${PYTHON:-python3}
ODOO_BRANCH_URL=${ODOO_BRANCH_URL:-https://github.com/odoo/odoo.git}

say() { printf '\033[1m[hub]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[hub] %s\033[0m\n' "$*" >&2; exit 1; }

# --- 1. Odoo source --------------------------------------------------------
if [ ! -f "$ODOO_SRC/odoo/release.py" ]; then
  say "No Odoo source at $ODOO_SRC; trying a shallow clone of the official 18.0 branch (60 s max)"
  if ! timeout 60 git clone --quiet --depth 1 --branch 18.0 "$ODOO_BRANCH_URL" "$ODOO_SRC" 2>/dev/null; then
    rm -rf "$ODOO_SRC" 2>/dev/null || true
    die "Odoo 18.0 community source not found at $ODOO_SRC and it could not be cloned.
       Provide it: put an Odoo 18.0 source tree there (the folder must contain
       odoo/release.py, odoo-bin, setup.py and requirements.txt), or point ODOO_SRC
       at one:   ODOO_SRC=/path/to/odoo-18.0 make run"
  fi
fi
grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py" \
  || die "$ODOO_SRC is not an Odoo 18.0 tree (odoo/release.py says otherwise)."

# --- 2. System packages (Debian) -------------------------------------------
need_pkgs=()
for p in libpq-dev libldap2-dev libsasl2-dev chromium wkhtmltopdf poppler-utils; do
  dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    say "Installing Debian packages: ${need_pkgs[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  else
    die "Missing system packages: ${need_pkgs[*]} (install them with your package manager)."
  fi
fi

# --- 3. Python venv with Odoo and the project's requirements ---------------
stamp="$VENV/.hub-deps"
want=$(cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements.txt" "$ROOT/requirements-test.txt" "$0" | sha1sum | cut -c1-16)
if [ ! -x "$VENV/bin/python" ]; then
  say "Creating $VENV"
  "$PY" -m venv "$VENV"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "Installing Odoo 18 and the project's Python requirements (first run: a few minutes)"
  # Some of Odoo's pinned sdists still import pkg_resources at build time.
  build_constraints="$VENV/build-constraints.txt"
  echo "setuptools<81" > "$build_constraints"
  export PIP_CONSTRAINT="$build_constraints"
  # -U: the venv's bundled setuptools is too old for gevent's entry points (zope_interface)
  "$VENV/bin/pip" install -q -U --disable-pip-version-check "setuptools<81" wheel
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ODOO_SRC/requirements.txt"
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps -e "$ODOO_SRC"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/requirements.txt" -r "$ROOT/requirements-test.txt"
  echo "$want" > "$stamp"
fi

# --- 4. PostgreSQL ---------------------------------------------------------
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_lsclusters >/dev/null && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
    ver=$(ls /etc/postgresql | sort -n | tail -1)
    say "Starting PostgreSQL $ver"
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 \
    || die "PostgreSQL is not running on 127.0.0.1:5432 and no local cluster could be started.
       Install PostgreSQL 15+ (apt-get install postgresql) or set DB_HOST/DB_PORT/DB_USER in $CONF."
fi

# --- 5. Odoo config with the hub encryption key ----------------------------
# A git checkout keeps the standard addons in addons/, a packaged tree in odoo/addons.
addons_path="$ODOO_SRC/odoo/addons"
[ -d "$ODOO_SRC/addons" ] && addons_path="$ODOO_SRC/addons,$addons_path"
if [ ! -f "$CONF" ]; then
  key=$("$VENV/bin/python" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
  say "Writing $CONF (git-ignored) with a new hub encryption key"
  umask 077
  cat > "$CONF" <<CONF
[options]
addons_path = $addons_path,$ROOT/addons
data_dir = $ROOT/.odoo-data
db_host = ${DB_HOST:-127.0.0.1}
db_port = ${DB_PORT:-5432}
db_user = ${DB_USER:-$(id -un)}
db_password = ${DB_PASSWORD:-False}
admin_passwd = admin
http_port = ${HTTP_PORT:-8069}
without_demo = False
log_level = info
; Key for the hub's encrypted secrets (Fernet). Keep a copy somewhere safe:
; without it the stored credentials cannot be read. Several keys, comma
; separated, newest first, allow a rotation (see README).
integration_hub_encryption_key = $key
CONF
fi
say "Environment ready (venv: $VENV, config: $CONF)"
