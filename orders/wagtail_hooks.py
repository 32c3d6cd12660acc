"""Orders in the Wagtail admin: a read-only listing with filters, search and export, a detail page with the
status actions (Customer service), and the channels' flat shipping rates."""

import django_filters
from django import forms
from django.urls import path
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from orders.models import Order, OutboxEvent, ShippingRate
from orders.selectors import orders_not_captured
from orders.views import OrderDetailView, OrderStatusView

EXPORT_FIELDS = [
    "order_id",
    "channel",
    "status",
    "customer_email",
    "currency",
    "subtotal",
    "shipping_total",
    "discount_total",
    "tax_total",
    "total",
    "created_at",
]


class OrderFilterSet(WagtailFilterSet):
    """The listing's filters: channel, status, date, and the orders whose payment is still to be captured."""

    payment = django_filters.ChoiceFilter(
        label="Payment",
        choices=[("not_captured", "Not captured")],
        empty_label="All",
        method="filter_payment",
        widget=forms.RadioSelect,  # as Wagtail shows its own choice filters
    )

    class Meta:
        model = Order
        fields = ["channel", "status", "created_at"]

    def filter_payment(self, queryset, name, value):
        return orders_not_captured(queryset) if value == "not_captured" else queryset


class OrderViewSet(ModelViewSet):
    """Orders are made by checkouts, never typed in: no add, edit or delete views; status changes go
    through the lifecycle service on the detail page."""

    model = Order
    name = "orders"
    icon = "form"
    menu_label = "Orders"
    list_display = ["order_id", "channel", "status", "customer_email", "total", "currency", "created_at"]
    filterset_class = OrderFilterSet
    search_fields = ["order_id", "customer_email"]
    list_export = EXPORT_FIELDS
    export_filename = "orders"
    inspect_view_enabled = True
    copy_view_enabled = False  # orders come from checkouts; the index must not offer "Copy"
    inspect_view_class = OrderDetailView
    ordering = ["-created_at"]
    form_fields = ["customer_email"]  # required by ModelViewSet; no add or edit view is routed

    def get_queryset(self, request):
        return Order.objects.select_related("channel")

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs.update(add_url_name=None, edit_url_name=None, delete_url_name=None, usage_url_name=None)
        return view_kwargs

    @property
    def inspect_view(self):
        return self.construct_view(
            self.inspect_view_class, **self.get_inspect_view_kwargs(), status_url_name=self.get_url_name("status")
        )

    @property
    def status_view(self):
        return OrderStatusView.as_view(inspect_url_name=self.get_url_name("inspect"))

    def get_urlpatterns(self):
        kept = {"index", "index_results", "inspect", "history", "history_results"}
        patterns = [pattern for pattern in super().get_urlpatterns() if pattern.name in kept]
        return [*patterns, path("status/<int:pk>/", self.status_view, name="status")]


class ShippingRateViewSet(ModelViewSet):
    model = ShippingRate
    name = "shipping_rates"
    icon = "site"
    menu_label = "Shipping rates"
    list_display = ["name", "code", "channel", "price", "active"]
    list_filter = ["channel", "active"]
    form_fields = ["channel", "code", "name", "price", "active"]


class OutboxEventViewSet(ModelViewSet):
    """The order events for other services: delivered or pending, and why pending (no webhook URL, failures)."""

    model = OutboxEvent
    name = "order_events"
    icon = "resubmit"
    menu_label = "Order events"
    list_display = ["topic", "key", "delivery_state", "attempts", "created_at", "delivered_at"]
    list_filter = ["topic", "delivered_at"]
    search_fields = ["key"]
    ordering = ["-id"]
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["topic"]  # required by ModelViewSet; no add or edit view is routed

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs.update(add_url_name=None, edit_url_name=None, delete_url_name=None, usage_url_name=None)
        return view_kwargs

    def get_urlpatterns(self):
        kept = {"index", "index_results", "inspect"}
        return [pattern for pattern in super().get_urlpatterns() if pattern.name in kept]


class OrdersGroup(ModelViewSetGroup):
    menu_label = "Orders"
    menu_icon = "form"
    menu_order = 200
    items = (OrderViewSet, ShippingRateViewSet, OutboxEventViewSet)


@hooks.register("register_admin_viewset")
def register_orders_viewsets():
    return OrdersGroup()
