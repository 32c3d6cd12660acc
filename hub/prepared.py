"""`prepared_cursor()`: Django's cursor, but on PostgreSQL its statements are prepared (parsed and planned once).

For the hot statements whose text never changes (the checkout's order, reservation and capture statements,
its pricing read, the test gateway's ledger, the cart's two compiled reads): PostgreSQL spends much of their
CPU parsing and planning the text again on every call, a many-part statement most of all. Prepared, a
connection plans each once and then reuses the plan, as PL/pgSQL does for the statements of a function.

Only these statements are prepared, not every query as `DB_SERVER_SIDE_BINDING` does: bulk inserts of thousands
of rows are slower with server-side binding, and a list page's statements vary with its filters. Behind a pooler
that does not keep prepared statements (in transaction mode, PgBouncer before 1.22 or without
`max_prepared_statements`), set `DB_PREPARED_STATEMENTS=0`; then these run as every other statement does.
"""

import contextlib
from collections.abc import Iterator

from django.conf import settings
from django.db import connection

try:  # psycopg 3 only; with psycopg2 (or on SQLite) nothing is prepared
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg.errors import FeatureNotSupported
    from psycopg.pq import TransactionStatus
except ImportError:  # pragma: no cover
    ServerBindingCursor = None


if ServerBindingCursor is not None:

    class PreparingCursor(ServerBindingCursor):
        """psycopg's server-side binding cursor, preparing every statement at its first run.

        psycopg keeps the prepared statements per connection (up to its `prepared_max`, least recently used
        first out) and keys them by the text and the parameters' types, so a statement is prepared once."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            try:
                return super().execute(query, params, prepare=True, binary=binary)
            except FeatureNotSupported as error:
                # "cached plan must not change result type": since this connection prepared the statement, a
                # migration changed the type of a column it returns. In a transaction the rollback that follows
                # makes psycopg forget its prepared statements; outside one nothing would, and the statement
                # would fail until the connection closed. So forget them (psycopg clears its own list when it
                # sees DEALLOCATE ALL run) and run it once more.
                if self.connection.info.transaction_status != TransactionStatus.IDLE or not _plan_changed(error):
                    raise
                super().execute("DEALLOCATE ALL", prepare=False)
                return super().execute(query, params, prepare=True, binary=binary)


def _plan_changed(error: Exception) -> bool:
    return "cached plan must not change result type" in str(error)


def prepares_statements() -> bool:
    """On PostgreSQL with psycopg 3, unless turned off: `DB_PREPARED_STATEMENTS=0`, or `DB_PREPARE_THRESHOLD=0`
    with server-side binding (a connection whose `prepare_threshold` is None prepares nothing, and a server-side
    binding cursor that does not prepare measured slower than Django's own)."""
    return (
        ServerBindingCursor is not None
        and connection.vendor == "postgresql"
        and getattr(settings, "DB_PREPARED_STATEMENTS", True)
        and connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None
    )


@contextlib.contextmanager
def prepared_cursor() -> Iterator:
    """`connection.cursor()`, whose statements are prepared on PostgreSQL (see the module's docstring).

    Django makes the cursor as it makes every other: health check, time zone, thread check, execute wrappers and
    error translation all apply. Only the class of the driver's cursor differs, chosen through the driver
    connection's `cursor_factory` for this one cursor. While queries are logged (DEBUG, CaptureQueriesContext)
    nothing is prepared, as with `hub.statements`: Django logs a prepared statement's SQL as None."""
    if connection.queries_logged or not prepares_statements():
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with preparing(connection):
        cursor = connection.cursor()
    with cursor:
        yield cursor


@contextlib.contextmanager
def preparing(connection) -> Iterator[None]:
    """The driver cursors made meanwhile on this (open) connection prepare their statements: its cursor factory
    swapped for the time being, so that Django makes them as it makes every other (`create_cursor`)."""
    driver = connection.connection
    usual = driver.cursor_factory
    driver.cursor_factory = PreparingCursor
    try:
        yield
    finally:
        driver.cursor_factory = usual
