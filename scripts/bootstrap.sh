#!/usr/bin/env bash
# Installs what a fresh machine with only Node 20 + npm needs: pnpm (pinned) and the workspace's packages.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION="10.34.9"
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "› installing pnpm $PNPM_VERSION with npm"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi
export TURBO_TELEMETRY_DISABLED=1
if [ "${CI:-}" = "true" ]; then
  pnpm install --frozen-lockfile
else
  pnpm install --prefer-offline
fi
