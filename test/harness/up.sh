#!/usr/bin/env bash
# up.sh - start the whole harness: test PKI (if missing), DNS, 10 postfix MXes, a relay, and (in parallel with
# the MXes) the MTA-STS policy server 127.0.0.40:443 plus the DNSSEC servers (knotd 127.0.0.57,
# validating unbound 127.0.0.56).
# Env: RUN (default ${TMPDIR:-/tmp}/mailtls-harness), PKI (default <script dir>/pki)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RUN=${RUN:-${TMPDIR:-/tmp}/mailtls-harness}; PKI=${PKI:-$HERE/pki}
export POSTFIX_BASE=$RUN/postfix
T0=$(date +%s.%N)
[[ -f $PKI/ca.crt ]] || "$HERE/make-ca.sh" "$PKI" >/dev/null
export PKI
# mx.dane-ok.test and mx.drift.test: certificates from the test CA, made here (so that no key is
# added to the committed PKI); mx1.good.test's Postfix presents them to clients that ask for those
# names (SNI). The signed dane-ok.test zone publishes its DANE-EE record (start-dnssec.sh);
# mx.drift.test is a switchable forwarder the Exchange drift test runs (test/helpers/forwarder.ts).
export EXTRA_PKI=$RUN/pki-extra
mkdir -p "$EXTRA_PKI"
: > "$EXTRA_PKI/sni.new"
for host in mx.dane-ok.test mx.drift.test; do
  if [[ ! -s $EXTRA_PKI/$host.pem || $PKI/ca.crt -nt $EXTRA_PKI/$host.pem ]]; then
    (
      cd "$EXTRA_PKI"
      printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n' "$host" > "$host.ext"
      openssl req -newkey rsa:2048 -nodes -keyout "$host.key" -out "$host.csr" -subj "/O=MailTLS Guard Test/CN=$host" 2>/dev/null
      openssl x509 -req -in "$host.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAserial ca.srl -CAcreateserial \
        -days 3650 -sha256 -extfile "$host.ext" -out "$host.crt" 2>/dev/null
      cat "$host.key" "$host.crt" "$PKI/ca.crt" > "$host.pem"
    )
  fi
  printf '%s %s\n' "$host" "$EXTRA_PKI/$host.pem" >> "$EXTRA_PKI/sni.new"
done
mv "$EXTRA_PKI/sni.new" "$EXTRA_PKI/sni"
"$HERE/start-dns.sh" "$RUN/dns"
T1=$(date +%s.%N)

# MTA-STS policy host (HTTPS, cert from the test CA generated into $RUN/mta-sts on first start)
start_mta_sts() {
  local dir=$RUN/mta-sts
  "$HERE/stop-dnssec.sh" "$dir" >/dev/null 2>&1 || true
  mkdir -p "$dir"
  node "$HERE/mta-sts-server.js" 127.0.0.40 443 "$dir" "$PKI" </dev/null >"$dir/mta-sts.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    if [[ -s $dir/mta-sts.pid ]] && (exec 3<>/dev/tcp/127.0.0.40/443) 2>/dev/null; then
      echo "mta-sts up: pid $pid on 127.0.0.40:443"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "mta-sts-server did not come up; see $dir/mta-sts.log" >&2
  cat "$dir/mta-sts.log" >&2
  return 1
}
pids=()
start_mta_sts &
pids+=($!)
"$HERE/start-dnssec.sh" "$RUN/dnssec" &
pids+=($!)

# name                addr        mode       cert-base (in $PKI)
INSTANCES=(
  "mx1.good.test       127.0.0.11  tls        mx1.good.test"
  "mx.notls.test       127.0.0.12  notls      -"
  "mx1.partial.test    127.0.0.13  tls        mx1.partial.test"
  "mx.selfsigned.test  127.0.0.14  tls        mx.selfsigned.test"
  "mx.mismatch.test    127.0.0.15  tls        mx.mismatch.test"
  "mx.expired.test     127.0.0.16  tls        mx.expired.test"
  "mx.tls10.test       127.0.0.17  tls10      mx.tls10.test"
  "implicit.test       127.0.0.18  tls        implicit.test"
  "mx.xn--r8jz45g.test 127.0.0.19  tls        mx.xn--r8jz45g.test"
  "mx.multiline.test   127.0.0.20  multiline  mx.multiline.test"
  "mx.bench.test       127.0.0.101 tls        mx1.good.test"
)
# The bench instance answers for bench1..12.test, each MX on its own address (101-112).
BENCH_ADDRS="$(seq -f '127.0.0.%g' 102 112 | tr '\n' ' ')"
# mx1.good.test also listens on [::1]:25, for MX hosts with only AAAA records (v6only.test,
# v6implicit.test). Loopback must have ::1: enabled here if the machine left it off.
if ! ip -6 addr show dev lo 2>/dev/null | grep -q '::1/128'; then
  sysctl -qw net.ipv6.conf.lo.disable_ipv6=0 2>/dev/null || true
  ip -6 addr add ::1/128 dev lo 2>/dev/null || true
fi
ip -6 addr show dev lo 2>/dev/null | grep -q '::1/128' || { echo "up.sh: loopback has no ::1 (IPv6); the IPv6 probe tests need it" >&2; exit 1; }
for line in "${INSTANCES[@]}"; do
  read -r name addr mode cb <<<"$line"
  export EXTRA_ADDRS=""
  [[ $name == mx.bench.test ]] && EXTRA_ADDRS=$BENCH_ADDRS
  [[ $name == mx1.good.test ]] && EXTRA_ADDRS="::1"
  extra=()
  [[ $name == mx1.good.test ]] && extra=("tls_server_sni_maps = texthash:$EXTRA_PKI/sni")
  if [[ $mode == notls ]]; then
    "$HERE/start-postfix.sh" "$name" "$addr" notls &
  else
    "$HERE/start-postfix.sh" "$name" "$addr" "$mode" "$PKI/$cb.fullchain.crt" "$PKI/$cb.key" "${extra[@]}" &
  fi
  pids+=($!)
done
# The outgoing relay the service sends one-time download codes through (MAILTLS_SMTP_RELAY): it
# accepts mail for any domain from loopback and delivers it to one maildir, $RUN/postfix/relay.test/mail/inbox.
relay_mail=$POSTFIX_BASE/relay.test/mail
mkdir -p "$relay_mail" && chown postfix:postfix "$relay_mail"
export EXTRA_ADDRS=""
"$HERE/start-postfix.sh" relay.test 127.0.0.41 notls \
  "smtpd_relay_restrictions = permit_mynetworks, reject" \
  "smtpd_recipient_restrictions = permit_mynetworks, reject" \
  "virtual_mailbox_domains = static:all" "virtual_mailbox_base = $relay_mail" \
  "virtual_mailbox_maps = static:inbox/" \
  "virtual_uid_maps = static:$(id -u postfix)" "virtual_gid_maps = static:$(id -g postfix)" &
pids+=($!)
rc=0; for p in "${pids[@]}"; do wait "$p" || rc=1; done
T2=$(date +%s.%N)
printf 'timing: dns %.2fs, %d postfix instances + mta-sts + dnssec (parallel) %.2fs, total %.2fs\n' \
  "$(awk "BEGIN{print $T1-$T0}")" "${#INSTANCES[@]}" "$(awk "BEGIN{print $T2-$T1}")" "$(awk "BEGIN{print $T2-$T0}")"
exit $rc
