#!/usr/bin/env bash
# Runs the fast-litellm CLI from a checkout: the built bin when present, else the TypeScript source via tsx.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -f "$root/dist/cjs/cli/main.js" ]]; then
  exec node "$root/dist/cjs/cli/main.js" "$@"
fi
exec "$root/node_modules/.bin/tsx" "$root/src/cli/main.ts" "$@"
