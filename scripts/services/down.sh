#!/usr/bin/env bash
# Stops the servers up.sh started (by pid) and removes their state and <repo>/.services/env.
# Usage: bash scripts/services/down.sh      (pnpm services:down)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
relock_or_continue "$@"

here="$(dirname "${BASH_SOURCE[0]}")"
status=0
bash "$here/redis.sh" stop || status=1
bash "$here/s3.sh" stop || status=1
bash "$here/postgres.sh" stop || status=1
rm -f "$HAM_SERVICES_DIR/env"
exit "$status"
