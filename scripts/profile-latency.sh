#!/usr/bin/env bash
# Same as: npx fast-litellm profile latency "$@"   (see README, "Profiling a gateway")
exec "$(dirname "${BASH_SOURCE[0]}")/fast-litellm.sh" profile latency "$@"
