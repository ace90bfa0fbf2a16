# The two commands: `make demo` and `make test`. Everything else is their plumbing.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
# make demo PORT=5001 when 5000 is taken.
PORT ?= 5000
# Wait for another apt or dpkg run (say, unattended upgrades) instead of failing at once.
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600

.PHONY: demo test browser libreoffice spamassassin benchmark translations wrk

demo: $(VENV)/.installed
	$(BIN)/eventdesk serve --demo --port $(PORT)

test: $(VENV)/.installed-test browser libreoffice spamassassin
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

benchmark: $(VENV)/.installed-test wrk
	$(BIN)/python -m benchmarks

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -e '.[test]'
	touch $@

# Browser tests drive Debian's chromium; install it when it is missing and we may.
# The badge tests render PDF pages with poppler's pdftoppm (poppler-utils).
browser:
	@{ command -v chromium && command -v pdftoppm; } >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    $(APT_GET) update -qq && $(APT_GET) install -y -qq chromium fonts-dejavu-core poppler-utils >/dev/null; \
	  else echo "Install chromium (sudo apt-get install chromium) for the browser tests."; exit 1; fi; }

# Extract the English strings, merge them into the Dutch catalogue, compile it.
# Fill in the new Dutch msgstr entries in eventdesk/translations/nl/LC_MESSAGES/messages.po
# and run it again; tests/test_translations.py fails while any string lacks Dutch.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  -o eventdesk/translations/messages.pot eventdesk templates
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -l nl \
	  -i eventdesk/translations/messages.pot -d eventdesk/translations
	$(BIN)/pybabel compile -l nl -d eventdesk/translations

# The CSV export test opens the file in LibreOffice Calc, headless.
libreoffice:
	@command -v soffice >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    $(APT_GET) update -qq && $(APT_GET) install -y -qq libreoffice-calc-nogui >/dev/null; \
	  else echo "Install libreoffice-calc-nogui (sudo apt-get install libreoffice-calc-nogui) for the export test."; exit 1; fi; }

# The spam-score test runs SpamAssassin's local rules on the ticket mail.
spamassassin:
	@command -v spamassassin >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    $(APT_GET) update -qq && $(APT_GET) install -y -qq spamassassin >/dev/null; \
	  else echo "Install spamassassin (sudo apt-get install spamassassin) for the spam-score test."; exit 1; fi; }

# The load generator of the benchmarks is Debian's wrk.
wrk:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    $(APT_GET) update -qq && $(APT_GET) install -y -qq wrk >/dev/null; \
	  else echo "Install wrk (sudo apt-get install wrk) for the benchmarks."; exit 1; fi; }
