from django.core.management.base import BaseCommand

from orders.tasks import purge_expired_idempotency_keys


class Command(BaseCommand):
    help = "Delete checkout Idempotency-Keys older than their 24 hours (run it from cron, e.g. hourly)."

    def handle(self, *args, **options):
        deleted = purge_expired_idempotency_keys.call()
        self.stdout.write(f"Deleted {deleted} expired idempotency key(s).")
