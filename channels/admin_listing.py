"""Reusable pieces for the product listing in the admin: a readiness badge column and a "not ready" filter.

The catalog's ProductViewSet wires them in (see the channels README section of the report):
    list_display = [..., ChannelReadinessColumn()]
    filterset_class = a FilterSet that mixes in ChannelReadinessFilterSetMixin
"""

import django_filters
from wagtail.admin.ui.tables import Column

from channels.models import Channel
from channels.readiness import not_ready_for, readiness_for_products


class ChannelReadinessColumn(Column):
    """One badge per active channel: “Google 100%”, “Amazon 60%”, or “Meta –” when not listed there.

    Reads the stored completeness of the whole page in one query (and the channels in one more), the first
    time a cell of the table is rendered, so it needs nothing from the viewset's queryset.
    """

    cell_template_name = "channels/admin/readiness_cell.html"

    def __init__(self, name="channel_readiness", label="Channels", **kwargs):
        super().__init__(name, label=label, **kwargs)

    def get_value(self, instance):
        return None

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        channels, readiness = self._page_readiness(parent_context)
        rows = readiness.get(instance.pk, {})
        context["badges"] = [badge(channel, rows.get(channel.pk)) for channel in channels]
        return context

    def _page_readiness(self, parent_context):
        table = parent_context.get("table")
        cached = getattr(table, "_channel_readiness", None)
        if cached is None:
            product_ids = [row.pk for row in (table.data if table is not None else [])]
            cached = (list(Channel.objects.filter(active=True).order_by("name")), readiness_for_products(product_ids))
            if table is not None:
                table._channel_readiness = cached
        return cached


def badge(channel: Channel, row) -> dict:
    """What a readiness badge shows; `row` is the stored ChannelCompleteness or None when not listed."""
    if row is None:
        return {"label": f"{channel.name} –", "state": "unlisted", "title": f"Not listed on {channel.name}"}
    state = "ready" if row.error_count == 0 else "not-ready"
    errors = f"{row.error_count} error{'s' if row.error_count != 1 else ''}"
    return {"label": f"{channel.name} {row.percent}%", "state": state, "title": errors}


class NotReadyForChannelFilter(django_filters.ModelChoiceFilter):
    """Products whose listing on the chosen channel has completeness errors (a query on stored results)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Not ready for channel")
        kwargs.setdefault("queryset", Channel.objects.filter(active=True).order_by("name"))
        kwargs.setdefault("to_field_name", "code")
        super().__init__(**kwargs)

    def filter(self, queryset, value):
        if not value:
            return queryset
        return not_ready_for(queryset, value)


class ChannelReadinessFilterSetMixin(django_filters.FilterSet):
    """Mix into the product listing's FilterSet: adds `?not_ready_for=<channel code>`."""

    not_ready_for = NotReadyForChannelFilter()
