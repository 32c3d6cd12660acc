"""Statements compiled once and run again with other values: the hot paths' reads, updates and inserts.

Building and compiling a queryset costs far more than running a short statement: the nine statements of a
20-product API page run in about 0.7 ms through a cursor and took 10–14 ms as querysets, and about half of
a checkout's CPU went into building its queries. These statements differ between calls only in a few values
(product ids, which the `in_ids` lookup binds as one parameter; the time a page is read at; a cursor's
position; a cart's id), so each is compiled once per key and database connection, with marker values
standing in for those, and then run with the real values bound where the markers were. The SQL, the
values' adaptation and the columns' converters are Django's (applied a column at a time, some by faster
equivalents: `hub.converters`); only the per-call work is gone. A read runs
on the driver's own cursor unless someone watches the queries (`_Statement.fetch_rows`).

- `rows_for(key, build, *values)`: the rows of a `values_list()` queryset, converted as Django converts them;
- `update_for(key, build, *values)`: `queryset.update(**changes)` of the `(queryset, changes)` that `build`
  returns, and the number of rows it changed;
- `insert(objs)`: new model instances written in one INSERT … RETURNING, their pks set as bulk_create sets them.

A value is an int, a float, a str, a datetime, `Ids(...)` or `Texts(...)`; whatever does not vary between calls (a
status, `Now()`, the filters a page was asked for) belongs to the statement and so to its key.
"""

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX
from django.db.models import Model, QuerySet
from django.db.models.sql import UpdateQuery
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError

from hub.converters import column_converters, convert_rows
from hub.lookups import ids_parameter, texts_parameter
from hub.prepared import prepares_statements, preparing

# Compiled statements kept per connection. The loader's and the checkout's keys are few; list pages have one
# per filter combination, which callers can make up at will, so the least recently used go past this many.
MAX_STATEMENTS = 256
_MARKER_BASE = -7_340_033  # no row has such an id, price or position


class Ids(tuple):
    """Ids bound as one parameter (the `in_ids` lookup): `Ids(ids)` among a statement's values."""


class Texts(tuple):
    """Strings bound as one parameter (the `in_texts` lookup): `Texts(skus)` among a statement's values."""


@dataclass(frozen=True, slots=True)
class _Statement:
    sql: str
    params: tuple
    # (parameter position, index of the value bound there, the type the parameter had, if a wrapper of the
    # value's: psycopg's Int4 for an integer Value(), say, which tells PostgreSQL its type)
    slots: tuple[tuple[int, int, type | None], ...]
    compiler: SQLCompiler | None = None  # a read's, for its converters
    converters: tuple = ()  # what Django applies to each column (JSON, decimals …): `hub.converters`
    for_update: bool = False  # SELECT … FOR UPDATE: locks held only until a transaction commits
    native_sql: str = ""  # the SQL in the driver's own parameter style (SQLite's ?), for `fetch_rows`

    def execute(self, cursor, values: tuple) -> None:
        cursor.execute(self.sql, self.bind(cursor.db, values))

    def bind(self, connection, values: tuple) -> list:
        """The statement's parameters with these values where the markers were."""
        if self.for_update and connection.get_autocommit():
            # A lock outside a transaction would end at once. Django refuses it when it compiles such a queryset;
            # compiled once, the statement refuses it on every run (on every database, SQLite included).
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        bound = [_adapt(value, connection) for value in values]
        params = list(self.params)
        for position, index, wrapper in self.slots:
            params[position] = bound[index] if wrapper is None else wrapper(bound[index])
        return params

    def fetch_rows(self, connection, values: tuple, *, prepare: bool = False) -> list:
        """The statement's rows, unconverted.

        Through the driver's own cursor when no one watches the queries: Django's cursor wrapper rewrites the
        SQL's placeholders on every call (a regular expression over the whole text, on SQLite) and adds
        three layers of calls, together about a tenth of a 20-product API page, for a statement whose text
        never changes. What Django checks before a query (health check, thread, broken transaction) and its
        error translation still run. With DEBUG, CaptureQueriesContext or an execute wrapper (the tests'
        query counts, the debug toolbar), Django's cursor runs it, so every query is seen as before.
        `prepare`: on PostgreSQL the statement is prepared (`hub.prepared`), for the checkout's reads.
        """
        if connection.queries_logged or connection.execute_wrappers:
            with connection.cursor() as cursor:
                self.execute(cursor, values)
                return cursor.fetchall()
        params = self.bind(connection, values)
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        connection.validate_thread_sharing()
        connection.validate_no_broken_transaction()
        with connection.wrap_database_errors:
            cursor = _driver_cursor(connection, prepare)
            try:
                cursor.execute(self.native_sql, params)
                return cursor.fetchall()
            finally:
                cursor.close()


@dataclass(frozen=True, slots=True)
class _Insert:
    sql: str
    fields: tuple  # the concrete fields written, in the statement's column order


def rows_for(key: Hashable | None, build: Callable[..., QuerySet], *values: Any, prepare: bool = False) -> list[tuple]:
    """The rows of `build(*values)`, a `values_list()` queryset that is the same for every call with this
    key but for `values`; compiled on first use. A key of None compiles for this call only (for a query
    whose build reads other data, which may change). `prepare`: PostgreSQL plans the statement once per
    connection (`hub.prepared`; for a few hot statements of plain parameters, such as the checkout's)."""
    connection = connections[DEFAULT_DB_ALIAS]
    statement = _prepared(connection, key, lambda *markers: _compile_select(build(*markers)), values)
    rows = statement.fetch_rows(connection, values, prepare=prepare)
    return convert_rows(rows, statement.converters)


def rows_for_ids(key: Hashable, build: Callable[[list[int]], QuerySet], ids: Iterable[int]) -> list[tuple]:
    """The rows of `build(ids)`, a `values_list()` queryset filtered with `__in_ids=ids` and otherwise the
    same for every call with this key."""
    return rows_for(key, lambda marked: build(list(marked)), Ids(ids))


def update_for(key: Hashable, build: Callable[..., tuple[QuerySet, dict[str, Any]]], *values: Any) -> int:
    """`queryset.update(**changes)` where `build(*values)` returns `(queryset, changes)`: the number of rows
    changed."""
    connection = connections[DEFAULT_DB_ALIAS]
    statement = _prepared(connection, key, lambda *markers: _compile_update(*build(*markers)), values)
    with connection.cursor() as cursor:
        statement.execute(cursor, values)
        return cursor.rowcount


def insert(objs: list[Model]) -> list[Model]:
    """Write new instances of one model (pk unset) in one INSERT … RETURNING pk, as bulk_create does: field
    defaults and `auto_now_add` apply, no signals are sent. Related instances must be saved first."""
    if not objs:
        return objs
    model = type(objs[0])
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.features.can_return_rows_from_bulk_insert:
        return model._default_manager.bulk_create(objs)
    statements = _statements(connection)
    key = ("insert", model, len(objs))
    statement = _kept(statements, key)
    if statement is None:
        statement = _keep(statements, key, _compile_insert(connection, model, len(objs)))
    # What bulk_create does per value: `auto_now_add` and the like (pre_save), then the field's adaptation.
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection) for obj in objs for field in statement.fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        pks = cursor.fetchall()
    for obj, (pk,) in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


# ---- compiling ---------------------------------------------------------------------------------------


def _statements(connection) -> OrderedDict:
    """The statements compiled on this connection (one per thread), kept on it so they go with it."""
    try:
        return connection._hub_statements
    except AttributeError:
        connection._hub_statements = OrderedDict()
        return connection._hub_statements


def _kept(statements: OrderedDict, key: Hashable):
    """The statement kept for this key, now the most recently used (the least recently used go first)."""
    statement = statements.get(key)
    if statement is not None:
        statements.move_to_end(key)
    return statement


def _keep(statements: OrderedDict, key: Hashable, statement):
    statements[key] = statement
    if len(statements) > MAX_STATEMENTS:
        statements.popitem(last=False)
    return statement


def _prepared(connection, key: Hashable | None, compile_with: Callable[..., tuple], values: tuple) -> _Statement:
    statements = _statements(connection)
    statement = _kept(statements, key) if key is not None else None
    if statement is not None:
        return statement
    markers = [_marker(value, index) for index, value in enumerate(values)]
    sql, params, compiler, converters = compile_with(*markers)
    for_update = compiler is not None and compiler.query.select_for_update
    adapted = [_adapt(marker, connection) for marker in markers]
    slots = tuple(
        (position, index, None if type(param) is type(marker) else type(param))
        for position, param in enumerate(params)
        for index, marker in enumerate(adapted)
        if isinstance(param, type(marker)) and param == marker
    )
    missing = set(range(len(values))) - {index for _, index, _ in slots}
    if missing:
        # A lookup that changes its value (LIKE patterns, say) hides the marker: key on such values instead.
        raise ValueError(f"Values {sorted(missing)} do not reach the statement as plain parameters.")
    statement = _Statement(sql, tuple(params), slots, compiler, converters, for_update, _native(sql, connection))
    return _keep(statements, key, statement) if key is not None else statement


def _driver_cursor(connection, prepare: bool = False):
    """A cursor of the database driver itself, set up as Django sets up its own (PostgreSQL's time zone)."""
    if connection.vendor == "sqlite":
        return connection.connection.cursor()  # Django's SQLite cursor would rewrite the placeholders again
    if prepare and prepares_statements():
        with preparing(connection):
            return connection.create_cursor()
    return connection.create_cursor()


def _native(sql: str, connection) -> str:
    """Django's SQL in the driver's parameter style: SQLite's cursor wrapper turns %s into ? on every call."""
    if connection.vendor == "sqlite":
        return FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")
    return sql


def _marker(value: Any, index: int) -> Any:
    """A value of the same type that no real call uses, so its place among the parameters can be found."""
    number = _MARKER_BASE - index
    if isinstance(value, Ids):
        return Ids((number,))
    if isinstance(value, Texts):
        return Texts((f"\x1fmarker {index}\x1f",))
    if isinstance(value, bool):
        raise TypeError("Booleans are not bound (another True or 1 may be a parameter): key on them.")
    if isinstance(value, int):
        return number
    if isinstance(value, float):
        return number + 0.25
    if isinstance(value, str):
        return f"\x1fmarker {index}\x1f"
    if isinstance(value, datetime):
        return datetime(1901, 2, 3, 4, 5, 6, index + 1, tzinfo=UTC)
    raise TypeError(f"Cannot bind a {type(value).__name__} in a compiled statement.")


def _adapt(value: Any, connection) -> Any:
    """The parameter Django's lookups would send for this value."""
    if isinstance(value, Ids):
        return ids_parameter(value, connection.vendor)
    if isinstance(value, Texts):
        return texts_parameter(value, connection.vendor)
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _compile_select(queryset: QuerySet) -> tuple:
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    # What `compiler.results_iter()` does for each call of a queryset, done here once.
    fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
    if compiler.has_composite_fields(fields):
        raise ValueError("Composite primary keys are not supported here.")
    return sql, params, compiler, column_converters(compiler.get_converters(fields), compiler.connection)


def _compile_update(queryset: QuerySet, changes: dict[str, Any]) -> tuple:
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(changes)
    sql, params = query.get_compiler(using=queryset.db).as_sql()
    return sql, params, None, ()


def _compile_insert(connection, model: type[Model], rows: int) -> _Insert:
    opts = model._meta
    fields = tuple(field for field in opts.concrete_fields if field is not opts.pk and not field.generated)
    quote = connection.ops.quote_name
    row = f"({', '.join(['%s'] * len(fields))})"
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(field.column) for field in fields)}) "  # noqa: S608 (names are the model's, values are parameters)
        f"VALUES {', '.join([row] * rows)} RETURNING {quote(opts.pk.column)}"
    )
    return _Insert(sql, fields)
