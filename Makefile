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

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) lms generate-signing-key --if-missing
	$(FLASK) lms demo --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	@set -e; for script in bench/[!_]*.py; do [ -e "$$script" ] || continue; echo "== $$script"; $(BIN)/python "$$script"; done

# Re-extract UI strings after changing templates or code, then translate lms/translations/fr/.../messages.po.
translations: $(VENV)/.installed-dev
	$(BIN)/pybabel extract --no-location -F babel.cfg -k _l -k lazy_gettext -k N_ -o messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i messages.pot -d lms/translations
	$(BIN)/pybabel compile -d lms/translations

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check lms tests bench scripts
	$(BIN)/mypy
