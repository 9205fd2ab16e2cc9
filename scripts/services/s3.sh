#!/usr/bin/env bash
# Starts or stops an S3-compatible server (Python's moto) on 127.0.0.1 for the store tests.
# Usage: scripts/services/s3.sh start|stop|status
#   start  runs `moto_server -H 127.0.0.1 -p <free port>` in its own session, waits until it
#          answers, and writes $HAM_SERVICES_DIR/s3.env (HAM_S3_ENDPOINT, HAM_S3_REGION and test
#          credentials). Reuses a healthy running server.
#   stop   stops the server's process group by pid and removes its state.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE="$HAM_SERVICES_DIR/s3.state"
ENV_FILE="$HAM_SERVICES_DIR/s3.env"

# The command that runs moto's server. Debian has no python3-moto package and PyPI cannot be
# reached here, so moto must come with the machine image (pip's moto[server]); we accept the
# console script or the module.
find_moto() {
  if command -v moto_server >/dev/null 2>&1; then echo "moto_server"; return; fi
  local py
  for py in python3 python; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c "import moto.server" >/dev/null 2>&1; then
      echo "$py -m moto.server"; return
    fi
  done
  return 1
}

load_state() {
  S3_PID="" S3_PORT="" S3_LOG=""
  # shellcheck disable=SC1090
  [ -f "$STATE" ] && source "$STATE"
  return 0
}

answers() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -m 2 "http://127.0.0.1:$1/moto-api/"
    return
  fi
  node -e 'fetch(process.argv[1]).then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))' "http://127.0.0.1:$1/moto-api/"
}

healthy() {
  load_state
  pid_alive "$S3_PID" && answers "$S3_PORT"
}

do_start() {
  if healthy; then log "s3 (moto) already running on port $S3_PORT (pid $S3_PID)"; return; fi
  [ -f "$STATE" ] && do_stop
  local moto
  moto="$(find_moto)" || die "moto_server not found. Debian has no python3-moto package; install Python's moto with its server extra (pip install 'moto[server]') where PyPI is reachable"
  S3_LOG="$HAM_SERVICES_DIR/s3.log"
  local attempt i
  for attempt in 1 2 3 4 5; do
    S3_PORT="$(free_port)"
    # setsid: its own process group, so stop can end moto and any worker it forks by group.
    # shellcheck disable=SC2086
    setsid $moto -H 127.0.0.1 -p "$S3_PORT" >"$S3_LOG" 2>&1 </dev/null &
    S3_PID=$!
    for i in $(seq 1 150); do
      if answers "$S3_PORT"; then break 2; fi
      pid_alive "$S3_PID" || break
      sleep 0.1
    done
    kill -- "-$S3_PID" 2>/dev/null || kill "$S3_PID" 2>/dev/null || true
    [ "$attempt" = 5 ] && { tail -n 20 "$S3_LOG" >&2; die "moto_server did not answer on 127.0.0.1"; }
  done
  cat >"$STATE" <<STATE_EOF
S3_PID=$S3_PID
S3_PORT=$S3_PORT
S3_LOG=$S3_LOG
STATE_EOF
  cat >"$ENV_FILE" <<ENV_EOF
export HAM_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
export HAM_S3_REGION=us-east-1
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
ENV_EOF
  log "s3 (moto) started on 127.0.0.1:$S3_PORT (pid $S3_PID)"
}

do_stop() {
  load_state
  if pid_alive "$S3_PID"; then
    kill -- "-$S3_PID" 2>/dev/null || kill "$S3_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do pid_alive "$S3_PID" || break; sleep 0.1; done
    pid_alive "$S3_PID" && kill -9 -- "-$S3_PID" 2>/dev/null
    log "s3 (moto) stopped (pid $S3_PID)"
  fi
  rm -f "$STATE" "$ENV_FILE" "${S3_LOG:-$HAM_SERVICES_DIR/s3.log}"
}

relock_or_continue "$@"
case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  status) if healthy; then echo "running on 127.0.0.1:$S3_PORT (pid $S3_PID)"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
