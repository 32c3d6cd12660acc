"""Configuration comes from the environment; the defaults are the embedded run mode."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_settings_probe(env_overrides: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    """Import the real settings in a fresh interpreter with the given environment, and print an expression."""
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DEBUG", "SECRET_KEY"}}
    env |= {"DJANGO_SETTINGS_MODULE": "hub.settings.base", **env_overrides}
    code = f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


def test_defaults_are_sqlite_database_search_and_local_memory_cache():
    result = run_settings_probe(
        {},
        "s.DATABASES['default']['ENGINE'], s.WAGTAILSEARCH_BACKENDS['default']['BACKEND'],"
        " s.CACHES['default']['BACKEND'], str(s.DATABASES['default']['NAME']).endswith('var/hub.sqlite3')",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "django.db.backends.sqlite3 wagtail.search.backends.database django.core.cache.backends.locmem.LocMemCache True"
    )


def test_services_are_chosen_by_their_urls():
    result = run_settings_probe(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/somewhere",
            "ELASTICSEARCH_URL": "http://127.0.0.1:9200",
            "REDIS_URL": "redis://127.0.0.1:6379/1",
        },
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'],"
        " s.WAGTAILSEARCH_BACKENDS['default']['BACKEND'], s.CACHES['default']['BACKEND']",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "django.db.backends.postgresql somewhere wagtail.search.backends.elasticsearch9 "
        "django.core.cache.backends.redis.RedisCache"
    )


def test_production_mode_refuses_the_development_secret_key():
    result = run_settings_probe({"DEBUG": "0"}, "s.DEBUG")
    assert result.returncode != 0
    assert "DEBUG=0 needs a SECRET_KEY of your own" in result.stderr


def test_production_mode_runs_with_its_own_secret_and_no_debug():
    result = run_settings_probe(
        {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "shop.example.com"}, "s.DEBUG, s.ALLOWED_HOSTS"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['shop.example.com']"


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_malformed_boolean_is_a_clear_error(value):
    result = run_settings_probe({"DEBUG": value}, "s.DEBUG")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """Short OLTP queries must not pay for JIT compilation (see the DATABASES comment in settings)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        # Django's cursors bind on the client and never prepare: a threshold alone prepares only hub/prepared.py's.
        ({}, "None 5 True"),
        ({"DB_PREPARED_STATEMENTS": "0"}, "None None False"),
        ({"DB_SERVER_SIDE_BINDING": "1"}, "True 5 True"),
        ({"DB_SERVER_SIDE_BINDING": "1", "DB_PREPARE_THRESHOLD": "0"}, "True None True"),
    ],
)
def test_server_side_binding_is_opt_in_and_the_checkout_s_statements_are_prepared(environment, expected):
    result = run_settings_probe(
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/hub", **environment},
        "s.DATABASES['default']['OPTIONS'].get('server_side_binding'),"
        " s.DATABASES['default']['OPTIONS'].get('prepare_threshold'), s.DB_PREPARED_STATEMENTS",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"FEEDS_GZIP_LEVEL": "10"}, "FEEDS_GZIP_LEVEL must be from 0 to 9, got 10"),
        ({"FEEDS_GZIP_LEVEL": "-1"}, "FEEDS_GZIP_LEVEL must be from 0 to 9, got -1"),
        ({"FEEDS_CHUNK_SIZE": "0"}, "FEEDS_CHUNK_SIZE must be at least 1, got 0"),
        (
            {
                "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/hub",
                "DB_SERVER_SIDE_BINDING": "1",
                "DB_PREPARE_THRESHOLD": "-1",
            },
            "DB_PREPARE_THRESHOLD must be at least 0, got -1",
        ),
    ],
)
def test_a_number_out_of_range_is_refused_at_start_up(environment, message):
    result = run_settings_probe(environment, "s.FEEDS_GZIP_LEVEL")
    assert result.returncode != 0
    assert message in result.stderr


def test_numbers_in_range_are_taken():
    result = run_settings_probe(
        {"FEEDS_GZIP_LEVEL": "9", "FEEDS_CHUNK_SIZE": "1"}, "s.FEEDS_GZIP_LEVEL, s.FEEDS_CHUNK_SIZE"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "9 1"


@pytest.mark.parametrize(("value", "expected"), [(None, "None"), ("1", "True"), ("0", "False")])
def test_feeds_read_ahead_is_automatic_unless_set(value, expected):
    result = run_settings_probe({} if value is None else {"FEEDS_PREFETCH": value}, "s.FEEDS_PREFETCH")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
