# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install lint migrate demo serve production bench clean

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v0

demo: migrate
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py ensure_admin

run: demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production-style start: DEBUG=0, gunicorn, static files served by WhiteNoise.
production: migrate
	DEBUG=0 $(BIN)/python manage.py collectstatic --noinput -v0
	DEBUG=0 $(BIN)/gunicorn hub.wsgi:application --bind 127.0.0.1:$(PORT) --workers $${WEB_CONCURRENCY:-2}

# Browser tests run against a live server in transactional tests; each file gets its own run (and test
# database) because a live-server test that follows another transactional test finds the data of the
# migrations flushed (pytest-django's serialized rollback does not restore it before its fixtures run).
test: install
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)
	for file in tests/browser/test_*.py; do $(BIN)/python -m pytest "$$file" $(PYTEST_ARGS) || exit 1; done

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var
