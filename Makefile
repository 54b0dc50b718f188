# Gemellaggi: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app forum
STAMP := $(VENV)/.installed
# The Nu HTML Checker the suite runs (tests/functional/security/test_html_validity_sweep.py).
VNU_VERSION := 26.9.27
VNU_JAR := $(VENV)/vnu/node_modules/vnu-jar/build/dist/vnu.jar
HOST ?= 127.0.0.1
PORT ?= 5000
# The site builds its links from these (FORUM_BASE_URL defaults to http://HOST:PORT).
export HOST PORT
# xdist workers: CI's machine has 2 cores.
WORKERS ?= auto

.PHONY: run test test-sqlite test-postgresql install browser-deps vnu lint translations \
	extract update-catalogs compile-catalogs migrate seed bench clean lexicon lexicon-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	@# Catalogs merge as the union of both sides (scripts/po_merge.py, named in .gitattributes).
	-@git config merge.pomerge.driver "$(BIN)/python scripts/po_merge.py %O %A %B" 2>/dev/null
	touch $(STAMP)

install: $(STAMP)

# npm's vnu-jar ships vnu.jar (Java 17+ runs it); fetched once, never at test time.
$(VNU_JAR):
	@command -v npm >/dev/null || { echo "npm missing: apt-get install npm (for vnu-jar)"; exit 1; }
	npm install --no-save --no-audit --no-fund --ignore-scripts --prefix $(VENV)/vnu \
		vnu-jar@$(VNU_VERSION) >/dev/null
	@command -v java >/dev/null || echo "java missing: apt-get install default-jre (for vnu)"

vnu: $(VNU_JAR)

compile-catalogs: $(STAMP)
	$(BIN)/pybabel compile -d translations -D messages --statistics 2>&1 | tail -n 2

extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --add-comments "i18n:" \
		--ignore-dirs ".* venv .venv node_modules" \
		--no-location --sort-output --width 100 --project Gemellaggi \
		-o translations/messages.pot .

update-catalogs: extract
	$(BIN)/pybabel update -i translations/messages.pot -d translations -D messages \
		--no-fuzzy-matching --ignore-obsolete --width 100
	$(BIN)/python scripts/copy_english.py translations/en/LC_MESSAGES/messages.po

migrate: $(STAMP)
	$(FLASK) db upgrade

# seed-demo builds the index when there is none; a full rebuild only when `search check`
# finds the index and the database apart (an index lost or left behind by an old run).
# refresh-terms: practices whose matching terms an older lexicon made are re-analysed (a
# no-op, one query, when none is).
seed: migrate
	$(FLASK) seed-demo
	$(FLASK) practices refresh-terms
	@$(FLASK) search check >/dev/null 2>&1 || $(FLASK) search reindex

run: install compile-catalogs seed
	$(FLASK) run --host $(HOST) --port $(PORT)

# Browser tests need Debian's Chromium; installed here when missing and we may install.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
			|| echo "could not install chromium: browser tests will fail"; \
		else echo "Chromium missing: run 'sudo apt-get install chromium' for the browser tests"; fi; \
	fi

# The FreeDict dictionaries the lexicon data is built from (forum/search/lexicon/NOTICE): a
# test checks that scripts/build_lexicon.py still gives the committed file.
lexicon-deps:
	@if [ ! -f /usr/share/dictd/freedict-ita-eng.index ] || [ ! -f /usr/share/dictd/freedict-eng-ita.index ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				dict-freedict-ita-eng dict-freedict-eng-ita >/dev/null) \
			|| echo "could not install the FreeDict dictionaries: the lexicon build test is skipped"; \
		else echo "FreeDict missing: 'sudo apt-get install dict-freedict-ita-eng dict-freedict-eng-ita'"; fi; \
	fi

lexicon: lexicon-deps
	python3 scripts/build_lexicon.py

test: install compile-catalogs browser-deps lexicon-deps vnu
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup -q --db=sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		$(BIN)/pytest -n $(WORKERS) --dist loadgroup -q --db=postgresql; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped (CI sets it)"; fi

test-sqlite: install compile-catalogs vnu
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup -q --db=sqlite

test-postgresql: install compile-catalogs vnu
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup -q --db=postgresql

lint: install
	$(BIN)/ruff check forum tests bench

bench: install compile-catalogs
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance *.egg-info
