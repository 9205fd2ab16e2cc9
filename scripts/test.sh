#!/usr/bin/env bash
# Runs every test: installs, starts PostgreSQL and the S3 server on 127.0.0.1, builds, type-checks,
# runs all vitest projects, and stops the services again (also when a test fails).
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1
bash scripts/bootstrap.sh
bash scripts/services/up.sh
trap 'bash scripts/services/down.sh || true' EXIT
# shellcheck disable=SC1091
source .services/env
pnpm exec turbo run build typecheck --output-logs=errors-only
pnpm exec vitest run "$@"
