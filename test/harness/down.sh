#!/usr/bin/env bash
# down.sh - stop every harness process (postfix instances, MTA-STS server, knotd, unbound, DNS). Idempotent.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RUN=${RUN:-${TMPDIR:-/tmp}/mailtls-harness}
export POSTFIX_BASE=$RUN/postfix
T0=$(date +%s.%N)
"$HERE/stop-postfix.sh"
"$HERE/stop-dnssec.sh" "$RUN/dnssec" "$RUN/mta-sts"
"$HERE/stop-dns.sh" "$RUN/dns"
T1=$(date +%s.%N)
printf 'timing: stop %.2fs\n' "$(awk "BEGIN{print $T1-$T0}")"
# anything of ours still listening on 127.0.0.11-20:25, 127.0.0.53/54/56/57:53 or 127.0.0.40:443?
if ss -ltnupH | grep -E '127\.0\.0\.(1[1-9]|20|10[1-9]|11[0-2]):25 |\[::1\]:25 |127\.0\.0\.5[3467]:53 |127\.0\.0\.40:443 '; then
  echo "WARNING: harness sockets still open" >&2; exit 1
fi
echo "nothing of the harness is listening"
