# OMS developer and CI entry points. `make help` lists the targets.

# The Lambda runtime's Python (template.yaml Runtime, shared/Makefile RUNTIME_PYTHON_VERSION): the
# venv, the tests and the lock files use the same one (docs/decisions.md, "Build hygiene").
LAMBDA_PYTHON := 3.11
PY ?= python$(LAMBDA_PYTHON)
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

SAM_VENV := .local/sam-venv
SAM := $(SAM_VENV)/bin/sam
SAM_STAMP := $(SAM_VENV)/.installed
SAM_CLI_SPEC ?= aws-sam-cli>=1.120,<2

# checkov pins boto3/networkx/packaging versions older than the project's, so it has its own venv too.
CHECKOV_VENV := .local/checkov-venv
CHECKOV := $(CHECKOV_VENV)/bin/checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
CHECKOV_SPEC ?= checkov>=3.2,<4

# uv compiles the lock files (requirements/*.lock); it lives in its own venv like the SAM CLI.
UV_VENV := .local/uv-venv
UV := $(UV_VENV)/bin/uv
UV_STAMP := $(UV_VENV)/.installed
UV_SPEC ?= uv>=0.9,<1
LOCK_ARGS ?=
LOCK_FLAGS := --generate-hashes --no-header --quiet --python-version $(LAMBDA_PYTHON) $(LOCK_ARGS)
# The Lambda target's locks: the layer and the packages two functions ship on their own.
TARGET_LOCKS := layer exports excel

# Each functions/<name>/ is a Lambda code root (CodeUri), so its packages are top level.
empty :=
space := $(empty) $(empty)
FUNCTION_ROOTS := $(patsubst %/,%,$(sort $(wildcard functions/*/)))
SRCPATH := local:shared:$(subst $(space),:,$(FUNCTION_ROOTS))
RUN_ENV := PYTHONPATH=$(SRCPATH):.

# mypy: the oms package, the local tooling and every function package that has code.
MYPY_TARGETS := shared/oms local/oms_local deploy $(patsubst %/,%,$(sort $(dir $(wildcard functions/*/*/*.py))))
PYTEST_ARGS ?= -n 2 --dist loadgroup

SITE ?=

export SAM_CLI_TELEMETRY := 0

.DEFAULT_GOAL := help

.PHONY: help venv lock ddb-local print-tools browser-tools lint test unit run token service-token bench lighthouse \
	modulepreload openapi refusals build \
	deploy bootstrap-params smoke deploy-console clean distclean

help:
	@echo "make venv       create .venv from requirements/dev.lock (hashes checked), then the project itself"
	@echo "make lock       compile requirements/*.lock again (LOCK_ARGS=--upgrade to take newer versions)"
	@echo "make ddb-local  install Java (if needed) and DynamoDB Local into .local/npm"
	@echo "make print-tools  Debian fonts-nanum (order-sheet font) and poppler-utils (PDF tests), if absent"
	@echo "make browser-tools  Debian chromium and fonts-nanum for the console's browser tests, if absent"
	@echo "make lint       ruff, the layer rules (tools/check_layers.py), cfn-lint and checkov on template.yaml, mypy"
	@echo "make test       lint, then the whole test suite (starts DynamoDB Local itself)"
	@echo "make unit       unit tests only (no local services)"
	@echo "make run        local HTTP gateway on DynamoDB Local"
	@echo "make token SITE=<site-id>  print an admin JWT for a site"
	@echo "make service-token  print the local checkout-service token (intake route)"
	@echo "make bench      benchmarks"
	@echo "make lighthouse the console's first screen: Lighthouse (mobile) and cold-load timings of the list and an order"
	@echo "make modulepreload  rewrite console/index.html's modulepreload lines from the module graph"
	@echo "make openapi    write docs/openapi.json: one OpenAPI document for every route of every function"
	@echo "make refusals   write docs/refusals.md: the refusal codes (shared/oms/domain/refusals/) as a page"
	@echo "make build      sam validate --lint && sam build"
	@echo "make bootstrap-params ENV=dev|prod  create the SSM SecureString parameters the stack reads (prompts)"
	@echo "make deploy ENV=dev|prod  build, then sam deploy --config-env ENV (samconfig.toml; docs/deploy.md)"
	@echo "make smoke URL=<ApiUrl> TOKEN=<admin JWT> [SITE=<site> INTAKE=sigv4]  read-only checks (+ a sandbox order)"
	@echo "make deploy-console STACK=<stack>  upload console/ to the stack's console bucket, invalidate CloudFront"
	@echo "make clean      remove build and cache output (distclean: also .venv and .local)"

# ---------------------------------------------------------------- environment

venv: $(STAMP)

$(STAMP): pyproject.toml requirements/dev.lock
	test -x $(VPY) || $(PY) -m venv $(VENV)
	$(VPY) -m pip install --disable-pip-version-check -q --require-hashes -r requirements/dev.lock
	$(VPY) -m pip install --disable-pip-version-check -q --no-deps -e .
	touch $@

$(UV_STAMP):
	test -x $(UV_VENV)/bin/python || $(PY) -m venv $(UV_VENV)
	$(UV_VENV)/bin/python -m pip install --disable-pip-version-check -q '$(UV_SPEC)'
	touch $@

# The Lambda target's locks first (arm64, the runtime's Python, wheels only: python3.11 runs on
# Amazon Linux 2, glibc 2.26, so manylinux2014 wheels; pillow 13 has none), then dev.lock for the venv
# (this platform) constrained to their versions: the tests run what Lambda runs (tests/unit/test_locks.py).
lock: $(UV_STAMP)
	for f in $(TARGET_LOCKS); do \
		$(UV) pip compile requirements/$$f.in $(LOCK_FLAGS) --only-binary :all: \
			--python-platform aarch64-manylinux2014 -o requirements/$$f.lock || exit 1; done
	$(UV) pip compile pyproject.toml --extra dev $(LOCK_FLAGS) --python-platform x86_64-unknown-linux-gnu \
		$(foreach f,$(TARGET_LOCKS),-c requirements/$(f).lock) -o requirements/dev.lock

ddb-local: $(STAMP)
	$(RUN_ENV) $(VPY) -m oms_local.ddb install

# The PDF order sheet's Korean font comes from Debian's fonts-nanum (the function build copies a
# subset of it); its tests render pages with poppler's pdftoppm and read pdffonts.
NANUM_TTF := /usr/share/fonts/truetype/nanum/NanumGothic.ttf
print-tools:
	@if ! command -v pdftoppm >/dev/null || ! command -v pdffonts >/dev/null || ! test -f $(NANUM_TTF); then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			poppler-utils fonts-nanum >/dev/null; fi

# The admin console's browser tests: Playwright (PyPI, no browser download) drives Debian's
# Chromium headless; the Korean font is fonts-nanum.
CHROMIUM ?= /usr/bin/chromium
browser-tools:
	@if ! test -x $(CHROMIUM) || ! test -f $(NANUM_TTF); then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium fonts-nanum >/dev/null; fi

# ---------------------------------------------------------------- checks

$(CHECKOV_STAMP):
	test -x $(CHECKOV_VENV)/bin/python || $(PY) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --disable-pip-version-check -q '$(CHECKOV_SPEC)'
	touch $@

# checkov: every skipped check is named, with its reason, in the resource's Metadata (template.yaml).
lint: $(STAMP) $(CHECKOV_STAMP)
	$(VENV)/bin/ruff check .
	$(VPY) tools/check_layers.py
	$(VENV)/bin/cfn-lint template.yaml
	$(CHECKOV) --skip-download --quiet --compact --framework cloudformation -f template.yaml
	MYPYPATH=$(SRCPATH) $(VENV)/bin/mypy $(MYPY_TARGETS)

test: $(STAMP) ddb-local print-tools browser-tools
	$(MAKE) --no-print-directory lint
	$(RUN_ENV) $(VPY) -m pytest $(PYTEST_ARGS) tests/

unit: $(STAMP)
	$(RUN_ENV) $(VPY) -m pytest $(PYTEST_ARGS) tests/unit

# ---------------------------------------------------------------- local stack

run: $(STAMP) ddb-local
	$(RUN_ENV) $(VPY) -m oms_local.run

token: $(STAMP)
	@test -n "$(SITE)" || { echo "usage: make token SITE=<site-id> [STAFF=<operator-id> NAME=<이름>]" >&2; exit 2; }
	@$(RUN_ENV) $(VPY) -m oms_local.tokens --site $(SITE) $(if $(STAFF),--staff --user '$(STAFF)' --name '$(or $(NAME),$(STAFF))',)

service-token: $(STAMP)
	@$(RUN_ENV) $(VPY) -m oms_local.tokens --service

bench: $(STAMP) ddb-local print-tools
	$(RUN_ENV) $(VPY) -m bench

# The console's first screen on the local stack with the demo orders: Lighthouse (mobile) on the list and
# an order, and Playwright's cold loads (time to the first rows, layout shift); RUNS loads per page and
# size. Not part of `make test`: the figures are this machine's. Lighthouse comes from npm, into .local.
LIGHTHOUSE_DIR := .local/lighthouse
LIGHTHOUSE_STAMP := $(LIGHTHOUSE_DIR)/.installed
LIGHTHOUSE_SPEC ?= lighthouse@12
RUNS ?= 7

$(LIGHTHOUSE_STAMP):
	mkdir -p $(LIGHTHOUSE_DIR)
	test -f $(LIGHTHOUSE_DIR)/package.json || echo '{"private": true}' > $(LIGHTHOUSE_DIR)/package.json
	npm install --prefix $(LIGHTHOUSE_DIR) --no-audit --no-fund '$(LIGHTHOUSE_SPEC)'
	touch $@

lighthouse: $(STAMP) ddb-local browser-tools $(LIGHTHOUSE_STAMP)
	$(RUN_ENV) LIGHTHOUSE_MODULES=$(LIGHTHOUSE_DIR)/node_modules $(VPY) -m bench.first_screen --runs $(RUNS)

# The list's module graph as <link rel="modulepreload"> lines (tests/unit/test_modulepreload.py checks them).
modulepreload:
	$(VPY) tools/modulepreload.py

# Merged from every function's resolver; OrdersFunction ships it and serves it at /swagger.
openapi: $(STAMP)
	$(RUN_ENV) $(VPY) -m oms_local.openapi --write docs/openapi.json

refusals: $(STAMP)
	$(RUN_ENV) $(VPY) -m oms_local.refusals --write docs/refusals.md

# ---------------------------------------------------------------- deployment build

# aws-sam-cli pins boto3/pydantic ranges of its own, so it lives in its own venv.
$(SAM_STAMP):
	test -x $(SAM_VENV)/bin/python || $(PY) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --disable-pip-version-check -q '$(SAM_CLI_SPEC)'
	touch $@

build: $(SAM_STAMP)
	$(SAM) validate --lint --template-file template.yaml
	$(SAM) build --template-file template.yaml

# ENV names a [ENV] section of samconfig.toml (stack name, region, parameter overrides).
ENV ?=
URL ?=
TOKEN ?=
require-env = @case "$(ENV)" in dev|prod) ;; *) echo "usage: make $@ ENV=dev|prod" >&2; exit 2;; esac

deploy:
	$(require-env)
	$(MAKE) --no-print-directory build
	$(SAM) deploy --config-env $(ENV)

# Prompts for each secret (or reads OMS_SECRET_<NAME>); never from the repository. --dry-run: names only.
BOOTSTRAP_ARGS ?=
bootstrap-params: $(STAMP)
	$(require-env)
	$(RUN_ENV) $(VPY) -m deploy.bootstrap_params --env $(ENV) $(BOOTSTRAP_ARGS)

smoke: $(STAMP)
	@test -n "$(URL)" && test -n "$(TOKEN)" || { echo "usage: make smoke URL=<ApiUrl output> TOKEN=<admin JWT> [SITE=<test site>]" >&2; exit 2; }
	$(RUN_ENV) $(VPY) -m deploy.smoke --url "$(URL)" --token "$(TOKEN)" $(if $(SITE),--site "$(SITE)") \
		$(if $(INTAKE),--intake "$(INTAKE)")

# After `sam deploy`: the console's files into its bucket (config.json is answered by CloudFront from
# the stack's parameters, so it is never uploaded), then the cached copies invalidated. Needs the AWS CLI.
# Cache-Control no-cache: a browser keeps each file and asks by its ETag whether it changed (a 304),
# so a deploy never leaves it running old modules beside new ones (the names carry no version).
STACK ?=
CONSOLE_OUTPUT = aws cloudformation describe-stacks --stack-name "$(STACK)" --output text \
	--query "Stacks[0].Outputs[?OutputKey=='$(1)'].OutputValue"
deploy-console:
	@test -n "$(STACK)" || { echo "usage: make deploy-console STACK=<deployed stack name>" >&2; exit 2; }
	bucket=$$($(call CONSOLE_OUTPUT,ConsoleBucketName)) && dist=$$($(call CONSOLE_OUTPUT,ConsoleDistributionId)) && \
	test -n "$$bucket" && test -n "$$dist" && \
	aws s3 sync console/ "s3://$$bucket/" --delete --exclude ".*" --exclude "*/.*" --exclude "config.json" \
		--cache-control "no-cache" && \
	aws cloudfront create-invalidation --distribution-id "$$dist" --paths "/*" >/dev/null && \
	echo "console uploaded to s3://$$bucket/ and distribution $$dist invalidated"

clean:
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache .hypothesis .local/logs
	find . -path ./.venv -prune -o -path ./.local -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) .local
