#!/usr/bin/env bash
# start-dnssec.sh DIR
# Starts the DNSSEC part of the harness (for the DANE tests):
#   knotd    on 127.0.0.57:53 (udp+tcp) - authoritative for three zones signed here with ldns-signzone:
#              dane-valid.test     MX/A/TLSA 3 1 1 <SPKI sha256 of pki/mx.selfsigned.test.crt>, all signed
#              dane-mismatch.test  same, but the TLSA carries a wrong (plausible) hash, properly signed
#              dane-bogus.test     same as dane-valid, but the RRSIG over the TLSA RRset is corrupted
#   unbound  on 127.0.0.56:53 (udp+tcp) - validating resolver: trust anchors (DS) for the three zones,
#              stub-zones to 127.0.0.57, the rest of .test forwarded to dnsmasq 127.0.0.53 (insecure)
# Needs: knot, unbound, ldnsutils (ldns-keygen, ldns-signzone, drill), openssl.
# Keys are generated fresh on every start (ECDSA P-256, one KSK per zone signing everything).
# Nothing of the system's knot/unbound is used: own config, pid files, no control sockets on TCP.
# State (zones, keys, configs, pid files, logs) lives in DIR.
# Env: DNSSEC_AUTH_ADDR (127.0.0.57), DNSSEC_RESOLVER_ADDR (127.0.0.56), DNS_ADDR (127.0.0.53), PKI
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${1:?usage: start-dnssec.sh DIR}
mkdir -p "$DIR"; DIR=$(cd "$DIR" && pwd)
AUTH=${DNSSEC_AUTH_ADDR:-127.0.0.57}
RESOLVER=${DNSSEC_RESOLVER_ADDR:-127.0.0.56}
DNS_ADDR=${DNS_ADDR:-127.0.0.53}
PKI=${PKI:-$HERE/pki}

for cmd in knotd unbound unbound-checkconf ldns-keygen ldns-signzone drill openssl ss; do
  command -v "$cmd" >/dev/null || { echo "start-dnssec.sh: $cmd missing (apt-get install knot unbound ldnsutils)" >&2; exit 1; }
done
"$HERE/stop-dnssec.sh" "$DIR" >/dev/null 2>&1 || true

# Something else (a leftover from another RUN dir?) on our addresses would silently share the port
# (knot and unbound use SO_REUSEPORT), so refuse to start instead.
if busy=$(ss -lntupH 2>/dev/null | grep -E "(${AUTH//./\\.}|${RESOLVER//./\\.}):53 "); then
  echo "start-dnssec.sh: $AUTH:53 or $RESOLVER:53 is already in use (not by this DIR):" >&2
  echo "$busy" >&2
  exit 1
fi

# ---- zones -----------------------------------------------------------------------------------
SPKI=$(openssl x509 -in "$PKI/mx.selfsigned.test.crt" -pubkey -noout \
  | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
[[ $SPKI =~ ^[0-9a-f]{64}$ ]] || { echo "could not compute SPKI hash of $PKI/mx.selfsigned.test.crt" >&2; exit 1; }
# a plausible but wrong hash for dane-mismatch.test: sha256 of something else
WRONG=$(printf 'mailtls-guard dane-mismatch: not the real key' | openssl dgst -sha256 -r | cut -d' ' -f1)

ZDIR=$DIR/zones
rm -rf "$ZDIR"; mkdir -p "$ZDIR"
INCEPTION=$(date -u -d '-2 days' +%Y%m%d%H%M%S)
EXPIRATION=$(date -u -d '+3650 days' +%Y%m%d%H%M%S)
# dane-ok.test: its MX has a certificate from the test CA for its own name (made by up.sh), on
# mx1.good.test's Postfix (SNI): trusted, valid for its name, and matched by DANE-EE.
OK_CRT=${EXTRA_PKI:-$DIR/../pki-extra}/mx.dane-ok.test.crt
OKSPKI=$(openssl x509 -in "$OK_CRT" -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
[[ $OKSPKI =~ ^[0-9a-f]{64}$ ]] || { echo "could not compute SPKI hash of $OK_CRT" >&2; exit 1; }
SERIAL=$(date -u +%s)
ZONES=(dane-valid.test dane-mismatch.test dane-bogus.test dane-ok.test)
: >"$DIR/trust-anchors.conf"
for z in "${ZONES[@]}"; do
  tlsa=$SPKI; mxaddr=127.0.0.14
  [[ $z == dane-mismatch.test ]] && tlsa=$WRONG
  [[ $z == dane-ok.test ]] && { tlsa=$OKSPKI; mxaddr=127.0.0.11; }
  cat >"$ZDIR/$z.zone" <<EOF
\$ORIGIN $z.
\$TTL 300
@            IN SOA   ns.$z. hostmaster.$z. $SERIAL 3600 600 86400 300
@            IN NS    ns.$z.
ns           IN A     $AUTH
@            IN MX    10 mx.$z.
mx           IN A     $mxaddr
_25._tcp.mx  IN TLSA  3 1 1 $tlsa
EOF
  (
    cd "$ZDIR"
    key=$(ldns-keygen -a ECDSAP256SHA256 -k "$z")   # KSK flag (257); used for every RRset
    ldns-signzone -i "$INCEPTION" -e "$EXPIRATION" -f "$z.signed" "$z.zone" "$key"
    # trust anchor for unbound: the DS of this key (file written by ldns-keygen)
    sed -E 's/[[:space:]]+/ /g; s/^/trust-anchor: "/; s/ ?$/"/' "$key.ds" >>"$DIR/trust-anchors.conf"
  )
done
# dane-bogus.test: corrupt the signature over the TLSA RRset only (flip characters in the middle of
# the base64 signature; TLSA RDATA itself stays correct). MX/A/SOA/DNSKEY signatures stay valid.
awk '
  $4 == "RRSIG" && $5 == "TLSA" {
    sig = $NF; mid = int(length(sig) / 2)
    c = substr(sig, mid, 4); r = (c == "AAAA") ? "BBBB" : "AAAA"
    $NF = substr(sig, 1, mid - 1) r substr(sig, mid + 4); n++
  }
  { print }
  END { if (n != 1) { print "tamper: expected 1 TLSA RRSIG, found " n > "/dev/stderr"; exit 1 } }
' "$ZDIR/dane-bogus.test.signed" >"$ZDIR/dane-bogus.test.signed.tmp"
mv "$ZDIR/dane-bogus.test.signed.tmp" "$ZDIR/dane-bogus.test.signed"

# bulk.test: not signed (unbound treats it as insecure, dnsmasq forwards it here); a wildcard MX
# makes every name under it a mail domain on mx1.good.test, for bulk checks of any size.
cat >"$ZDIR/bulk.test.signed" <<EOF
\$ORIGIN bulk.test.
\$TTL 60
@   IN SOA ns.bulk.test. hostmaster.bulk.test. 1 3600 600 86400 60
@   IN NS  ns.bulk.test.
ns  IN A   $AUTH
*   IN MX  10 mx1.good.test.
EOF
# slowbulk.test: the same, but its MX is 127.0.0.47, where a test or bench puts a latency proxy to
# mx1.good.test (nothing listens there otherwise).
cat >"$ZDIR/slowbulk.test.signed" <<EOF
\$ORIGIN slowbulk.test.
\$TTL 60
@   IN SOA ns.slowbulk.test. hostmaster.slowbulk.test. 1 3600 600 86400 60
@   IN NS  ns.slowbulk.test.
ns  IN A   $AUTH
mx  IN A   127.0.0.47
*   IN MX  10 mx.slowbulk.test.
EOF

# ---- knot (authoritative, serves the pre-signed files as they are) ----------------------------
rm -rf "$DIR/knot-db"; mkdir -p "$DIR/knot-db"
cat >"$DIR/knot.conf" <<EOF
# ---- generated by start-dnssec.sh ----
server:
    rundir: "$DIR"
    pidfile: "$DIR/knot.pid"
    user: root:root
    listen: $AUTH@53
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
    identity: ""
    version: ""
    nsid: ""
control:
    listen: "$DIR/knot.sock"
log:
  - target: "$DIR/knot.log"
    any: info
database:
    storage: "$DIR/knot-db"
template:
  - id: default
    storage: "$ZDIR"
    file: "%s.signed"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    dnssec-signing: off
    semantic-checks: off
zone:
$(for z in "${ZONES[@]}" bulk.test slowbulk.test; do echo "  - domain: $z"; done)
EOF
knotd -c "$DIR/knot.conf" -d >>"$DIR/knot.log" 2>&1

# ---- unbound (validating resolver) ------------------------------------------------------------
cat >"$DIR/unbound.conf" <<EOF
# ---- generated by start-dnssec.sh ----
server:
    interface: $RESOLVER
    port: 53
    do-ip4: yes
    do-ip6: no
    do-udp: yes
    do-tcp: yes
    so-reuseport: no
    num-threads: 1
    outgoing-interface: $RESOLVER
    access-control: 127.0.0.0/8 allow
    username: ""
    chroot: ""
    directory: "$DIR"
    pidfile: "$DIR/unbound.pid"
    use-syslog: no
    logfile: "$DIR/unbound.log"
    verbosity: 1
    log-servfail: yes
    val-log-level: 2
    do-not-query-localhost: no
    # no root trust anchor: only the three zones below are validated, the rest of .test is insecure
    module-config: "validator iterator"
    domain-insecure: "test"
    local-zone: "test." nodefault
    # short caches: the zones are re-keyed on every harness start
    cache-max-ttl: 60
    cache-max-negative-ttl: 10
    qname-minimisation: no
    harden-dnssec-stripped: yes
    trust-anchor-signaling: no
    val-permissive-mode: no
    # trust anchors (DS of each zone's key, written at start)
$(sed 's/^/    /' "$DIR/trust-anchors.conf")
remote-control:
    control-enable: no
$(for z in "${ZONES[@]}"; do printf 'stub-zone:\n    name: "%s"\n    stub-addr: %s@53\n' "$z" "$AUTH"; done)
forward-zone:
    name: "test"
    forward-addr: $DNS_ADDR@53
EOF
unbound-checkconf "$DIR/unbound.conf" >"$DIR/unbound-checkconf.log" 2>&1 \
  || { cat "$DIR/unbound-checkconf.log" >&2; exit 1; }
unbound -c "$DIR/unbound.conf" >>"$DIR/unbound.log" 2>&1

# ---- readiness: knot serves the signed zones, unbound validates (max ~5 s) ---------------------
for _ in $(seq 1 50); do
  if drill -Q -D -t @"$AUTH" SOA dane-bogus.test 2>/dev/null | grep -q . \
    && drill -D @"$RESOLVER" MX dane-valid.test 2>/dev/null | grep -qE 'flags:.* ad[ ;]'; then
    echo "dnssec up: knotd pid $(cat "$DIR/knot.pid") on $AUTH:53 (zones: ${ZONES[*]}), unbound pid $(cat "$DIR/unbound.pid") on $RESOLVER:53"
    exit 0
  fi
  sleep 0.1
done
echo "dnssec did not come up; see $DIR/knot.log $DIR/unbound.log" >&2
exit 1
