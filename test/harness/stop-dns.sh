#!/usr/bin/env bash
# stop-dns.sh DIR  - idempotent; kills only the PIDs recorded in DIR
set -euo pipefail
DIR=${1:?usage: stop-dns.sh DIR}
[[ -d $DIR ]] || exit 0
# alive PID: true if PID exists and is not a zombie.  PITFALL: in this
# sandbox PID 1 reaps orphaned zombies only every ~1-2 s, so `kill -0` keeps
# succeeding on an already-dead, daemonized master/dnsmasq.
alive() { [[ -r /proc/$1/stat ]] && ! awk '{ s=$0; sub(/.*\) /, "", s); exit (substr(s,1,1)=="Z") ? 0 : 1 }' "/proc/$1/stat" 2>/dev/null; }
for name in dnsmasq rcode-dns; do
  pf="$DIR/$name.pid"
  [[ -s $pf ]] || continue
  pid=$(cat "$pf")
  if alive "$pid"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.05; done
    if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
    echo "stopped $name ($pid)"
  fi
  rm -f "$pf"
done
