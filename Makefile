# Every target sets itself up: a fresh machine needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint bench eval chat fake-wechat clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "wuye needs Python 3.11+; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

## run: webhook + worker + a local fake WeChat API, on embedded defaults, with a demo community
run: $(STAMP)
	$(BIN)/wuye serve --demo

## test: the whole suite (PostgreSQL/Redis tests run when those servers answer on 127.0.0.1),
## on TEST_WORKERS pytest-xdist workers; the tests that start servers or a browser keep to one
## worker per group (`xdist_group` marks), so two of them never compete for the cores. Three on
## two cores: many tests wait (on PostgreSQL's commits, a server starting, a lease running out),
## and a third worker uses the core the waiting one leaves idle.
TEST_WORKERS ?= 3
test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check .

## bench: load-test the webhook and time the NLU; prints tables
bench: $(STAMP)
	$(BIN)/python -m bench

## eval: intent/FAQ/slot/survey metrics on ../shared/nlu
eval: $(STAMP)
	$(BIN)/wuye eval

## chat: talk to the server started by `make run`, as a demo resident
chat: $(STAMP)
	$(BIN)/wuye chat

clean:
	rm -rf $(VENV) var .pytest_cache
