#!/usr/bin/env bash
# Sets up the workspace and runs the seed walkthrough twice over its on-disk cache: the first run
# computes every node, the second reads every node back from .ham_cache.
set -euo pipefail
cd "$(dirname "$0")/.."
# Every step says what it does first: the install is the slow part on a fresh machine.
bash scripts/bootstrap.sh
example=examples/seed-walkthrough
echo "› emptying $example/.ham_cache so run 1 starts cold"
rm -rf "$example/.ham_cache"
for run in 1 2; do
  echo
  echo "================ run $run of 2 (cache: $example/.ham_cache) ================"
  echo "› starting tsx src/main.ts in $example"
  (cd "$example" && pnpm --silent start)
done
