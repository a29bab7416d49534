SHELL := /bin/bash
NODE_BIN := node_modules/.bin
.PHONY: install build test test-faults lint clean bench-quick comprehensive-benchmark before-after-benchmark bench-ci

# npm ci only when node_modules is missing or older than the lock file (fresh clone, changed deps).
node_modules/.package-lock.json: package-lock.json
	bash scripts/install.sh
	@touch $@

install: node_modules/.package-lock.json

build: install
	rm -rf dist
	$(NODE_BIN)/tsc -p tsconfig.json
	node dist/cjs/accelerators/tokens/build-tables.js
	node scripts/build-esm.mjs
	chmod +x dist/cjs/cli/main.js 2>/dev/null || true

lint: install
	$(NODE_BIN)/tsc -p tsconfig.check.json
	$(NODE_BIN)/eslint .

# The SDK fixtures (openai 5/6/7, LangChain) and Node 22/24 for the child-process suites install on demand.
test: build lint
	bash scripts/fixtures.sh
	bash scripts/node-versions.sh >/dev/null
	$(NODE_BIN)/vitest run

# The fault matrix (test/faults, issue 11): litellm and the openai SDKs under faults, plain vs shimmed,
# each case in child processes, 2 at a time (~2.5 min on 2 cores). Rebuilds dist/ when src/ is newer.
test-faults: install
	@if [ ! -f dist/cjs/register.js ] || [ -n "$$(find src -name '*.ts' -newer dist/cjs/register.js -print -quit)" ]; then \
		$(MAKE) build; fi
	$(NODE_BIN)/tsx test/faults/run.ts

clean:
	rm -rf dist coverage

# ---- benchmarks ------------------------------------------------------------------------------
# Full shimmed-vs-baseline report (<= 15 min on 2 cores), then the before/after process run.
# A FAILED row still fails the target, but only after the before/after run has also been made.
comprehensive-benchmark: build
	status=0; \
	$(NODE_BIN)/tsx benchmarks/comprehensive.ts --out reports || status=$$?; \
	$(NODE_BIN)/tsx benchmarks/before-after.ts --out reports || status=$$?; \
	exit $$status

# Short run for development (~2 min).
bench-quick: build
	$(NODE_BIN)/tsx benchmarks/comprehensive.ts --quick --out reports

# CI gate: fails on any equality mismatch or any row slower than its baseline beyond the
# tolerance (ratio only; BENCH_TOLERANCE=0.85 by default).
bench-ci: build
	CI=true $(NODE_BIN)/tsx benchmarks/comprehensive.ts --ci --quick --out reports

before-after-benchmark: build
	$(NODE_BIN)/tsx benchmarks/before-after.ts --out reports
