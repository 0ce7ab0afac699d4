#!/usr/bin/env bash
# stop-dnssec.sh DIR...  - idempotent; kills only the PIDs recorded in each DIR
# (knotd / unbound from start-dnssec.sh, the MTA-STS policy server from mta-sts-server.js).
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: stop-dnssec.sh DIR..." >&2; exit 2; }
# alive PID: exists and is not a zombie (PID 1 of the sandbox reaps orphans only every 1-2 s,
# see stop-dns.sh).
alive() { [[ -r /proc/$1/stat ]] && ! awk '{ s=$0; sub(/.*\) /, "", s); exit (substr(s,1,1)=="Z") ? 0 : 1 }' "/proc/$1/stat" 2>/dev/null; }
for DIR in "$@"; do
  [[ -d $DIR ]] || continue
  # Each recorded PID is checked against its command line, not /proc/PID/comm: Node 24 and later
  # name their main thread "MainThread", so the comm of the MTA-STS server is no longer "node".
  for entry in knot:knotd unbound:unbound mta-sts:mta-sts-server.js; do
    name=${entry%%:*} program=${entry#*:}
    pf="$DIR/$name.pid"
    [[ -s $pf ]] || continue
    pid=$(tr -dc '0-9' <"$pf")
    # only our process: a stale pid file must not kill whatever reused the PID
    if [[ -n $pid ]] && alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$program"; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.05; done
      if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
      echo "stopped $name ($pid)"
    fi
    rm -f "$pf"
  done
done
