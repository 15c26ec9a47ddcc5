#!/usr/bin/env bash
# Where each request's cost goes (docs/benchmarks.md): publishes the host, then counts per request what the
# intake → staff-alert pipeline sends to PostgreSQL, RabbitMQ and SMTP, through counting relays.
#   tools/count-pipeline.sh [--requests N] [--rate R] [--feed] [--out dir]
# Needs the local services (CLINIC_TEST_POSTGRES, CLINIC_TEST_RABBITMQ, as ./clinic writes them); it creates and
# deletes a RabbitMQ virtual host and schemas of its own. Does not stop any service.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
if [ -z "${SKIP_PUBLISH:-}" ]; then
  dotnet publish src/Host/Clinic.Host/Clinic.Host.csproj -c Release -o "$repo_root/artifacts/host" --nologo -v quiet
  dotnet build tools/Clinic.Drills/Clinic.Drills.csproj -c Release --nologo -v quiet
fi
exec dotnet tools/Clinic.Drills/bin/Release/net10.0/Clinic.Drills.dll counts --host "$repo_root/artifacts/host/Clinic.Host.dll" "$@"
