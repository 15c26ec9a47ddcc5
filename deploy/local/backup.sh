#!/usr/bin/env bash
# A base backup of a local PostgreSQL cluster (pg_basebackup, checked with pg_verifybackup), with continuous
# WAL archiving into the same backup directory, so that deploy/local/restore.sh can bring the database back
# to any moment after the oldest backup kept.
#
#   deploy/local/backup.sh [--cluster VERSION/NAME] [--dir DIR] [--keep N] [--archive-timeout SECONDS]
#
#   --cluster          the Debian cluster to back up (default: the one on port 5432)
#   --dir              where backups go (default: $CLINIC_BACKUP_DIR, else .local/backups):
#                      DIR/base/<UTC time>/ one directory per base backup, DIR/wal/ the WAL archive
#   --keep             base backups to keep (default 7); WAL older than the oldest kept one is removed
#   --archive-timeout  the longest a committed transaction waits to be archived (default 60)
#
# The first run points the cluster's archive_command at DIR/wal (a conf.d file, reloaded, no restart), so WAL
# is archived from the first base backup on. archive_mode itself needs a restart: ./clinic services sets it.
# Copy DIR off the machine (README, "Operations: backup and restore"): a backup on the same disk is no backup.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir="${CLINIC_BACKUP_DIR:-$repo_root/.local/backups}"
cluster=""
keep=7
archive_timeout=60

usage() { sed -n '6,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
log() { printf '[backup %s] %s\n' "$(date -u +%T)" "$*" >&2; }
fail() { printf '[backup] %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
# From /: PostgreSQL's tools refuse to start in a working directory the postgres user cannot read.
as_postgres() { (cd / && if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -n -u postgres "$@"; fi); }

while [ $# -gt 0 ]; do
  case "$1" in
    --cluster) cluster=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --archive-timeout) archive_timeout=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
[[ $keep =~ ^[1-9][0-9]*$ ]] || fail "--keep must be a whole number of at least 1 (got '$keep')"
[[ $archive_timeout =~ ^[1-9][0-9]*$ ]] || fail "--archive-timeout must be a whole number of seconds (got '$archive_timeout')"
# The path goes inside archive_command: keep it free of quotes and of the % that PostgreSQL expands.
[[ $dir == /* ]] || dir="$(pwd)/$dir"
[[ $dir =~ [\'\"%\\] ]] && fail "the backup directory must not contain quotes, backslashes or %: $dir"

# pg_lsclusters: version, name, port, status, owner, data directory, log file.
if [ -z "$cluster" ]; then
  read -r version name port status _ < <(as_root pg_lsclusters -h | awk '$3 == 5432' | head -n 1) || true
else
  read -r version name port status _ < <(as_root pg_lsclusters -h | awk -v v="${cluster%/*}" -v n="${cluster#*/}" '$1 == v && $2 == n') || true
fi
[ -n "${version:-}" ] || fail "no such PostgreSQL cluster (pg_lsclusters): ${cluster:-the one on port 5432}"
[ "$status" = online ] || fail "cluster $version/$name is $status; start it first (pg_ctlcluster $version $name start)"
# The tools of the cluster's own version (Debian's wrappers do not cover pg_verifybackup).
bin="/usr/lib/postgresql/$version/bin"
psql_pg() { as_postgres "$bin/psql" -p "$port" -v ON_ERROR_STOP=1 -qtAX -c "$1"; }

as_root mkdir -p "$dir/base" "$dir/wal"
as_root chown postgres:postgres "$dir" "$dir/base" "$dir/wal"
as_root chmod 700 "$dir" "$dir/base" "$dir/wal"
as_postgres test -w "$dir/wal" ||
  fail "the postgres user cannot write to $dir (a parent directory it cannot enter?); choose another with --dir or CLINIC_BACKUP_DIR"

# ------------------------------------------------------------------ continuous archiving
[ "$(psql_pg 'SHOW archive_mode')" != off ] ||
  fail "archive_mode is off on $version/$name: ./clinic services turns it on (it needs one restart: pg_ctlcluster $version $name restart)"
conf="/etc/postgresql/$version/$name/conf.d/clinic-archive.conf"
# Copy, flush, then rename: a segment is never seen half-written, and an existing one is never overwritten. A segment
# archived before a crash let PostgreSQL record it is archived again: identical is success (as PostgreSQL asks), different fails.
wanted=$(cat <<CONF
# Written by deploy/local/backup.sh: continuous WAL archiving into $dir/wal.
archive_mode = on
archive_command = 'if [ -f "$dir/wal/%f" ]; then cmp -s %p "$dir/wal/%f"; else cp %p "$dir/wal/%f.part" && sync "$dir/wal/%f.part" && mv "$dir/wal/%f.part" "$dir/wal/%f"; fi'
archive_timeout = $archive_timeout
CONF
)
if [ "$(as_root cat "$conf" 2>/dev/null || true)" != "$wanted" ]; then
  log "archiving $version/$name's WAL into $dir/wal (archive_timeout ${archive_timeout}s)"
  printf '%s\n' "$wanted" | as_root tee "$conf" >/dev/null
  psql_pg 'SELECT pg_reload_conf()' >/dev/null
  for _ in $(seq 1 50); do
    [[ "$(psql_pg 'SHOW archive_command')" == *"$dir/wal/"* ]] && break
    sleep 0.1
  done
fi

# ------------------------------------------------------------------ base backup
label=$(date -u +%Y%m%dT%H%M%SZ)
target="$dir/base/$label"
log "base backup of $version/$name (port $port) into $target"
# Plain format (a data directory, checked by pg_verifybackup), with the WAL it needs streamed alongside,
# so it is consistent on its own; the archive carries it forward in time.
as_postgres "$bin/pg_basebackup" -p "$port" -D "$target.partial" -Fp -X stream -c fast -l "clinic $label" --no-password
as_postgres "$bin/pg_verifybackup" -q "$target.partial" || fail "pg_verifybackup found a damaged backup in $target.partial"
as_root mv "$target.partial" "$target"

# The archive must be working, or the backup cannot be carried forward: switch segments and see it arrive.
segment=$(psql_pg 'SELECT pg_walfile_name(pg_switch_wal())')
deadline=$((SECONDS + 60))
until as_root test -f "$dir/wal/$segment"; do
  if [ $SECONDS -ge $deadline ]; then
    fail "WAL segment $segment was not archived within 60 s (see pg_stat_archiver and the cluster's log)"
  fi
  sleep 0.2
done

# ------------------------------------------------------------------ retention
mapfile -t backups < <(as_root find "$dir/base" -mindepth 1 -maxdepth 1 -type d -name '*Z' -printf '%f\n' | sort)
while [ ${#backups[@]} -gt "$keep" ]; do
  log "removing base backup ${backups[0]} (keeping the newest $keep)"
  as_root rm -rf "${dir:?}/base/${backups[0]}"
  backups=("${backups[@]:1}")
done
# WAL from before the oldest kept backup's start can restore nothing any more.
oldest_wal=$(as_root sed -n 's/^START WAL LOCATION: .*(file \([0-9A-F]\{24\}\))$/\1/p' "$dir/base/${backups[0]}/backup_label")
as_postgres "$bin/pg_archivecleanup" "$dir/wal" "$oldest_wal"

size=$(as_root du -sh "$target" | cut -f1)
started=$(as_root sed -n 's/^START TIME: //p' "$target/backup_label")
echo "Base backup  $target ($size, started $started)"
echo "WAL archive  $dir/wal (archived through $segment; keeping ${#backups[@]} base backup(s) and the WAL since the oldest)"
