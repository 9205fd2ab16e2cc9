#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster on 127.0.0.1 for the store tests.
# Usage: scripts/services/postgres.sh start|stop|status
#   start  initdb in a fresh temp folder, start on a free port, create database "ham", and write
#          $HAM_SERVICES_DIR/postgres.env (export HAM_PG_URL=...). Reuses a healthy running cluster.
#   stop   stops the cluster by its pid and removes its data folder and state.
# Installs PostgreSQL with apt-get when no initdb is found.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE="$HAM_SERVICES_DIR/postgres.state"
ENV_FILE="$HAM_SERVICES_DIR/postgres.env"

find_pg_bin() {
  local dir
  # Prefer the newest versioned folder Debian installs; fall back to whatever is on PATH.
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
  return 1
}

# initdb refuses to run as root: run the server as an unprivileged user.
pg_user() {
  if [ "$(id -u)" != 0 ]; then id -un; return; fi
  if id postgres >/dev/null 2>&1; then echo postgres; else echo nobody; fi
}

as_pg_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

load_state() {
  PG_PID="" PG_PORT="" PG_DIR="" PG_BIN="" PG_USER=""
  # shellcheck disable=SC1090
  [ -f "$STATE" ] && source "$STATE"
  return 0
}

healthy() {
  load_state
  pid_alive "$PG_PID" || return 1
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d ham -U postgres >/dev/null 2>&1
}

do_start() {
  if healthy; then log "postgres already running on port $PG_PORT (pid $PG_PID)"; return; fi
  [ -f "$STATE" ] && do_stop
  PG_BIN="$(find_pg_bin)" || { apt_install postgresql; PG_BIN="$(find_pg_bin)" || die "no initdb after installing postgresql"; }
  PG_USER="$(pg_user)"
  PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/ham-pg.XXXXXX")"
  chown "$PG_USER" "$PG_DIR" 2>/dev/null || true
  chmod 700 "$PG_DIR"
  as_pg_user "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed (as user $PG_USER)"; }
  # Fast and throwaway by default. HAM_PG_DURABLE=1 keeps commits durable across a crash of the
  # server (fsync and synchronous commit on), for tests that kill or restart it on purpose.
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${HAM_PG_DURABLE:-}" = "1" ] && durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  # A port can be taken between choosing and binding: retry a few times with a new one.
  local attempt
  for attempt in 1 2 3 4 5; do
    PG_PORT="$(free_port)"
    if as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 start \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR $durability -c max_connections=200" >/dev/null; then
      break
    fi
    [ "$attempt" = 5 ] && { tail -n 20 "$PG_DIR/server.log" >&2; die "postgres did not start"; }
  done
  PG_PID="$(head -n 1 "$PG_DIR/data/postmaster.pid")"
  "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE ham" >/dev/null
  cat >"$STATE" <<STATE_EOF
PG_PID=$PG_PID
PG_PORT=$PG_PORT
PG_DIR=$PG_DIR
PG_BIN=$PG_BIN
PG_USER=$PG_USER
STATE_EOF
  echo "export HAM_PG_URL=postgres://postgres@127.0.0.1:$PG_PORT/ham" >"$ENV_FILE"
  log "postgres started on 127.0.0.1:$PG_PORT (pid $PG_PID, data $PG_DIR)"
}

do_stop() {
  load_state
  if pid_alive "$PG_PID"; then
    as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || kill -9 "$PG_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do pid_alive "$PG_PID" || break; sleep 0.1; done
    log "postgres stopped (pid $PG_PID)"
  fi
  if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then rm -rf "$PG_DIR"; fi
  rm -f "$STATE" "$ENV_FILE"
}

relock_or_continue "$@"
case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  status) if healthy; then echo "running on 127.0.0.1:$PG_PORT (pid $PG_PID)"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
