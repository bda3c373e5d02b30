# The README's commands: `make run` serves the site, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
FLASK  := $(BIN)/flask --app wsgi
# The app builds its links (emails, certificates) on http://HOST:PORT unless LMS_BASE_URL is set.
export HOST PORT

.PHONY: run test bench translations lint

# Before anything else, run and test check the system libraries (WeasyPrint's): the script
# installs them with apt-get as root, or prints one line naming the command to run.
ifneq ($(filter run test bench,$(or $(MAKECMDGOALS),run)),)
SYSTEM_PROBLEM := $(shell $(PYTHON) scripts/check_system.py)
$(if $(SYSTEM_PROBLEM),$(error $(SYSTEM_PROBLEM)))
endif

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependencies change, so a second run starts at once.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# The web server and one worker (mail, background jobs, periodic duties) together. Both run in
# the background of the recipe's shell, whose trap stops them on every way out (Ctrl-C,
# SIGTERM, a closed terminal, the server failing to start): nothing is left running.
# Background jobs of a non-interactive shell ignore Ctrl-C, so the trap signals each one: the
# web server SIGTERM; the worker SIGINT, on which it finishes the jobs in hand (SIGTERM if it is
# still there after 10 s). The worker starts in its own session, so that the terminal's Ctrl-C
# does not reach it a second time, and with SIGINT's default action back, so that it stops at
# once while still starting (where setsid and GNU env are found).
WORKER_LAUNCH = $(shell command -v setsid) \
	$(shell env --default-signal=INT true 2>/dev/null && echo env --default-signal=INT)

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) lms generate-signing-key --if-missing
	$(FLASK) lms demo --if-empty
	@web=; worker=; \
	stop() { trap - EXIT HUP INT TERM; kill -TERM $$web 2>/dev/null; \
	  kill -INT $$worker 2>/dev/null; waited=0; \
	  while kill -0 $$worker 2>/dev/null && [ $$waited -lt 100 ]; do \
	    sleep 0.1; waited=$$((waited + 1)); done; \
	  kill -TERM $$worker 2>/dev/null; wait; }; \
	trap 'stop; exit 129' HUP; trap 'stop; exit 130' INT; trap 'stop; exit 143' TERM; \
	trap stop EXIT; \
	$(WORKER_LAUNCH) $(FLASK) lms worker & worker=$$!; \
	$(FLASK) run --host $(HOST) --port $(PORT) & web=$$!; \
	wait $$web; status=$$?; stop; exit $$status

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	@set -e; for script in bench/[!_]*.py; do [ -e "$$script" ] || continue; echo "== $$script"; $(BIN)/python "$$script"; done

# Re-extract UI strings after changing templates or code, then translate the new entries of every
# language's lms/translations/<lang>/LC_MESSAGES/messages.po (fr, es).
translations: $(VENV)/.installed-dev
	$(BIN)/pybabel extract --no-location -F babel.cfg -k _l -k lazy_gettext -k N_ -o messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i messages.pot -d lms/translations
	$(BIN)/pybabel compile -d lms/translations

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check lms tests bench scripts
	$(BIN)/mypy
