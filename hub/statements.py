"""Queries compiled once and run again with other values (the plain-row loader's and the list pages' reads).

Building and compiling a queryset costs far more than running a short statement: the nine statements of a
20-product API page run in about 0.7 ms through a cursor and took 10–14 ms as querysets. These statements
differ between calls only in a few values (the product ids, which the `in_ids` lookup binds as one
parameter; the time a page is read at; a cursor's position), so each is compiled once per key and database
connection, with marker values standing in for those, and then run with the real values bound where the
markers were. Django's own converters still turn the columns into Python values, so the rows are exactly
what `values_list()` would give.
"""

import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

from hub.lookups import ids_parameter

# Compiled statements kept per connection. The loader's keys are few; list pages have one per filter
# combination, which callers can make up at will, so the oldest go once there are this many.
MAX_STATEMENTS = 256
_MARKER_BASE = -7_340_033  # no row has such an id, price or position


class Ids(tuple):
    """Ids bound as one parameter (the `in_ids` lookup): `Ids(ids)` among a statement's values."""


# Per connection object (one per thread): a compiler holds its connection.
_compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class _Statement:
    compiler: SQLCompiler
    sql: str
    params: tuple
    slots: tuple[tuple[int, int], ...]  # (parameter position, index of the value bound there)
    converters: dict  # what Django applies to each column (JSON, decimals, dates on SQLite …), looked up once

    def rows(self, values: tuple) -> list[tuple]:
        connection = self.compiler.connection
        bound = [_adapt(value, connection) for value in values]
        params = list(self.params)
        for position, index in self.slots:
            params[position] = bound[index]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        if not self.converters:
            return fetched
        return [tuple(row) for row in self.compiler.apply_converters(fetched, self.converters)]


def rows_for(key: tuple | None, build: Callable[..., QuerySet], *values: Any) -> list[tuple]:
    """The rows of `build(*values)`, a `values_list()` queryset that is the same for every call with this
    key but for `values` (ids as `Ids`, ints, floats, strings, datetimes); compiled on first use. A key of
    None compiles for this call only (for a query whose build reads other data, which may change)."""
    connection = connections[DEFAULT_DB_ALIAS]
    statements = _compiled.setdefault(connection, OrderedDict())
    statement = statements.get(key) if key is not None else None
    if statement is None:
        statement = _compile(build, values, connection)
        if key is not None:
            statements[key] = statement
            if len(statements) > MAX_STATEMENTS:
                statements.popitem(last=False)
    return statement.rows(values)


def rows_for_ids(key: tuple, build: Callable[[list[int]], QuerySet], ids: Iterable[int]) -> list[tuple]:
    """The rows of `build(ids)`, a `values_list()` queryset filtered with `__in_ids=ids` and otherwise the
    same for every call with this key."""
    return rows_for(key, lambda marked: build(list(marked)), Ids(ids))


def _marker(value: Any, index: int) -> Any:
    """A value of the same type that no real call uses, so its place among the parameters can be found."""
    number = _MARKER_BASE - index
    if isinstance(value, Ids):
        return Ids((number,))
    if isinstance(value, bool):
        raise TypeError("Booleans are not bound: key the statement on them.")
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
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _compile(build: Callable[..., QuerySet], values: tuple, connection) -> _Statement:
    markers = [_marker(value, index) for index, value in enumerate(values)]
    queryset = build(*markers)
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    adapted = [_adapt(marker, connection) for marker in markers]
    slots = tuple(
        (position, adapted.index(param))
        for position, param in enumerate(params)
        if any(param == marker and type(param) is type(marker) for marker in adapted)
    )
    missing = set(range(len(values))) - {index for _, index in slots}
    if missing:
        # A lookup that changes its value (LIKE patterns, say) hides the marker: key on such values instead.
        raise ValueError(f"Values {sorted(missing)} do not reach the statement as plain parameters.")
    # What `compiler.results_iter()` does for each call of a queryset, done here once.
    fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
    if compiler.has_composite_fields(fields):
        raise ValueError("Composite primary keys are not supported here.")
    converters = compiler.get_converters(fields)
    return _Statement(compiler=compiler, sql=sql, params=tuple(params), slots=slots, converters=converters)
