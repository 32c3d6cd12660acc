"""Rows read by our own queries, made into instances and put where Django's `prefetch_related` puts them.

Several reads load a parent's children with one plain query of their own (cheaper than Django's prefetch
machinery, and for modelcluster's ParentalKey relations much cheaper); `instance.<name>.all()` must then
serve those rows without another query. This is the one place that knows where they go. Such a query may
also read a related row in the same `values_list()` (`columns(Model, "rel__")`); `instance_from` makes
the instance from its part of the row, as Django would.
"""

from django.db import DEFAULT_DB_ALIAS


def columns(model, prefix: str = "") -> tuple[str, ...]:
    """Every concrete column of the model, in the order `instance_from` takes them (`prefix` for a join)."""
    return tuple(f"{prefix}{field.attname}" for field in model._meta.concrete_fields)


def instance_from(model, row: tuple, start: int = 0):
    """The model instance whose `columns(model)` begin at `row[start]`."""
    names = columns(model)
    return model.from_db(DEFAULT_DB_ALIAS, names, row[start : start + len(names)])


def cache_related(instance, name: str, model, scope: dict, rows: list) -> None:
    """Make `instance.<name>.all()` return `rows`.

    `scope` is the relation's filter (e.g. `{"cart": cart}`): the cached queryset keeps it, applied lazily,
    so a further `.filter()` on it stays within the instance's rows.
    """
    queryset = model._default_manager.get_queryset()
    queryset._deferred_filter = (False, (), scope)  # what `.filter(**scope)` defers, without cloning the query
    queryset._result_cache = rows
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset
