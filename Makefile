# jobd — the front door. Bun comes pinned from package-lock.json (npm package `bun`),
# so a machine with only Node and npm can run every target.
BUN      := node_modules/.bin/bun
TSC      := node_modules/.bin/tsc
PORT     ?= $(or $(JOBD_PORT),8080)
DB       ?= data/jobd.db

.PHONY: run test check build bench dist clean deps

deps: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@test -x $(BUN) || (echo "bun did not install from npm" >&2; exit 1)
	@touch $@

run: deps
	@mkdir -p $(dir $(DB))
	$(BUN) src/main.ts serve --port $(PORT) --db $(DB) --demo

test: deps build
	$(BUN) test

check: deps
	$(TSC) --noEmit -p .

build: deps dist/jobd

dist/jobd: $(shell find src machines -type f 2>/dev/null) package.json
	@mkdir -p dist
	$(BUN) build --compile --minify --sourcemap src/main.ts --outfile dist/jobd

bench: deps build
	$(BUN) bench/run.ts

clean:
	rm -rf dist data bench/.work tests/artifacts
