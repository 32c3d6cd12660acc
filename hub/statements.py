"""Queries compiled once and run again with other ids (the plain-row loader's statements).

Building and compiling a queryset costs far more than running a short statement: the nine statements of a
20-product API page run in about 0.7 ms through a cursor and took 10–14 ms as querysets. The loader's
statements differ only in their product ids, which the `in_ids` lookup binds as one parameter, so each is
compiled once per key (relation and scope, e.g. channel and language) and database connection, then run
with new ids. Django's own converters still turn the columns into Python values, so the rows are exactly
what `values_list()` would give.
"""

import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

from hub.lookups import ids_parameter

_MARKER_IDS = (-7_340_033,)  # no row has this id: it marks the ids parameter in the compiled statement

# Per connection object (one per thread): a compiler holds its connection.
_compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class _Statement:
    compiler: SQLCompiler
    sql: str
    params: tuple
    ids_at: int  # the position of the ids parameter
    converters: dict  # what Django applies to each column (JSON, decimals, dates on SQLite …), looked up once

    def rows(self, ids: Iterable[int]) -> list[tuple]:
        params = list(self.params)
        params[self.ids_at] = ids_parameter(ids, self.compiler.connection.vendor)
        with self.compiler.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        if not self.converters:
            return fetched
        return [tuple(row) for row in self.compiler.apply_converters(fetched, self.converters)]


def rows_for_ids(key: tuple, build: Callable[[list[int]], QuerySet], ids: Iterable[int]) -> list[tuple]:
    """The rows of `build(ids)`, a `values_list()` queryset filtered with `__in_ids=ids` and otherwise the
    same for every call with this key; compiled on first use."""
    connection = connections[DEFAULT_DB_ALIAS]
    statements = _compiled.setdefault(connection, {})
    statement = statements.get(key)
    if statement is None:
        statement = statements[key] = _compile(build(list(_MARKER_IDS)))
    return statement.rows(ids)


def _compile(queryset: QuerySet) -> _Statement:
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    marker = ids_parameter(_MARKER_IDS, compiler.connection.vendor)
    positions = [index for index, param in enumerate(params) if param == marker]
    if len(positions) != 1:
        raise ValueError("The statement must filter on exactly one `__in_ids` list.")
    # What `compiler.results_iter()` does for each call of a queryset, done here once.
    fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
    if compiler.has_composite_fields(fields):
        raise ValueError("Composite primary keys are not supported here.")
    converters = compiler.get_converters(fields)
    return _Statement(compiler=compiler, sql=sql, params=tuple(params), ids_at=positions[0], converters=converters)
