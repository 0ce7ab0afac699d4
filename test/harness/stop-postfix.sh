#!/usr/bin/env bash
# stop-postfix.sh [NAME ...]
# Stops the named private postfix instances (default: every instance found
# under $POSTFIX_BASE, default <script dir>/run/postfix). Idempotent.
# Uses `postfix -c DIR stop` (master waits for its children), then verifies by
# PID that master and all of its children are gone; SIGKILL as last resort.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BASE=${POSTFIX_BASE:-$HERE/run/postfix}
[[ -d $BASE ]] || exit 0
BASE=$(cd "$BASE" && pwd)

# alive PID: true if PID exists and is not a zombie.  PITFALL: in this
# sandbox PID 1 reaps orphaned zombies only every ~1-2 s, so `kill -0` keeps
# succeeding on an already-dead, daemonized master/dnsmasq.
alive() { [[ -r /proc/$1/stat ]] && ! awk '{ s=$0; sub(/.*\) /, "", s); exit (substr(s,1,1)=="Z") ? 0 : 1 }' "/proc/$1/stat" 2>/dev/null; }

if [[ $# -gt 0 ]]; then names=("$@"); else
  names=(); for d in "$BASE"/*/etc; do [[ -f $d/main.cf ]] && names+=("$(basename "$(dirname "$d")")"); done
fi

stop_one() {
  local name=$1 I="$BASE/$1" pid kids
  local pf="$I/spool/pid/master.pid"
  [[ -f $I/etc/main.cf ]] || return 0
  pid=$(tr -d ' \n' < "$pf" 2>/dev/null || true)
  if [[ -z $pid ]] || ! alive "$pid"; then return 0; fi
  kids=$(pgrep -P "$pid" || true)
  script -qec "postfix -c '$I/etc' stop" /dev/null >>"$I/stop.log" 2>&1 || true
  for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.05; done
  if alive "$pid"; then
    script -qec "postfix -c '$I/etc' abort" /dev/null >>"$I/stop.log" 2>&1 || true
    sleep 0.5; kill -9 "$pid" 2>/dev/null || true
  fi
  for k in $kids; do if alive "$k"; then kill -9 "$k" 2>/dev/null || true; fi; done
  echo "stopped postfix $name (master $pid)"
}

# stop in parallel: each `postfix stop` is mostly waiting
for n in "${names[@]}"; do stop_one "$n" & done
wait
