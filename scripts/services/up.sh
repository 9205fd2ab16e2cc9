#!/usr/bin/env bash
# Starts PostgreSQL, an S3-compatible server (moto) and Redis on 127.0.0.1 and writes their settings to
# <repo>/.services/env. Idempotent: healthy running servers are reused.
# Usage: bash scripts/services/up.sh && source .services/env      (pnpm services:up)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
relock_or_continue "$@"

here="$(dirname "${BASH_SOURCE[0]}")"
bash "$here/postgres.sh" start
bash "$here/s3.sh" start
bash "$here/redis.sh" start
cat "$HAM_SERVICES_DIR/postgres.env" "$HAM_SERVICES_DIR/s3.env" "$HAM_SERVICES_DIR/redis.env" >"$HAM_SERVICES_DIR/env.tmp"
mv "$HAM_SERVICES_DIR/env.tmp" "$HAM_SERVICES_DIR/env"
log "settings written to $HAM_SERVICES_DIR/env (source it)"
