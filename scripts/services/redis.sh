#!/usr/bin/env bash
# Starts or stops a throwaway Redis (Debian's redis-server) on 127.0.0.1 for the BullMQ executor.
# Usage: scripts/services/redis.sh start|stop|status
#   start  installs redis-server with apt-get when it is missing, runs it on a free port with no
#          persistence, waits until it answers PING, and writes $HAM_SERVICES_DIR/redis.env
#          (HAM_REDIS_URL). Reuses a healthy running server.
#   stop   stops the server by pid and removes its state.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE="$HAM_SERVICES_DIR/redis.state"
ENV_FILE="$HAM_SERVICES_DIR/redis.env"

load_state() {
  REDIS_PID="" REDIS_PORT="" REDIS_LOG=""
  # shellcheck disable=SC1090
  [ -f "$STATE" ] && source "$STATE"
  return 0
}

answers() {
  if command -v redis-cli >/dev/null 2>&1; then
    [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = PONG ]
    return
  fi
  node -e 'const s=require("net").connect(+process.argv[1],"127.0.0.1");s.on("error",()=>process.exit(1));s.on("data",d=>process.exit(String(d).startsWith("+PONG")?0:1));s.write("PING\r\n");setTimeout(()=>process.exit(1),2000)' "$1"
}

healthy() {
  load_state
  pid_alive "$REDIS_PID" && answers "$REDIS_PORT"
}

do_start() {
  if healthy; then log "redis already running on port $REDIS_PORT (pid $REDIS_PID)"; return; fi
  [ -f "$STATE" ] && do_stop
  if ! command -v redis-server >/dev/null 2>&1; then
    # Another apt-get may hold dpkg's lock (CI or a parallel install): wait for it rather than fail.
    apt_install -o DPkg::Lock::Timeout=300 redis-server
  fi
  REDIS_LOG="$HAM_SERVICES_DIR/redis.log"
  local attempt i
  for attempt in 1 2 3 4 5; do
    REDIS_PORT="$(free_port)"
    # No persistence (a throwaway queue), no protected-mode surprises, only loopback.
    setsid redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir "$HAM_SERVICES_DIR" --daemonize no >"$REDIS_LOG" 2>&1 </dev/null &
    REDIS_PID=$!
    for i in $(seq 1 100); do
      if answers "$REDIS_PORT"; then break 2; fi
      pid_alive "$REDIS_PID" || break
      sleep 0.1
    done
    kill "$REDIS_PID" 2>/dev/null || true
    [ "$attempt" = 5 ] && { tail -n 20 "$REDIS_LOG" >&2; die "redis-server did not answer on 127.0.0.1"; }
  done
  cat >"$STATE" <<STATE_EOF
REDIS_PID=$REDIS_PID
REDIS_PORT=$REDIS_PORT
REDIS_LOG=$REDIS_LOG
STATE_EOF
  cat >"$ENV_FILE" <<ENV_EOF
export HAM_REDIS_URL=redis://127.0.0.1:$REDIS_PORT
ENV_EOF
  log "redis started on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID)"
}

do_stop() {
  load_state
  if pid_alive "$REDIS_PID"; then
    kill "$REDIS_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do pid_alive "$REDIS_PID" || break; sleep 0.1; done
    pid_alive "$REDIS_PID" && kill -9 "$REDIS_PID" 2>/dev/null
    log "redis stopped (pid $REDIS_PID)"
  fi
  rm -f "$STATE" "$ENV_FILE" "${REDIS_LOG:-$HAM_SERVICES_DIR/redis.log}"
}

relock_or_continue "$@"
case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  status) if healthy; then echo "running on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID)"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
