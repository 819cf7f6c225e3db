# jobd — the front door. Bun comes pinned from package-lock.json (npm package `bun`),
# so a machine with only Node and npm can run every target.
BUN      := node_modules/.bin/bun
TSC      := node_modules/.bin/tsc
PORT     ?= $(or $(JOBD_PORT),8080)
DB       ?= data/jobd.db

.PHONY: run test check build bench dist footprint clean deps

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

SOURCES  := $(shell find src machines -type f 2>/dev/null) package.json
BUILD    := scripts/build.ts scripts/bun-runtime.ts scripts/targets.ts

# Stamped with version, commit, target and build date (`jobd version`); see scripts/build.ts.
dist/jobd: $(SOURCES) $(BUILD) | node_modules/.installed
	$(BUN) scripts/build.ts native --outfile dist/jobd

# One file per platform plus SHA256SUMS. Each runtime comes from Bun's npm package for that
# platform, pinned with its integrity in package-lock.json (docs/install.md).
DIST_TARGETS := linux-x64 linux-x64-musl linux-arm64 linux-arm64-musl
DIST_FILES   := $(addprefix dist/jobd-,$(DIST_TARGETS))

dist: deps $(DIST_FILES) dist/SHA256SUMS

dist/jobd-%: $(SOURCES) $(BUILD) package-lock.json | node_modules/.installed
	$(BUN) scripts/build.ts $*

dist/SHA256SUMS: $(DIST_FILES)
	$(BUN) scripts/build.ts sums

# The footprint table in docs/install.md: size, idle RSS, cold start, RSS after 10k jobs.
footprint: dist
	$(BUN) scripts/footprint.ts

bench: deps build
	$(BUN) bench/run.ts

clean:
	rm -rf dist data bench/.work tests/artifacts
