#!/usr/bin/env bash
# Sets up the workspace and runs the seed walkthrough twice over its on-disk cache: the first run
# computes every node, the second reads every node back from .ham_cache.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh >/dev/null
example=examples/seed-walkthrough
rm -rf "$example/.ham_cache"
for run in 1 2; do
  echo
  echo "================ run $run of 2 (cache: $example/.ham_cache) ================"
  (cd "$example" && pnpm --silent start)
done
