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
echo "› installing the workspace's packages with pnpm install (a first install takes ~10 s)"
started=$SECONDS
if [ "${CI:-}" = "true" ]; then
  pnpm install --frozen-lockfile
else
  # Errors still print; the per-package progress and build-script notices do not.
  pnpm install --prefer-offline --reporter=silent
fi
echo "› packages installed in $((SECONDS - started)) s"
