"""Rows read by our own queries, put where Django's `prefetch_related` puts them.

Several reads load a parent's children with one plain query of their own (cheaper than Django's prefetch
machinery, and for modelcluster's ParentalKey relations much cheaper); `instance.<name>.all()` must then
serve those rows without another query. This is the one place that knows where they go.
"""


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
