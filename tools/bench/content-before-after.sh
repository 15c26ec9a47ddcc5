#!/usr/bin/env bash
# The condition page of two builds side by side: the published host of a baseline revision and of the working tree,
# one at a time on the same local services (./clinic services first), each warmed 5 s then measured 15 s with the
# bench's wrk settings (-t2 -c64) on /conditions/ptsd, alternating. Prints requests/s and the host's CPU time per
# request for every round, then the medians and the ratio. Run it alone on the machine.
#   tools/bench/content-before-after.sh <baseline-revision> [rounds]
set -euo pipefail
baseline=${1:?usage: tools/bench/content-before-after.sh <baseline-revision> [rounds]}
rounds=${2:-3}
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d)
hosts=()
cleanup() {
  for pid in "${hosts[@]}"; do kill "$pid" 2>/dev/null || true; done
  git -C "$repo_root" worktree remove --force "$work/src" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
set -a; . "$repo_root/.local/services.env"; set +a
vhost=clinic-before-after
rabbitmqctl -q add_vhost "$vhost" 2>/dev/null || true
rabbitmqctl -q set_permissions -p "$vhost" clinic ".*" ".*" ".*"

echo "Publishing $baseline and the working tree …"
git -C "$repo_root" worktree add -q --detach "$work/src" "$baseline"
dotnet publish "$work/src/src/Host/Clinic.Host/Clinic.Host.csproj" -c Release -o "$work/before" --nologo -v quiet
dotnet publish "$repo_root/src/Host/Clinic.Host/Clinic.Host.csproj" -c Release -o "$work/after" --nologo -v quiet

master_key=$(head -c 32 /dev/urandom | base64)
blind_index_key=$(head -c 32 /dev/urandom | base64)
start() { # name port → pid
  local name=$1 port=$2 suffix
  suffix="ba_${name}_$$"
  ( cd "$work/$name" && exec env ASPNETCORE_ENVIRONMENT=Production Security__AllowPlainHttp=true \
      ConnectionStrings__Postgres="$CLINIC_TEST_POSTGRES" ConnectionStrings__RabbitMq="${CLINIC_TEST_RABBITMQ%/*}/$vhost" \
      Intake__Schema="$suffix" Notifications__Schema="${suffix}_notifications" Content__Schema="${suffix}_content" \
      Accounts__Schema="${suffix}_accounts" Privacy__MasterKeys__ba="$master_key" Privacy__ActiveMasterKey=ba \
      Privacy__BlindIndexKey="$blind_index_key" Notifications__SiteBaseUrl=http://before-after/ \
      Notifications__Smtp__Host=127.0.0.1 Notifications__Smtp__Port=2525 Notifications__Smtp__Security=None \
      Logging__LogLevel__Default=Warning \
      dotnet Clinic.Host.dll --urls "http://127.0.0.1:$port" --contentRoot "$work/$name" >"$work/$name.log" 2>&1 ) &
  echo $!
}
wait_ready() {
  for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$1/conditions/ptsd" && return 0; sleep 1; done
  echo "host on port $1 did not answer; see its log" >&2; return 1
}
before_pid=$(start before 5391); hosts+=("$before_pid")
after_pid=$(start after 5392); hosts+=("$after_pid")
wait_ready 5391; wait_ready 5392
host_pid() { pgrep -f "contentRoot $work/$1\$" | head -1; }
tick=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
measure() { # name port
  local url="http://127.0.0.1:$2/conditions/ptsd" pid out a b requests
  pid=$(host_pid "$1")
  wrk -t2 -c64 -d5s "$url" >/dev/null
  a=$(cpu "$pid"); out=$(wrk -t2 -c64 -d15s "$url"); b=$(cpu "$pid")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$1 $(echo "$out" | awk '/Requests\/sec/ {printf "%d", $2}') $(( (b - a) * 1000000 / tick / requests ))"
}
results=$(for round in $(seq 1 "$rounds"); do measure before 5391; measure after 5392; done)
echo
echo "| Round | before req/s | after req/s | before host CPU µs/request | after host CPU µs/request |"
echo "|--:|--:|--:|--:|--:|"
paste <(echo "$results" | awk '$1=="before"') <(echo "$results" | awk '$1=="after"') |
  awk '{printf "| %d | %d | %d | %d | %d |\n", NR, $2, $5, $3, $6}'
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
before_rps=$(echo "$results" | awk '$1=="before" {print $2}' | median)
after_rps=$(echo "$results" | awk '$1=="after" {print $2}' | median)
before_cpu=$(echo "$results" | awk '$1=="before" {print $3}' | median)
after_cpu=$(echo "$results" | awk '$1=="after" {print $3}' | median)
echo "| median | $before_rps | $after_rps | $before_cpu | $after_cpu |"
echo
awk -v b="$before_rps" -v a="$after_rps" -v bc="$before_cpu" -v ac="$after_cpu" -v rev="$baseline" \
  'BEGIN {printf "after / before (%s): %.0f %% of the requests/s, %.0f %% of the CPU per request\n", rev, 100 * a / b, 100 * ac / bc}'
