#!/usr/bin/env bash
# Point-in-time restore onto a FRESH PostgreSQL cluster: the newest base backup taken before the target,
# then the archived WAL replayed up to the target (or to the end of the archive), then promoted. The
# cluster that was backed up is never touched, so a restore test can run beside the live database.
#
#   deploy/local/restore.sh [--to "2026-12-01 23:10:00+00" | --to latest] [--dir DIR] [--backup NAME]
#                           [--name CLUSTER] [--port PORT] [--start-conf auto|manual]
#
#   --to          the moment to restore to (anything `date -d` reads; give the zone) or latest (default):
#                 everything committed up to then is there, nothing after
#   --dir         the backups (default: $CLINIC_BACKUP_DIR, else .local/backups), as deploy/local/backup.sh makes them
#   --backup      one base backup by its directory name (default: the newest that started before --to)
#   --name        the new cluster's name (default restored_<UTC time>); --port its port (default: the next free)
#   --start-conf  whether the new cluster starts with the machine (default auto)
#
# Prints the moment the database was recovered to and the new connection string.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir="${CLINIC_BACKUP_DIR:-$repo_root/.local/backups}"
to=latest
backup=""
name="restored_$(date -u +%Y%m%d_%H%M%S)"
port=""
start_conf=auto

usage() { sed -n '6,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
log() { printf '[restore %s] %s\n' "$(date -u +%T)" "$*" >&2; }
fail() { printf '[restore] %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
as_postgres() { (cd / && if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -n -u postgres "$@"; fi); }

while [ $# -gt 0 ]; do
  case "$1" in
    --to) to=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --backup) backup=$2; shift 2 ;;
    --name) name=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --start-conf) start_conf=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
[[ $dir == /* ]] || dir="$(pwd)/$dir"
[[ $dir =~ [\'\"%\\] ]] && fail "the backup directory must not contain quotes, backslashes or %: $dir"
[[ $name =~ ^[a-z0-9_]+$ ]] || fail "--name: lower-case letters, digits and _ only (got '$name')"
[ -z "$port" ] || [[ $port =~ ^[0-9]+$ ]] || fail "--port must be a number (got '$port')"
[[ $start_conf =~ ^(auto|manual)$ ]] || fail "--start-conf must be auto or manual"
as_root test -d "$dir/base" || fail "no backups in $dir (run ./clinic backup first)"

# ------------------------------------------------------------------ which base backup
target_epoch=""
if [ "$to" != latest ]; then
  target_epoch=$(date -d "$to" +%s 2>/dev/null) || fail "--to: cannot read '$to' as a time (for example \"2026-12-01 23:10:00+00\")"
  [ "$target_epoch" -le "$(date +%s)" ] || fail "--to: $to is in the future"
fi
started_at() { date -d "$(as_root sed -n 's/^START TIME: //p' "$dir/base/$1/backup_label")" +%s; }
if [ -z "$backup" ]; then
  while read -r candidate; do
    if [ -z "$target_epoch" ] || [ "$(started_at "$candidate")" -lt "$target_epoch" ]; then backup=$candidate; fi
  done < <(as_root find "$dir/base" -mindepth 1 -maxdepth 1 -type d -name '*Z' -printf '%f\n' | sort)
  [ -n "$backup" ] || fail "no base backup in $dir/base started before $to"
fi
source_dir="$dir/base/$backup"
as_root test -f "$source_dir/backup_label" || fail "$source_dir is not a base backup (no backup_label)"
version=$(as_root cat "$source_dir/PG_VERSION")
as_root pg_lsclusters -h | awk -v v="$version" -v n="$name" '$1 == v && $2 == n { found = 1 } END { exit !found }' &&
  fail "cluster $version/$name exists already; choose another --name"

# ------------------------------------------------------------------ the fresh cluster
log "restoring base backup $backup (PostgreSQL $version) into new cluster $version/$name, to $to"
as_root pg_createcluster ${port:+-p "$port"} --start-conf="$start_conf" "$version" "$name" >/dev/null
read -r port data_dir log_file < <(as_root pg_lsclusters -h | awk -v v="$version" -v n="$name" '$1 == v && $2 == n { print $3, $6, $7 }')
# The new cluster's own configuration (in /etc) stays; its data directory becomes the backup.
as_root find "$data_dir" -mindepth 1 -delete
as_root cp -a "$source_dir/." "$data_dir/"
as_root rm -f "$data_dir/backup_manifest"
# Settings the backed-up cluster made with ALTER SYSTEM come along; its archiving must not (the restored
# copy would write into the archive it is being restored from).
as_root sed -i '/^[[:space:]]*archive_/d' "$data_dir/postgresql.auto.conf" 2>/dev/null || true
as_root chown -R postgres:postgres "$data_dir"
as_root chmod 700 "$data_dir"

# PostgreSQL 12+: recovery settings are ordinary settings, and recovery.signal asks for a targeted recovery.
{
  echo "# Written by deploy/local/restore.sh: point-in-time recovery from $dir (base backup $backup)."
  echo "restore_command = 'cp \"$dir/wal/%f\" %p'"
  echo "recovery_target_timeline = 'latest'"
  if [ "$to" != latest ]; then
    echo "recovery_target_time = '$(date -u -d "$to" '+%Y-%m-%d %H:%M:%S.%6N+00')'"
    echo "recovery_target_action = 'promote'"
  fi
  echo "# Not archiving into the backups it came from. To make this cluster the new primary, delete this file,"
  echo "# restart it (pg_ctlcluster $version $name restart) and take its first backup: ./clinic backup --cluster $version/$name"
  echo "archive_mode = off"
} | as_root tee "/etc/postgresql/$version/$name/conf.d/clinic-restore.conf" >/dev/null
as_postgres touch "$data_dir/recovery.signal"

# ------------------------------------------------------------------ recover, then promote
as_root pg_ctlcluster "$version" "$name" start || {
  as_root tail -n 20 "$log_file" >&2
  fail "the restored cluster did not start (log above: $log_file)"
}
deadline=$((SECONDS + ${CLINIC_RESTORE_TIMEOUT:-1800}))
until [ "$(as_postgres "/usr/lib/postgresql/$version/bin/psql" -p "$port" -qtAX -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ]; do
  if [ $SECONDS -ge $deadline ] || ! as_root pg_lsclusters -h | awk -v v="$version" -v n="$name" '$1 == v && $2 == n && $4 ~ /^online/ { ok = 1 } END { exit !ok }'; then
    as_root tail -n 20 "$log_file" >&2
    fail "recovery did not finish (log above: $log_file); the cluster $version/$name is left for a look (pg_dropcluster --stop $version $name)"
  fi
  sleep 0.5
done
# The last transaction replayed: the moment this database now stands at.
recovered=$(as_postgres "/usr/lib/postgresql/$version/bin/psql" -p "$port" -qtAX -c "SELECT coalesce(to_char(pg_last_xact_replay_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US+00'), 'the base backup''s end')")

# The backed-up database's own connection string (./clinic restore passes the local one), with the new port.
connection="${CLINIC_RESTORE_SOURCE:-Host=127.0.0.1;Port=5432;Username=clinic;Password=<as on the backed-up database>;Database=clinic}"
# Never the password: this line ends up in terminals and logs.
connection=$(printf '%s' "$connection" | sed -E "s/Port=[0-9]+/Port=$port/; s/Password=[^;]*/Password=<as on the backed-up database>/")
echo "Restored     cluster $version/$name on port $port, data in $data_dir (log $log_file)"
echo "Recovered to $recovered (last transaction replayed; target: $to)"
echo "Connect      $connection"
