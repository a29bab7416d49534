#!/usr/bin/env bash
# Installs the SDK fixtures on demand: each openai major under its real name in its own folder
# (test/fixtures/openai-5, -6, -7) and @langchain/openai (test/fixtures/langchain), from their
# package.json and package-lock.json. Their node_modules are git-ignored; tests and benchmarks call
# this before use. Safe to run concurrently (one lock per fixture); does nothing when up to date.
#   scripts/fixtures.sh                 # all of them
#   scripts/fixtures.sh openai-7 langchain
set -euo pipefail
cd "$(dirname "$0")/.."
names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(openai-5 openai-6 openai-7 langchain)
for n in "${names[@]}"; do
  dir="test/fixtures/$n"
  [[ -f "$dir/package.json" ]] || { echo "fixtures: no $dir/package.json" >&2; exit 1; }
  stamp="$dir/node_modules/.fixture-installed"
  (
    flock 9
    # Up to date when the stamp is newer than the manifest and the lock file.
    if [[ -f "$stamp" && "$stamp" -nt "$dir/package.json" && ( ! -f "$dir/package-lock.json" || "$stamp" -nt "$dir/package-lock.json" ) ]]; then
      exit 0
    fi
    echo "fixtures: installing $dir" >&2
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error >&2
    touch "$stamp"
  ) 9>"$dir/.install.lock"
done
