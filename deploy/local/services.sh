#!/usr/bin/env bash
# Provisions and starts the local services Clinic needs, on loopback only, on a Debian/Ubuntu machine:
# PostgreSQL, RabbitMQ (with its management UI) and an SMTP sink (aiosmtpd writing a Maildir).
# Idempotent: installs only what is missing and starts only what is not running.
# Writes the connection settings to .local/services.env, which ./clinic sources.
#
# Secrets are generated on first use into .local/ (git-ignored): the repo holds no passwords.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
state_dir="$repo_root/.local"
mkdir -p "$state_dir"

log() { printf '[services] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
ensure_packages() {
  local recommends=--no-install-recommends
  if [ "${1:-}" = "--with-recommends" ]; then recommends=""; shift; fi
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated -eq 0 ]; then
    log "apt-get update"
    as_root apt-get update -qq
    apt_updated=1
  fi
  log "installing ${missing[*]}"
  # policy-rc.d keeps packages from auto-starting services bound to every interface; we start them ourselves.
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $recommends "${missing[@]}" >/dev/null
}

secret() {
  # A random secret per name, created once and kept in .local/.
  local file="$state_dir/$1.secret"
  if [ ! -s "$file" ]; then
    head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24 >"$file"
    chmod 600 "$file"
  fi
  cat "$file"
}

wait_for_port() {
  local port=$1 name=$2 deadline=$((SECONDS + ${3:-60}))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then log "$name did not open port $port in time"; return 1; fi
    sleep 0.5
  done
}

ensure_packages postgresql rabbitmq-server python3-aiosmtpd
# Browser tests drive Debian's Chromium (Playwright cannot download its own browsers here).
if [ "${1:-}" = "--browser" ]; then
  # With its recommended packages (fonts among them), as the browser tests were verified.
  ensure_packages --with-recommends chromium
fi
# The benchmark's load generator and its static-file anchor (nginx is run by the bench itself, not as a service).
if [ "${1:-}" = "--bench" ]; then
  ensure_packages wrk nginx-light
  # The WordPress peer, which the bench runs itself on its own sockets and ports (skipped with --no-wordpress).
  ensure_packages php-fpm wordpress wordpress-theme-twentytwentythree mariadb-server
  # Debian starts nginx on :80 when it is installed; the bench starts its own on a free loopback port.
  as_root service nginx stop >/dev/null 2>&1 || true
fi

# ---------------------------------------------------------------- PostgreSQL
pg_password=$(secret postgres)
pg_version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
pg_conf_dir="/etc/postgresql/$pg_version/main"
if [ -d "$pg_conf_dir" ] && ! grep -q "^listen_addresses = 'localhost'" "$pg_conf_dir/postgresql.conf"; then
  echo "listen_addresses = 'localhost'" | as_root tee -a "$pg_conf_dir/postgresql.conf" >/dev/null
fi
# WAL archiving for ./clinic backup. archive_mode needs a restart, so it is on from the start; the archive
# itself begins with the first backup (deploy/local/backup.sh rewrites this file), because test runs write
# gigabytes of WAL that nobody needs kept until then.
archive_conf="$pg_conf_dir/conf.d/clinic-archive.conf"
if [ -d "$pg_conf_dir/conf.d" ] && [ ! -f "$archive_conf" ]; then
  printf '%s\n' "# Until the first ./clinic backup: archiving on, nothing kept." "archive_mode = on" "archive_command = '/bin/true'" |
    as_root tee "$archive_conf" >/dev/null
fi
if ! as_root pg_lsclusters -h 2>/dev/null | awk '{print $4}' | grep -q online; then
  log "starting PostgreSQL $pg_version"
  as_root service postgresql start >/dev/null
fi
wait_for_port 5432 PostgreSQL
psql_su() { as_root su postgres -c "psql -v ON_ERROR_STOP=1 -qtAX $*"; }
if [ -f "$archive_conf" ] && [ "$(psql_su "-c 'SHOW archive_mode'")" = off ]; then
  log "restarting PostgreSQL $pg_version once, to turn WAL archiving on (for ./clinic backup)"
  as_root pg_ctlcluster "$pg_version" main restart
  wait_for_port 5432 PostgreSQL
fi
if [ "$(psql_su "-c \"SELECT 1 FROM pg_roles WHERE rolname = 'clinic'\"")" != "1" ]; then
  log "creating PostgreSQL role clinic"
  psql_su "-c \"CREATE ROLE clinic LOGIN CREATEDB PASSWORD '$pg_password'\""
else
  psql_su "-c \"ALTER ROLE clinic PASSWORD '$pg_password'\""
fi
for db in clinic clinic_test; do
  if [ "$(psql_su "-c \"SELECT 1 FROM pg_database WHERE datname = '$db'\"")" != "1" ]; then
    log "creating database $db"
    psql_su "-c \"CREATE DATABASE $db OWNER clinic\""
  fi
done

# ---------------------------------------------------------------- RabbitMQ
rabbit_password=$(secret rabbitmq)
if ! as_root rabbitmqctl -q status >/dev/null 2>&1; then
  log "starting RabbitMQ"
  # Loopback only: AMQP and the management UI listen on 127.0.0.1.
  as_root tee /etc/rabbitmq/rabbitmq.conf >/dev/null <<'CONF'
listeners.tcp.default = 127.0.0.1:5672
management.tcp.ip = 127.0.0.1
management.tcp.port = 15672
CONF
  as_root rabbitmq-plugins --offline enable rabbitmq_management >/dev/null
  as_root service rabbitmq-server start >/dev/null
fi
as_root rabbitmqctl -q await_startup >/dev/null
wait_for_port 5672 RabbitMQ
if ! as_root rabbitmqctl -q list_users | awk '{print $1}' | grep -qx clinic; then
  as_root rabbitmqctl -q add_user clinic "$rabbit_password" >/dev/null
  as_root rabbitmqctl -q set_user_tags clinic administrator >/dev/null
else
  as_root rabbitmqctl -q change_password clinic "$rabbit_password" >/dev/null
fi
for vhost in clinic clinic-test; do
  as_root rabbitmqctl -q add_vhost "$vhost" >/dev/null 2>&1 || true
  as_root rabbitmqctl -q set_permissions -p "$vhost" clinic '.*' '.*' '.*' >/dev/null
done

# ---------------------------------------------------------------- SMTP sink
smtp_port=2525
maildir="$state_dir/mail"
mkdir -p "$maildir"/tmp "$maildir"/new "$maildir"/cur
# A sink left running by another checkout writes somewhere else: replace it with ours.
for pid in $(pgrep -f "aiosmtpd -n -l 127.0.0.1:$smtp_port" || true); do
  if ! tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF "$maildir"; then
    log "replacing the SMTP sink of another checkout (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
done
if ! (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null; then
  log "starting the SMTP sink (aiosmtpd) on 127.0.0.1:$smtp_port, Maildir $maildir"
  # Debian's python, not a pyenv shim: python3-aiosmtpd lives in the system interpreter.
  nohup /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$maildir" \
    >"$state_dir/smtp-sink.log" 2>&1 &
  echo $! >"$state_dir/smtp-sink.pid"
fi
wait_for_port $smtp_port "SMTP sink"

cat >"$state_dir/services.env" <<ENV
CLINIC_POSTGRES="Host=127.0.0.1;Port=5432;Username=clinic;Password=$pg_password;Database=clinic"
CLINIC_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=clinic;Password=$pg_password;Database=clinic_test"
CLINIC_RABBITMQ="amqp://clinic:$rabbit_password@127.0.0.1:5672/clinic"
CLINIC_TEST_RABBITMQ="amqp://clinic:$rabbit_password@127.0.0.1:5672/clinic-test"
CLINIC_SMTP="127.0.0.1:$smtp_port"
CLINIC_TEST_SMTP="127.0.0.1:$smtp_port"
CLINIC_TEST_SMTP_MAILDIR="$maildir"
CLINIC_MAILDIR="$maildir"
CLINIC_TEST_CHROMIUM="$(command -v chromium || true)"
ENV
chmod 600 "$state_dir/services.env"
log "PostgreSQL 127.0.0.1:5432, RabbitMQ 127.0.0.1:5672 (UI http://127.0.0.1:15672, user clinic), SMTP sink 127.0.0.1:$smtp_port"
