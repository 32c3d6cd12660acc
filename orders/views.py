"""Admin views of orders: the detail page (lines, payments, addresses, history) and the status actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from wagtail.admin.views.generic import InspectView

from orders.exceptions import OrderError
from orders.lifecycle import allowed_transitions, order_transition
from orders.models import Order

STATUS_PERMISSION = "orders.change_order_status"


class OrderDetailView(InspectView):
    template_name = "orders/admin/order_detail.html"

    def get_object(self, queryset=None):
        return get_object_or_404(Order.objects.for_detail(), pk=self.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        can_change = self.request.user.has_perm(STATUS_PERMISSION)
        context.update(
            order=order,
            lines=order.lines.all(),
            ship_tos=order.ship_tos.all(),
            payments=order.payments.all(),
            events=order.events.all(),
            transitions=allowed_transitions(order) if can_change else [],
            status_url_name=self.status_url_name,
        )
        return context

    status_url_name = None


class OrderStatusView(View):
    """POST only: move an order along its lifecycle (Customer service)."""

    inspect_url_name = None
    http_method_names = ["post"]

    def post(self, request, pk):
        if not request.user.has_perm(STATUS_PERMISSION):
            raise PermissionDenied
        order = get_object_or_404(Order, pk=pk)
        to_status = request.POST.get("status", "")
        try:
            order_transition(order=order, to_status=to_status, user=request.user, note=request.POST.get("note", ""))
        except OrderError as error:
            messages.error(request, error.problems[0].message)
        else:
            messages.success(request, f"Order {order.order_id} is now {to_status}.")
        return redirect(self.inspect_url_name, pk)
