# Owned by the lead; the benchmark targets at the bottom are the bench helper's.
.PHONY: install build test lint bench-quick comprehensive-benchmark before-after-benchmark bench-ci deps

NODE_MODULES_STAMP := node_modules/.package-lock.json

install:
	npm ci --no-audit --no-fund

# npm ci only when node_modules is missing or older than the lockfile (fresh clone).
deps:
	@if [ ! -d node_modules ] || [ ! -f $(NODE_MODULES_STAMP) ] || [ package-lock.json -nt $(NODE_MODULES_STAMP) ]; then \
		npm ci --no-audit --no-fund; \
	fi

build:
	npx tsc -p tsconfig.json && node scripts/build-esm.mjs

test:
	npx vitest run

lint:
	npx tsc -p tsconfig.check.json

# ---- benchmarks (bench helper) -------------------------------------------------------------
# Full shimmed-vs-baseline report (<= 15 min on 2 cores), then the before/after process run.
comprehensive-benchmark: deps build
	npx tsx benchmarks/comprehensive.ts --out reports
	npx tsx benchmarks/before-after.ts --out reports

# Short run for development (~2 min).
bench-quick:
	npx tsx benchmarks/comprehensive.ts --quick --out reports

# CI gate: fails on any equality mismatch or any row slower than its baseline beyond the
# tolerance (ratio only; BENCH_TOLERANCE=0.85 by default).
bench-ci:
	CI=true npx tsx benchmarks/comprehensive.ts --ci --quick --out reports

before-after-benchmark: deps build
	npx tsx benchmarks/before-after.ts --out reports
