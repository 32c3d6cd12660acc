"""`prepared_cursor()` (hub/prepared.py): on PostgreSQL the checkout's statements are prepared once per connection,
as PostgreSQL itself reports (pg_prepared_statements); everywhere it is Django's cursor in every other respect."""

import pytest
from django.db import NotSupportedError, OperationalError, ProgrammingError, connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from hub.prepared import prepared_cursor

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL prepares them")
STATEMENT = "SELECT CAST(%s AS integer) + 1 AS hub_prepared_probe"


def prepared_texts() -> list[str]:
    """The statements this connection has prepared, as PostgreSQL lists them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [text for (text,) in cursor.fetchall()]


def probes() -> list[str]:
    return [text for text in prepared_texts() if "hub_prepared_probe" in text]


@pytest.mark.django_db
def test_while_queries_are_logged_they_are_seen_and_not_prepared():
    with CaptureQueriesContext(connection) as queries, prepared_cursor() as cursor:
        cursor.execute(STATEMENT, [41])
        assert cursor.fetchone() == (42,)

    assert ["hub_prepared_probe" in query["sql"] for query in queries.captured_queries] == [True]
    if connection.vendor == "postgresql":
        assert probes() == []


@pytest.mark.django_db
def test_errors_come_as_django_s_own():
    # Django's error translation applies: the driver's error arrives as django.db's class, not psycopg's.
    with pytest.raises(ProgrammingError if connection.vendor == "postgresql" else OperationalError):
        with transaction.atomic(), prepared_cursor() as cursor:
            cursor.execute("SELECT * FROM hub_no_such_table WHERE id = %s", [1])


@on_postgresql
@pytest.mark.django_db
def test_a_statement_is_prepared_once_per_connection():
    for value in (1, 2, 3):
        with prepared_cursor() as cursor:
            cursor.execute(STATEMENT, [value])
            assert cursor.fetchone() == (value + 1,)

    assert probes() == ["SELECT CAST($1 AS integer) + 1 AS hub_prepared_probe"]


@on_postgresql
@pytest.mark.django_db
@override_settings(DB_PREPARED_STATEMENTS=False)
def test_the_setting_turns_preparing_off():
    with prepared_cursor() as cursor:
        cursor.execute(STATEMENT, [1])
        assert cursor.fetchone() == (2,)

    assert probes() == []


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as the other transactional tests
def test_a_statement_outlives_a_migration_that_changes_its_result_type():
    # A migration run from another process changes the type of a column the prepared statement returns.
    # PostgreSQL then refuses the prepared plan ("cached plan must not change result type"); outside a
    # transaction the statement is prepared anew instead of failing until the connection closes.
    import psycopg

    connection.ensure_connection()
    other = psycopg.connect(conninfo=connection.connection.info.dsn, password=connection.settings_dict["PASSWORD"])
    other.autocommit = True
    try:
        other.execute("CREATE TABLE hub_prepared_probe_table (id integer PRIMARY KEY, amount integer)")
        other.execute("INSERT INTO hub_prepared_probe_table VALUES (1, 7)")
        query = "SELECT amount AS hub_prepared_probe FROM hub_prepared_probe_table WHERE id = %s"
        with prepared_cursor() as cursor:
            cursor.execute(query, [1])
            assert cursor.fetchone() == (7,)
        other.execute("ALTER TABLE hub_prepared_probe_table ALTER COLUMN amount TYPE text")

        with prepared_cursor() as cursor:
            cursor.execute(query, [1])
            assert cursor.fetchone() == ("7",)
        assert probes() == [query.replace("%s", "$1")]

        # Inside a transaction it cannot be run again: that transaction fails, and its rollback makes the
        # connection forget its prepared statements, so the next one prepares afresh.
        other.execute("ALTER TABLE hub_prepared_probe_table ALTER COLUMN amount TYPE integer USING amount::integer")
        with pytest.raises(NotSupportedError, match="cached plan must not change result type"):
            with transaction.atomic(), prepared_cursor() as cursor:
                cursor.execute(query, [1])
        with prepared_cursor() as cursor:
            cursor.execute(query, [1])
            assert cursor.fetchone() == (7,)
    finally:
        other.execute("DROP TABLE IF EXISTS hub_prepared_probe_table")
        other.close()
