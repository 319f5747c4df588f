# The README's two commands: `make run` serves the site, `make test` proves it.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/psgsite

.PHONY: run test lint audit test-databases test-sqlite test-postgres databases check-services messages bench bench-alerts lighthouse screenshots clean

# The virtual environment is rebuilt only when the dependencies change, so a second run starts in seconds.
$(VENV)/.installed: pyproject.toml
	@echo "==> Installing the project and its dependencies into $(VENV)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

run: $(VENV)/.installed
	@echo "==> Migrating the SQLite database (db.sqlite3)"
	$(PY) manage.py migrate --noinput
	@echo "==> Loading the site's content (existing pages are kept as they are)"
	$(PY) manage.py load_site_content
	$(PY) manage.py setup_roles
	$(PY) manage.py ensure_local_admin
	$(PY) manage.py ensure_sample_membership_type
	@echo "==> Serving http://127.0.0.1:8000/ with the scheduler beside it (Ctrl-C stops both)"
	$(PY) manage.py run_scheduler & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed check-services lint audit test-databases

# Both suites run side by side, each on a test database of its own, their output kept apart and
# shown in turn when all are done. Each goes in two halves (tests/psgsite and the rest), so that
# the runs share the machine's cores to the end rather than one running alone at the last;
# PostgreSQL's, the longer, runs its slowest modules and the browser tests (SLOW_TESTS, which
# run on PostgreSQL alone) apart in a fifth run, so that the five end at about the same time.
SITE_TESTS := tests/psgsite
SLOW_TESTS := tests/psgsite/test_admin_screens.py tests/psgsite/test_chaos.py \
	tests/psgsite/test_history_and_compare.py tests/psgsite/test_backup.py tests/browser
test-databases: $(VENV)/.installed
	@echo "==> Tests on SQLite and on PostgreSQL ($(PG_URL)), side by side"
	@mkdir -p .local
	@$(MAKE) --no-print-directory test-sqlite PYTEST_ARGS="$(SITE_TESTS)" \
		> .local/test-sqlite-site.log 2>&1 & sqlite_site=$$!; \
	$(MAKE) --no-print-directory test-sqlite PYTEST_ARGS="--ignore=$(SITE_TESTS)" \
		> .local/test-sqlite.log 2>&1 & sqlite=$$!; \
	$(MAKE) --no-print-directory test-postgres \
		PYTEST_ARGS="$(SITE_TESTS) $(addprefix --ignore=,$(SLOW_TESTS))" \
		> .local/test-postgres-site.log 2>&1 & postgres_site=$$!; \
	$(MAKE) --no-print-directory test-postgres PYTEST_ARGS="$(SLOW_TESTS)" \
		> .local/test-postgres-slow.log 2>&1 & postgres_slow=$$!; \
	$(MAKE) --no-print-directory test-postgres \
		PYTEST_ARGS="--ignore=$(SITE_TESTS) $(addprefix --ignore=,$(SLOW_TESTS))" \
		> .local/test-postgres.log 2>&1; postgres=$$?; \
	wait $$sqlite_site; sqlite_site=$$?; wait $$sqlite; sqlite=$$?; \
	wait $$postgres_site; postgres_site=$$?; wait $$postgres_slow; postgres_slow=$$?; \
	cat .local/test-sqlite-site.log .local/test-sqlite.log \
		.local/test-postgres-site.log .local/test-postgres-slow.log .local/test-postgres.log; \
	summary() { grep -E '^=+ .*(passed|failed|error)' $$1 | tail -n 1; }; \
	echo "==> SQLite, $(SITE_TESTS): $$(summary .local/test-sqlite-site.log)"; \
	echo "==> SQLite, the rest: $$(summary .local/test-sqlite.log)"; \
	echo "==> PostgreSQL, $(SITE_TESTS) but the slowest: $$(summary .local/test-postgres-site.log)"; \
	echo "==> PostgreSQL, the slowest and the browser: $$(summary .local/test-postgres-slow.log)"; \
	echo "==> PostgreSQL, the rest: $$(summary .local/test-postgres.log)"; \
	[ $$sqlite_site -eq 0 ] && [ $$sqlite -eq 0 ] && [ $$postgres_site -eq 0 ] \
		&& [ $$postgres_slow -eq 0 ] && [ $$postgres -eq 0 ]

lint: $(VENV)/.installed
	@echo "==> Lint and checks"
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=psgsite.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=psgsite.settings.test $(PY) manage.py makemigrations --check --dry-run

# Known vulnerabilities in any installed package fail the build; the project itself, installed
# in editable mode, is not on PyPI and is left out.
# Fails on a known vulnerability. Where no vulnerability database can be reached (PyPI's JSON
# API or OSV), pip-audit cannot check a single package: that is said plainly rather than passed
# off as a clean audit.
audit: $(VENV)/.installed
	@echo "==> Dependency audit (pip-audit)"
	@out=$$($(VENV)/bin/pip-audit --skip-editable --progress-spinner off --strict 2>&1); status=$$?; \
	echo "$$out"; \
	if [ $$status -ne 0 ] && echo "$$out" | grep -q "could not be audited" \
		&& ! echo "$$out" | grep -q "^Found"; then \
		echo "WARNING: no vulnerability database could be reached: the packages were NOT audited."; \
		exit 0; \
	fi; \
	exit $$status

test-sqlite: $(VENV)/.installed
	@echo "==> Tests on SQLite $(PYTEST_ARGS)"
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed
	@echo "==> Tests on PostgreSQL ($(PG_URL)) $(PYTEST_ARGS)"
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest $(PYTEST_ARGS)

# The Spanish catalogue of the site's own words: brought up to date with the strings the code
# and templates mark (new ones come untranslated, for a translator to fill in), then compiled.
messages: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=psgsite.settings.test $(PY) manage.py makemessages --locale es \
		$(MESSAGES_IGNORE) --no-obsolete --add-location file
	DJANGO_SETTINGS_MODULE=psgsite.settings.test $(PY) manage.py compilemessages --locale es \
		--ignore '.venv/*'

MESSAGES_IGNORE := --ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*' --ignore '.local/*' \
	--ignore 'design/*' --ignore 'templates/wagtailadmin/*' --ignore '*/admin/*'

# PostgreSQL and Redis, for the tests and the benchmark: started (Redis installed) where missing.
databases:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@pg_isready -h 127.0.0.1 -p 5432 -t 30
	@command -v redis-server >/dev/null || { echo "==> Installing Redis"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "==> Starting Redis"; \
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; sleep 1; }

# The suite also needs Debian's chromium, Java (for the HTML validator) and gettext (to check
# that the Spanish catalogue holds every string the site marks).
check-services: databases
	@command -v xgettext >/dev/null || { echo "==> Installing gettext for the translation checks"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; }
	@test -x /usr/bin/chromium || { echo "==> Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@command -v java >/dev/null || { echo "==> Installing Java for the HTML validator"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }

# The site under load as production serves it, on an archive of 10,000 items (bench/README.md);
# not part of `make test`. Options go in BENCH_ARGS: make bench BENCH_ARGS="--rebuild".
# It needs PostgreSQL and Redis, started where they are stopped, and Debian's wrk.
bench: $(VENV)/.installed databases
	@command -v wrk >/dev/null || { echo "==> Installing wrk, the load generator"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(PY) -m bench.run $(BENCH_ARGS)

# One email alert fanned out to 10,000 subscribers and sent to an SMTP sink on loopback
# (bench/README.md); not part of `make test`. On a temporary SQLite file unless told a
# PostgreSQL database of its own: make bench-alerts BENCH_ALERTS_ARGS="--database-url $(PG_URL)_alerts"
bench-alerts: $(VENV)/.installed
	$(PY) -m bench.alerts $(BENCH_ALERTS_ARGS)

# Lighthouse 12 (from the npm registry, run by Node) on one page of each kind, served as production
# serves it with the day-one content; fails below 95 in any category. Not part of `make test`.
lighthouse: $(VENV)/.installed check-services
	$(PY) -m bench.lighthouse

# The README's screenshots (design/screenshots/), taken afresh in chromium.
screenshots: $(VENV)/.installed check-services
	$(PY) design/screenshots.py

clean:
	rm -rf $(VENV) staticfiles
