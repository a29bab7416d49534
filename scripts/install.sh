#!/usr/bin/env bash
# Installs the locked dependencies. `npm ci` is tried first; the registry this project's machines
# reach does not serve every platform's optional packages (rollup's native builds for other OSes),
# which npm 11's `npm ci` counts as a lock file out of sync. `npm install` honours the same lock
# and skips the optional packages it cannot fetch.
set -uo pipefail
if npm ci --no-audit --no-fund; then exit 0; fi
echo "install: npm ci refused the lock file; installing the same lock with npm install" >&2
npm install --no-audit --no-fund
