from django.core.management.base import BaseCommand

from orders.tasks import deliver_order_events


class Command(BaseCommand):
    help = "POST pending order events to ORDER_EVENTS_WEBHOOK_URL (run it from cron, or enqueue the task)."

    def handle(self, *args, **options):
        delivered = deliver_order_events.call()
        self.stdout.write(f"Delivered {delivered} order event(s).")
