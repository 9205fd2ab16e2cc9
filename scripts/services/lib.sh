# Shared helpers for the service scripts (sourced, not run): state folder, free ports, waiting.
# State lives in $HAM_SERVICES_DIR (default <repo>/.services, gitignored) so a test can start a
# throwaway server of its own by pointing HAM_SERVICES_DIR somewhere else.

set -euo pipefail

HAM_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HAM_SERVICES_DIR="${HAM_SERVICES_DIR:-$HAM_REPO_ROOT/.services}"
mkdir -p "$HAM_SERVICES_DIR"
HAM_SERVICES_DIR="$(cd "$HAM_SERVICES_DIR" && pwd)"

log() { echo "[services] $*" >&2; }
die() { echo "[services] error: $*" >&2; exit 1; }

# A port the kernel reports free on 127.0.0.1 right now (node is always there: this is a node repo).
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})'
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# Installs Debian packages; apt-get update first because a fresh image may have no lists.
apt_install() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install $*"
    sudo="sudo"
  fi
  log "installing $* with apt-get"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# Re-runs the calling script under an exclusive lock on the state folder, so concurrent up/down
# calls serialise. flock -o closes the lock's descriptor in the script, so servers it starts do not
# inherit (and hold) the lock. A caller that already holds it (up.sh) sets HAM_SERVICES_LOCKED=1.
relock_or_continue() {
  if [ "${HAM_SERVICES_LOCKED:-}" = 1 ]; then return 0; fi
  HAM_SERVICES_LOCKED=1 HAM_SERVICES_DIR="$HAM_SERVICES_DIR" exec flock -o "$HAM_SERVICES_DIR/.lock" bash "$0" "$@"
}
