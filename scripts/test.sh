#!/usr/bin/env bash
# Runs every test: installs, starts PostgreSQL and the S3 server on 127.0.0.1, builds, type-checks,
# checks the dependency layers, formatting and lint, checks the packed packages in a fresh project, runs all vitest projects, and stops the services again (also when a test fails).
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1
bash scripts/bootstrap.sh
# Graphviz's `dot` renders SVG/PNG pictures (tests and docs/images/); install it where we may.
if ! command -v dot >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "› installing Graphviz (dot) for the rendering tests"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz; } >/dev/null ||
      echo "› could not install Graphviz: SVG/PNG tests will be skipped"
  else
    echo "› Graphviz's dot is not installed (apt-get install graphviz): SVG/PNG tests will be skipped"
  fi
fi
# Debian's Chromium runs @ham/ui's browser tests (headless, driven by playwright-core); install it where we may.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "› installing Chromium for the ham ui browser tests"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null ||
      echo "› could not install Chromium: the ham ui browser tests will fail in CI"
  else
    echo "› Chromium is not installed (apt-get install chromium): the ham ui browser tests will be skipped"
  fi
fi
bash scripts/services/up.sh
trap 'bash scripts/services/down.sh || true' EXIT
# shellcheck disable=SC1091
source .services/env
pnpm exec turbo run build typecheck --output-logs=errors-only
# Dependency layers (CONTRIBUTING.md, "Layers"): no cycles, contracts at the bottom, stores below the cache.
pnpm --silent deps:check
# Formatting and lint rules (biome.json; CONTRIBUTING.md): `pnpm format` fixes the formatting.
pnpm exec biome ci .
# Package quality of the built packages (publint, attw, READMEs, deps ↔ imports) and the API reference
# (TypeDoc → docs/api/, offline), side by side.
node scripts/check-packages.mjs & checks=$!
pnpm --silent docs:api >/dev/null
wait "$checks"
# A new user's first minutes from the packed tarballs in a fresh `npm init -y` project (README verbatim,
# tsx / tsc / CommonJS / ESM, ham init): fails the run when any of it breaks. ~30 s.
node scripts/fresh-project.mjs
pnpm exec vitest run "$@"
