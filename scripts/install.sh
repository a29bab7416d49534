#!/usr/bin/env bash
# Installs the locked dependencies exactly (npm ci): the lock lists every platform's optional
# packages (rollup's native builds), so npm 11 takes it as in sync and a fresh clone stays clean.
set -euo pipefail
npm ci --no-audit --no-fund
