#!/usr/bin/env bash
# make-ca.sh OUTDIR
# Creates a throw-away test CA and leaf certificates for the MailTLS Guard
# loopback test harness.  Only openssl (3.0.x on Debian 12) is required.
#
# Output (all PEM, keys unencrypted, RSA 2048):
#   ca.crt / ca.key                    test root CA ("MailTLS Guard Test CA")
#   mx1.good.test.{crt,key}            valid, CA-signed
#   mx1.partial.test.{crt,key}         valid, CA-signed (TLS MX of partial.test)
#   mx.selfsigned.test.{crt,key}       self-signed (not CA-signed)
#   mx.mismatch.test.{crt,key}         CA-signed but SAN/CN = wrong.test
#   mx.expired.test.{crt,key}          CA-signed, validity 2020-01-01 .. 2021-01-01
#   mx.tls10.test.{crt,key}            valid, CA-signed (server is TLS1.0-only)
#   implicit.test.{crt,key}            valid, CA-signed (A-only domain, no MX)
#   mx.xn--r8jz45g.test.{crt,key}      valid, CA-signed (IDN 例え.test MX)
#   mx.multiline.test.{crt,key}        valid, CA-signed (multi-line 220 greeting)
#   *.fullchain.crt                    leaf + CA (what the servers present)
# Idempotent: re-running regenerates everything from scratch. The output is committed in
# test/harness/pki (test-only keys); certificates are valid for 20 years, the expired one for 2020.
set -euo pipefail

OUT=${1:?usage: make-ca.sh OUTDIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$OUT"
rm -rf ca-db && mkdir -p ca-db
umask 022

KEYOPT=(-newkey rsa:2048 -nodes)

# ---------------------------------------------------------------- CA
openssl req -x509 "${KEYOPT[@]}" -keyout ca.key -out ca.crt -days 7300 \
  -subj "/O=MailTLS Guard Test/CN=MailTLS Guard Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash" 2>/dev/null

# openssl ca database (used so that we can set arbitrary start/end dates:
# OpenSSL 3.0 'x509 -req' has no -not_before/-not_after; those arrived in 3.4)
: > ca-db/index.txt
echo 1000 > ca-db/serial
cat > ca-db/ca.cnf <<EOF
[ ca ]
default_ca = testca
[ testca ]
dir            = $OUT/ca-db
database       = \$dir/index.txt
serial         = \$dir/serial
new_certs_dir  = \$dir
certificate    = $OUT/ca.crt
private_key    = $OUT/ca.key
default_md     = sha256
policy         = anything
unique_subject = no
preserve       = yes
copy_extensions = none
email_in_dn    = no
[ anything ]
commonName     = supplied
organizationName = optional
[ leaf_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = \${ENV::SAN}
EOF

# sign_leaf FILEBASE CERTNAME [startdate enddate]
sign_leaf() {
  local base=$1 name=$2 start=${3:-} end=${4:-}
  openssl req -new "${KEYOPT[@]}" -keyout "$base.key" -out "$base.csr" \
    -subj "/O=MailTLS Guard Test/CN=$name" 2>/dev/null
  local dates=(-days 7300)
  if [[ -n $start ]]; then dates=(-startdate "$start" -enddate "$end"); fi
  SAN="DNS:$name" openssl ca -batch -notext -config ca-db/ca.cnf \
    -extensions leaf_ext -in "$base.csr" -out "$base.crt" "${dates[@]}" 2>/dev/null
  rm -f "$base.csr"
  cat "$base.crt" ca.crt > "$base.fullchain.crt"
}

sign_leaf mx1.good.test       mx1.good.test
sign_leaf mx1.partial.test    mx1.partial.test
sign_leaf mx.mismatch.test    wrong.test
sign_leaf mx.expired.test     mx.expired.test 20200101000000Z 20210101000000Z
sign_leaf mx.tls10.test       mx.tls10.test
sign_leaf implicit.test       implicit.test
sign_leaf mx.xn--r8jz45g.test mx.xn--r8jz45g.test
sign_leaf mx.multiline.test   mx.multiline.test

# self-signed (own issuer, not chained to the CA)
openssl req -x509 "${KEYOPT[@]}" -keyout mx.selfsigned.test.key \
  -out mx.selfsigned.test.crt -days 7300 \
  -subj "/O=Self Signed Ltd/CN=mx.selfsigned.test" \
  -addext "subjectAltName=DNS:mx.selfsigned.test" \
  -addext "extendedKeyUsage=serverAuth" 2>/dev/null
cp mx.selfsigned.test.crt mx.selfsigned.test.fullchain.crt

chmod 600 ./*.key
# postfix's smtpd runs as user postfix but reads keys while still root
# (before chroot/privilege drop), so 600 root:root is fine.

# ---------------------------------------------------------------- checks
echo "== verification against the test CA"
for c in mx1.good.test mx1.partial.test mx.mismatch.test mx.tls10.test implicit.test \
         mx.xn--r8jz45g.test mx.multiline.test mx.expired.test mx.selfsigned.test; do
  printf '%-22s ' "$c"
  # expected to fail for expired/self-signed; don't let set -e abort
  { openssl verify -CAfile ca.crt "$c.crt" 2>&1 || true; } | grep -E ': OK|error' | head -1
done
printf '%-22s ' "expired dates"; openssl x509 -in mx.expired.test.crt -noout -startdate -enddate | tr '\n' ' '; echo
echo "== certificates in $OUT"
rm -rf "$OUT/ca-db"
