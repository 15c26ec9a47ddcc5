#!/usr/bin/env bash
# The host's memory at start and after a fixed load, without the bench: one published host (the bench's settings:
# Production, plain HTTP on loopback, staff e-mail and feed routing) on its own schemas and RabbitMQ vhost,
# started, sampled 10 s after it is ready, loaded with JSON submissions (wrk -t1 -c8, 15 s) and
# content page GETs (wrk -t2 -c64, 10 s, the bench's settings), sampled again once its CPU is quiet, stopped.
# Prints one line per sample: VmRSS, VmHWM, and the resident split from smaps (anonymous, file-backed, the JIT's
# W^X double mapping /memfd:doublemapper, other), and the host's CPU seconds (utime+stime) for the load.
#   tools/bench/measure-rss.sh <published-host-dir> <label> [KEY=VALUE ...]   (KEY=VALUE: extra host environment)
# Needs CLINIC_TEST_POSTGRES, CLINIC_TEST_RABBITMQ (its user; the script makes a vhost of its own with rabbitmqctl
# and deletes it after), SMTP on 127.0.0.1:${RSS_SMTP_PORT:-2525}. Run it alone: its timings are the host's. RSS_SUBMIT_SECONDS (default 15), RSS_PAGE_SECONDS (default 10).
set -euo pipefail
host_dir=$(cd "${1:?usage: measure-rss.sh <published-host-dir> <label> [KEY=VALUE ...]}" && pwd)
label=${2:?label}
shift 2
RSS_SUBMIT_SECONDS=${RSS_SUBMIT_SECONDS:-15}
RSS_PAGE_SECONDS=${RSS_PAGE_SECONDS:-10}
vhost="clinic-rss-$$"
rabbit="${CLINIC_TEST_RABBITMQ:?}"
rabbit="${rabbit%/*}/$vhost"
schema="rss_$(echo "$label" | tr -c "a-z0-9\n" _)_$$"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  drop_schemas
  rabbitmqctl -q delete_vhost "$vhost" 2>/dev/null || true
  rm -rf "$work"
}
drop_schemas() {
  python3 - "$CLINIC_TEST_POSTGRES" "$schema" <<'PY' || true
import sys, subprocess
settings = dict(part.split('=', 1) for part in sys.argv[1].split(';') if part)
env = {'PGPASSWORD': settings.get('Password', ''), 'PATH': '/usr/bin:/bin'}
schema = sys.argv[2]
sql = 'set client_min_messages = warning;' + ';'.join(f'drop schema if exists {schema}{suffix} cascade' for suffix in ('', '_notifications', '_content', '_accounts', '_keys', '_timers'))
subprocess.run(['psql', '-q', '-h', settings['Host'], '-p', settings.get('Port', '5432'), '-U', settings['Username'], '-d', settings['Database'], '-c', sql], env=env, check=False, stdout=subprocess.DEVNULL)
PY
}
trap cleanup EXIT
rabbitmqctl -q add_vhost "$vhost"
rabbitmqctl -q set_permissions -p "$vhost" "$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).username)' "$CLINIC_TEST_RABBITMQ")" ".*" ".*" ".*"

environment=(
  ASPNETCORE_ENVIRONMENT=Production Security__AllowPlainHttp=true
  ConnectionStrings__Postgres="$CLINIC_TEST_POSTGRES;Application Name=rss-$label"
  ConnectionStrings__RabbitMq="$rabbit"
  Intake__Schema="$schema" Notifications__Schema="${schema}_notifications" Content__Schema="${schema}_content"
  Accounts__Schema="${schema}_accounts"
  Privacy__MasterKeys__rss="$(head -c 32 /dev/urandom | base64)" Privacy__ActiveMasterKey=rss
  Privacy__BlindIndexKey="$(head -c 32 /dev/urandom | base64)" Privacy__ErasureJournal="$work/erasure-journal.jsonl"
  Intake__RateLimit__PermitLimit=1000000 Notifications__SiteBaseUrl=http://clinic.rss/
  Notifications__Smtp__Host=127.0.0.1 Notifications__Smtp__Port="${RSS_SMTP_PORT:-2525}" Notifications__Smtp__Security=None
  Notifications__Smtp__Timeout=00:00:05 Notifications__SendVisitorAcknowledgements=false
  Notifications__Routing__Routine__0__Channel=email Notifications__Routing__Routine__0__Recipients__0=intake-team@clinic.invalid
  Notifications__Routing__Routine__1__Channel=feed Notifications__Routing__Routine__1__Recipients__0=staff-inbox
  Notifications__Routing__Urgent__0__Channel=email Notifications__Routing__Urgent__0__Recipients__0=intake-team@clinic.invalid
  Notifications__Routing__Urgent__1__Channel=feed Notifications__Routing__Urgent__1__Recipients__0=staff-inbox
  Logging__LogLevel__Default=Information
  "$@"
)
(cd "$host_dir" && env "${environment[@]}" dotnet Clinic.Host.dll migrate >"$work/migrate.log" 2>&1) \
  || { tail -20 "$work/migrate.log" >&2; exit 1; }
(cd "$host_dir" && exec env "${environment[@]}" dotnet Clinic.Host.dll --urls "http://127.0.0.1:$port" >"$work/host.log" 2>&1) &
pid=$!
ready_at=""
for _ in $(seq 1 300); do
  kill -0 "$pid" 2>/dev/null || { tail -30 "$work/host.log" >&2; exit 1; }
  if curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready"; then ready_at=$(date +%s.%N); break; fi
  sleep 0.2
done
[[ -n "$ready_at" ]] || { echo "host not ready" >&2; exit 1; }

tick=$(getconf CLK_TCK)
cpu() { awk -v t="$tick" '{printf "%.2f", ($14 + $15) / t}' "/proc/$pid/stat"; }
kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$pid/status"; }
sample() { # name cpu-seconds-note
  local split
  split=$(awk '
    /^[0-9a-f]+-[0-9a-f]+ / { name = (NF >= 6) ? $6 : ""; for (i = 7; i <= NF; i++) name = name " " $i; next }
    /^Rss:/ {
      if (name ~ /doublemapper/) d += $2
      else if (name ~ /^\//) f += $2
      else if (name == "" || name ~ /^\[(heap|anon)/) a += $2
      else o += $2
    }
    END { printf "anon %d MB, file %d MB, doublemapper %d MB, other %d MB", a / 1024, f / 1024, d / 1024, o / 1024 }' "/proc/$pid/smaps")
  printf '%-10s %-6s RSS %4d MB  HWM %4d MB  (%s)  CPU %ss total%s\n' "$label" "$1" $(( $(kb VmRSS) / 1024 )) $(( $(kb VmHWM) / 1024 )) "$split" "$(cpu)" "${2:-}"
}
quiet() { # until the host's CPU over 2 s is under 0.05 s (the pipeline drained), at most 180 s
  local a b
  for _ in $(seq 1 90); do a=$(cpu); sleep 2; b=$(cpu); awk -v a="$a" -v b="$b" 'BEGIN {exit !(b - a < 0.05)}' && return 0; done
}
sleep 10
quiet
start_cpu=$(cpu)
sample start " (start-up $start_cpu s)"

cat >"$work/submit.lua" <<LUA
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  wrk.headers["Idempotency-Key"] = string.format("rss-%d-%d-%d", $$, n, math.random(1, 1e9))
  return wrk.format(nil, "/api/intake/requests", nil, string.format(
    '{"firstName":"Rss","lastName":"Visitor","email":"rss.visitor%d@example.com","phone":"555-010-2222","preferredContact":"phone","condition":"ptsd","bestTimeToCall":"evening","message":"Evenings are best.","acceptTerms":true,"sendAcknowledgement":false}', n))
end
LUA
wrk -t1 -c8 -d"${RSS_SUBMIT_SECONDS}s" -s "$work/submit.lua" "http://127.0.0.1:$port" >"$work/submit.out"
quiet
wrk -t2 -c64 -d"${RSS_PAGE_SECONDS}s" "http://127.0.0.1:$port/conditions/ptsd" >"$work/page.out"
quiet
load_cpu=$(awk -v a="$start_cpu" -v b="$(cpu)" 'BEGIN {printf "%.2f", b - a}')
sample loaded " (load $load_cpu s; $(awk '/requests in/ {print $1}' "$work/submit.out") posts, $(awk '/requests in/ {print $1}' "$work/page.out") gets, non-2xx posts: $(awk '/Non-2xx/ {n = $5} END {print n + 0}' "$work/submit.out"))"
if [[ -n "${RSS_METRICS:-}" ]]; then curl -sf "http://127.0.0.1:$port/metrics" >"$RSS_METRICS" || true; fi
