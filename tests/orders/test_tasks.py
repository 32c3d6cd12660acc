"""Order background work: delivering the outbox to a webhook (a real local HTTP server), purging keys."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from orders.models import IdempotencyKey, OutboxEvent
from orders.tasks import deliver_order_events, purge_expired_idempotency_keys
from tests.orders.conftest import checkout_body


class Receiver:
    """A webhook receiver on 127.0.0.1: records what it is sent and answers `status`."""

    def __init__(self, status: int = 204):
        self.status = status
        self.received: list[tuple[dict, dict]] = []  # (headers, body)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), json.loads(body)))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                """Silent: the test reads the requests received, not the server's access log."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/orders"

    @property
    def bodies(self) -> list[dict]:
        return [body for _, body in self.received]


@pytest.fixture
def receiver(settings):
    receiver = Receiver()
    receiver.thread.start()
    settings.ORDER_EVENTS_WEBHOOK_URL = receiver.url
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def order_events(count: int) -> list[OutboxEvent]:
    return [
        OutboxEvent.objects.create(topic="order.created", key=f"0000-0000-{index:05d}", payload={"n": index})
        for index in range(count)
    ]


def test_delivery_posts_the_checkouts_order_created_event_and_marks_it_delivered(api, ready_cart, receiver):
    order_id = api.post("/api-order/checkout", checkout_body(ready_cart)).json()["orderId"]

    delivered = deliver_order_events.enqueue().return_value

    created = OutboxEvent.objects.get(topic="order.created")
    headers, body = next((h, b) for h, b in receiver.received if b["topic"] == "order.created")
    assert delivered == OutboxEvent.objects.count() == len(receiver.received)
    assert body["key"] == order_id and body["payload"]["orderId"] == order_id
    assert body["payload"]["lineItems"][0]["sku"] == ready_cart["sku"]
    assert headers["X-Hub-Event"] == "order.created" and headers["X-Hub-Event-Id"] == str(created.pk)
    assert created.delivered_at is not None and created.attempts == 1
    assert not OutboxEvent.objects.filter(delivered_at=None).exists()


def test_delivery_works_in_batches_oldest_first(db, receiver):
    events = order_events(5)

    delivered = deliver_order_events.call(batch_size=2)

    assert delivered == 5
    assert [body["id"] for body in receiver.bodies] == [event.pk for event in events]


def test_delivery_run_twice_sends_each_event_once(db, receiver):
    order_events(3)

    first = deliver_order_events.call()
    second = deliver_order_events.call()

    assert (first, second) == (3, 0)
    assert len(receiver.received) == 3


def test_delivery_skips_events_another_run_has_claimed(db, receiver):
    claimed, free = order_events(2)
    OutboxEvent.objects.filter(pk=claimed.pk).update(claimed_until=timezone.now() + timedelta(minutes=1))

    delivered = deliver_order_events.call()

    assert delivered == 1
    assert [body["id"] for body in receiver.bodies] == [free.pk]
    claimed.refresh_from_db()
    assert claimed.delivered_at is None


def test_delivery_refused_by_the_receiver_keeps_the_events_pending_with_the_error(db, receiver):
    receiver.status = 500
    [event] = order_events(1)

    delivered = deliver_order_events.call()
    again = deliver_order_events.call()  # too soon: the refused event waits

    event.refresh_from_db()
    assert delivered == again == 0
    assert len(receiver.received) == 1
    assert event.delivered_at is None and event.claimed_until > timezone.now()  # retried after a pause
    assert (event.attempts, event.last_error) == (1, "HTTP 500")
    assert event.delivery_state == "pending: 1 failed attempt(s), last: HTTP 500"


def test_delivery_without_a_webhook_url_leaves_events_pending_and_the_admin_says_why(
    db, settings, admin_client, receiver
):
    settings.ORDER_EVENTS_WEBHOOK_URL = ""
    [event] = order_events(1)

    delivered = deliver_order_events.call()
    listing = admin_client.get(reverse("order_events:index"))

    event.refresh_from_db()
    assert delivered == 0 and receiver.received == []
    assert event.delivered_at is None and event.attempts == 0
    assert listing.status_code == 200
    assert "no webhook URL configured" in listing.content.decode()


def test_deliver_order_events_command_delivers(db, receiver):
    order_events(2)

    call_command("deliver_order_events")

    assert len(receiver.received) == 2
    assert not OutboxEvent.objects.filter(delivered_at=None).exists()


def test_purge_deletes_only_expired_idempotency_keys(channel):
    now = timezone.now()
    IdempotencyKey.objects.create(channel=channel, key="old", fingerprint="f", expires_at=now - timedelta(seconds=1))
    IdempotencyKey.objects.create(channel=channel, key="new", fingerprint="f", expires_at=now + timedelta(hours=23))

    deleted = purge_expired_idempotency_keys.enqueue().return_value

    assert deleted == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_purge_command_deletes_expired_idempotency_keys(channel):
    expired = timezone.now() - timedelta(hours=1)
    IdempotencyKey.objects.create(channel=channel, key="old", fingerprint="f", expires_at=expired)

    call_command("purge_idempotency_keys")

    assert not IdempotencyKey.objects.exists()
