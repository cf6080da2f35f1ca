# iDare: `make run` to read the site locally, `make test` to check everything.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: run serve test fuzz lint bench loadtest setup lock chromium check-deploy clean

PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check

# The exact versions CI, the Docker image and every laptop install: requirements.lock (what the site
# runs on) and requirements-test.lock (that plus the test tools), both made from pyproject.toml.
$(BIN)/.installed: pyproject.toml requirements-test.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -r requirements-test.lock
	$(PIP) install --no-deps -e .
	$(BIN)/python -m pip check >/dev/null || { $(BIN)/python -m pip check; \
	  echo "requirements-test.lock does not match pyproject.toml: run 'make lock' and commit the lock files"; exit 1; }
	touch $@

setup: $(BIN)/.installed

# Pins what pyproject.toml asks for, with the hashes of every file, keeping the versions already
# locked where they still fit (LOCK_FLAGS=--upgrade moves everything to the newest). The runtime lock
# is held to the test lock's versions, so the image runs exactly what CI tested. About a minute.
COMPILE = $(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --generate-hashes \
	--allow-unsafe $(LOCK_FLAGS)
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/pip-compile || $(PIP) install pip-tools
	$(COMPILE) --extra test --output-file requirements-test.lock pyproject.toml
	$(COMPILE) --constraint requirements-test.lock --output-file requirements.lock pyproject.toml

# Local development: DEBUG on, SQLite unless DATABASE_URL says otherwise. Outgoing e-mail is kept
# as files in var/mail/ (never printed to the log).
run: export DJANGO_DEBUG := 1
run: export DJANGO_EMAIL_BACKEND := file
run: export IDARE_DEMO := 1
run: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) import_content
	$(MANAGE) runserver 127.0.0.1:8000

# Production-like over plain HTTP: DEBUG off, gunicorn, collected static files, a local secret.
.secret_key:
	umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

serve: export DJANGO_DEBUG := 0
.encryption_key:
	umask 077 && $(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' > $@

serve: export DJANGO_SECRET_KEY = $(shell cat .secret_key)
serve: export IDARE_ENCRYPTION_KEYS ?= $(shell cat .encryption_key)
serve: export DJANGO_SECURE_SSL_REDIRECT := 0
serve: export DJANGO_SECURE_HSTS_SECONDS := 0
serve: export DJANGO_SECURE_COOKIES := 0
serve: export DJANGO_SERVE_MEDIA := 1
serve: export DJANGO_EMAIL_BACKEND := file
serve: export IDARE_DEMO ?= 1
# On a local server every visitor is one network (127.0.0.1): the daily bound on what one network adds
# to an article's counts would stop counting after the third visitor. Set them to try the bound.
serve: export IDARE_UPVOTE_COUNT_RATE ?= off
serve: export IDARE_SHARE_COUNT_RATE ?= off
# Searches are counted per network too: here, for every local visitor together (the cache answers
# repeated ones uncounted), so the bound is ten times production's.
serve: export IDARE_SEARCH_RATE ?= 300/minute
serve: export SITE_URL ?= http://127.0.0.1:$(PORT)
serve: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: setup .secret_key .encryption_key
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) migrate --noinput
	$(MANAGE) import_content
	exec $(BIN)/gunicorn idare.wsgi --config gunicorn.conf.py --bind 127.0.0.1:$(PORT)

# Installs Debian's Chromium for the browser tests when it is missing and this machine allows it.
chromium:
	@bin/ensure-chromium

# Every core (pytest-xdist): each worker has its own test database, media folder and ports; tests that
# share one outside resource (a Redis database they flush) carry the same xdist_group and run in turn.
TEST_WORKERS ?= auto
test: setup chromium
	$(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup

# The form fuzzers, longer and at random (`make test` and CI try the same 30 examples each, every run):
# FUZZ_EXAMPLES per form (200), from a seed it prints first; FUZZ_SEED=<that seed> draws the same again.
fuzz: setup
	@seed=$${FUZZ_SEED:-$$($(BIN)/python -c 'import secrets; print(secrets.randbelow(2**32))')}; \
	echo "make fuzz: seed $$seed (again: make fuzz FUZZ_SEED=$$seed)"; \
	$(BIN)/pytest -p no:cacheprovider tests/test_fuzz_forms.py --hypothesis-profile=fuzz \
	  --hypothesis-seed=$$seed --hypothesis-show-statistics; \
	status=$$?; echo "make fuzz: seed $$seed"; exit $$status

lint: setup
	$(BIN)/ruff check .
	DJANGO_DEBUG=1 $(MANAGE) makemigrations --check --dry-run
	DJANGO_DEBUG=1 $(MANAGE) check_template_text

# The deployment checklist, with production's variables (a made-up secret and host).
check-deploy: setup
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	IDARE_ENCRYPTION_KEYS="$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
	DJANGO_ALLOWED_HOSTS=idare.example SITE_URL=https://idare.example DJANGO_EMAIL_HOST=smtp.idare.example \
	$(MANAGE) check --deploy --fail-level WARNING

# The CPU time of the costliest Markdown (bench/markdown_cost.py), then the site under load next to the ceilings of its stack and of the machine; writes docs/PERFORMANCE.md.
# Knobs (BENCH_DURATION, BENCH_ROUNDS, BENCH_ARCHIVES, ...) are described in bench/knobs.py.
bench: setup chromium
	$(BIN)/python -m bench.markdown_cost
	$(BIN)/python -m bench.run

# Mixed traffic (reads, searches, votes, shares, enquiries) at a steady rate against `make serve` on
# PostgreSQL (database idare_loadtest, rate limits off); checks the counts afterwards and writes its
# section of docs/PERFORMANCE.md. Knobs: LOADTEST_DURATION (60 s), LOADTEST_RATE (50/s), LOADTEST_PORT.
loadtest: setup
	$(BIN)/python -m bench.loadtest

clean:
	rm -rf $(VENV) staticfiles media var db.sqlite3 .secret_key .encryption_key
