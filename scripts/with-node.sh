#!/usr/bin/env bash
# Run a command on a chosen Node.js major (22 or 24), fetched once from the npm registry's
# `node` package into .cache/node-<major>/ (gitignored). Usage: scripts/with-node.sh 24 npm test
set -euo pipefail
major="${1:?usage: scripts/with-node.sh <22|24> <command> [args...]}"
shift
[ "$#" -gt 0 ] || set -- npm test
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.cache/node-$major"
bin="$dir/node_modules/node/bin"
if [ ! -x "$bin/node" ]; then
  echo "Fetching Node.js $major from the npm registry into .cache/node-$major ..." >&2
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node@$major" >&2
fi
export PATH="$bin:$PATH"
# Pulse's native module (better-sqlite3 13) ships prebuilt binaries, so nothing compiles. If a native
# module ever builds here, point npm_config_nodedir at this Node's own headers (the machine's
# npm config points at Node 20's).
exec "$@"
