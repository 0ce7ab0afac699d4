#!/usr/bin/env bash
# The Debian packages the tests need, in one place: `.ci/run` and `npm test` (the jest global
# setup) both call this. `test-packages.sh check` exits 0 when all are installed; `ensure` installs
# the missing ones when run as root, and otherwise stops with one line naming the apt-get command.
#
# Real servers for the probe tests (test/harness): Postfix (private instances, started by the
# tests; preseeded to "No configuration" so that no system instance takes port 25), dnsmasq,
# openssl, util-linux's `script`, iproute2's `ss`; knot + ldnsutils (ldns-keygen, ldns-signzone,
# drill) + unbound for the DNSSEC-signed DANE zones and the validating resolver (the harness runs
# its own on 127.0.0.56/57, so a packaged service on 127.0.0.1 does not get in the way);
# redis-server for the shared-cache tests; nginx for the reverse-proxy test (started on loopback by
# the test, never as the system service); chromium (driven by playwright-core) and a Japanese font
# for the browser tests and their screenshots. Attachment fixtures are committed: zip, 7-Zip and
# qpdf are not needed.
set -euo pipefail

PACKAGES=(postfix dnsmasq-base openssl util-linux iproute2 redis-server nginx chromium fonts-ipafont-gothic knot unbound ldnsutils)

# Unit tests alone (MAILTLS_TEST_NO_HARNESS=1) need none of them.
if [[ ${1:-check} == ensure && ${MAILTLS_TEST_NO_HARNESS:-} == 1 ]]; then exit 0; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

case "${1:-check}" in
  list) printf '%s\n' "${PACKAGES[@]}" ;;
  check)
    [ ${#missing[@]} -eq 0 ] || { echo "missing: ${missing[*]}" >&2; exit 1; }
    ;;
  ensure)
    [ ${#missing[@]} -eq 0 ] && exit 0
    if [ "$(id -u)" != 0 ]; then
      echo "mailtls: the tests need Debian packages; run: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
      exit 1
    fi
    echo "mailtls: installing the packages the tests need: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -qq
    # The packages' own system services (nginx on port 80, Postfix, unbound, redis) are not wanted:
    # the tests start private instances. policy-rc.d tells the installer not to start them.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
      chmod +x /usr/sbin/policy-rc.d
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    ;;
  *)
    echo "usage: test-packages.sh check|ensure|list" >&2
    exit 2
    ;;
esac
