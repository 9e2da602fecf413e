PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint bench vendor lock lock-check

# DEBUG is off unless set (production mode); the local run and the tests turn it on.
run test: export DEBUG ?= true
# Links in the mail that make run sends point at the address it serves.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)

# Installs exactly the locked versions, each checked against its hash; `make lock` writes the locks.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The locks resolve against the public index alone, whatever index this machine's pip is set to.
PIP_COMPILE := env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null \
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --all-build-deps \
	--no-emit-index-url --no-emit-find-links --no-header --annotation-style=line $(PIP_COMPILE_ARGS)

# Rewrite the locks after a change to pyproject.toml; keeps every version it can, upgrades none.
lock: $(VENV)/.installed
	$(PIP_COMPILE) --output-file requirements.txt pyproject.toml
	$(PIP_COMPILE) --extra dev --constraint requirements.txt --output-file requirements-dev.txt pyproject.toml

# Fails when pyproject.toml asks for something the locks do not hold (CI runs it).
lock-check: $(VENV)/.installed
	rm -rf .lock-check && mkdir .lock-check && cp requirements.txt requirements-dev.txt .lock-check/
	$(PIP_COMPILE) --output-file .lock-check/requirements.txt pyproject.toml
	$(PIP_COMPILE) --extra dev --constraint requirements.txt \
		--output-file .lock-check/requirements-dev.txt pyproject.toml
	diff -u requirements.txt .lock-check/requirements.txt \
		&& diff -u requirements-dev.txt .lock-check/requirements-dev.txt \
		|| { echo "The locks are stale: run make lock and commit requirements*.txt" >&2; exit 1; }
	rm -rf .lock-check

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py send_reminders
	@echo
	@echo "  Partnerships: http://127.0.0.1:$(PORT)/"
	@echo "  Sign in as demo / demo (brand manager), finance / finance (approves and pays"
	@echo "  statements) or agency / agency (staff of both demo brands, also in /admin/)."
	@echo "  Links in e-mails point at $(SITE_URL)/."
	@echo "  Creator portal: creator / creator (influencer Lucía Fernández), http://127.0.0.1:$(PORT)/portal/"
	@echo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The DESIGN §8 benchmark against a fresh PostgreSQL database (BENCH_DATABASE_URL); not part of test.
bench: $(VENV)/.installed
	$(BIN)/python -m tests.benchmarks.bench

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Refresh the vendored front-end libraries from the npm registry (no CDN at run time).
vendor:
	rm -rf .vendor-tmp && mkdir .vendor-tmp
	cd .vendor-tmp && npm pack --silent bootstrap@5.3.9 htmx.org@2.0.11 chart.js@4.6.1 \
		&& for f in *.tgz; do mkdir -p "$${f%.tgz}" && tar xzf "$$f" -C "$${f%.tgz}"; done
	cp .vendor-tmp/bootstrap-5.3.9/package/dist/css/bootstrap.min.css* \
		.vendor-tmp/bootstrap-5.3.9/package/dist/js/bootstrap.bundle.min.js* \
		.vendor-tmp/bootstrap-5.3.9/package/LICENSE static/vendor/bootstrap/
	cp .vendor-tmp/htmx.org-2.0.11/package/dist/htmx.min.js \
		.vendor-tmp/htmx.org-2.0.11/package/LICENSE static/vendor/htmx/
	cp .vendor-tmp/chart.js-4.6.1/package/dist/chart.umd.min.js* \
		.vendor-tmp/chart.js-4.6.1/package/LICENSE.md static/vendor/chartjs/
	rm -rf .vendor-tmp
