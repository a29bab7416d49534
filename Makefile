SHELL := /bin/bash
NODE_BIN := node_modules/.bin

.PHONY: install build test lint clean

# npm ci only when the lock file changed since the last install (or nothing is installed).
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.package-lock.json

build: install
	rm -rf dist
	$(NODE_BIN)/tsc -p tsconfig.json
	node scripts/build-esm.mjs
	chmod +x dist/cjs/cli/main.js 2>/dev/null || true

lint: install
	$(NODE_BIN)/tsc -p tsconfig.check.json

test: build lint
	$(NODE_BIN)/vitest run

clean:
	rm -rf dist coverage
