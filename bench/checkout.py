"""Checkout throughput against gunicorn on PostgreSQL, with two baselines in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hub_bench .venv/bin/python bench/checkout.py [--seconds 15]

Prints checkouts/s and p50/p99 for:
  api-spread  POST /api-order/checkout, 4 clients, carts over many SKUs (carts are built before timing)
  api-hot     the same, every client buying the same 2 SKUs
  floor       a minimal Django view doing the checkout's SQL writes, behind the same gunicorn
  raw         the same writes as plain SQL over 4 psycopg connections, one transaction per order
and the deadlocks (pg_stat_database) and oversells (reserved > on_hand) seen. Targets (issue 5): api ≥ ½ floor
and ≥ ⅒ raw; p99 < 50 ms; hot ≥ ½ spread; zero deadlocks and oversells.

This file is also the gunicorn app (`bench.checkout:application`): the hub plus the floor view.
"""

import argparse
import contextlib
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.base")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

CLIENTS = 4


# ---- the floor: a minimal Django view doing the checkout's writes ------------------------------------

FLOOR_SQL = [
    "INSERT INTO orders_order (order_id, channel_id, status, currency, customer_email, customer_phone,"
    " billing_address, ship_from_address, subtotal, shipping_total, discount_total, tax_total, total,"
    " created_at, updated_at) VALUES (%s, %s, 'placed', 'USD', 'bench@example.com', '{}', '{}', '{}',"
    " 10, 2, 0, 0, 12, now(), now()) RETURNING id",
    "INSERT INTO orders_ordershipto (order_id, ship_to_id, address, shipping_method, shipping_method_name,"
    " shipping_price, tax) VALUES (%s, 'x', '{}', 'standard', 'Standard', 2, 0) RETURNING id",
    "INSERT INTO orders_orderline (order_id, line_item_id, ship_to_id, variant_id, sku, title, options, quantity,"
    " unit_price, discount, line_total, tax) VALUES (%s, 1, %s, %s, 'SKU', 'Title', '{}', 1, 10, 0, 10, 0)",
    "INSERT INTO orders_orderpayment (order_id, method, brand, last_four, holder_name, amount, currency, conversion,"
    " gateway, gateway_reference, status, created_at, updated_at) VALUES (%s, 'CARD', 'Visa', '1111', 'B', 12,"
    " 'USD', 1, 'sandbox', 'ref', 'authorized', now(), now())",
    "INSERT INTO orders_orderevent (order_id, kind, message, created_at) VALUES (%s, 'placed', '', now())",
    "INSERT INTO orders_outboxevent (topic, key, payload, created_at, attempts, last_error) VALUES"
    " ('order.created', %s, '{}', now(), 0, '')",
]


def write_order(cursor, channel_id: int, stock_level_id: int, variant_id: int) -> None:
    """The checkout's writes as plain SQL: lock and reserve the stock row, insert the order and its rows."""
    cursor.execute("SELECT on_hand, reserved FROM catalog_stocklevel WHERE id = %s FOR UPDATE", [stock_level_id])
    on_hand, reserved = cursor.fetchone()
    if on_hand - reserved < 1:
        raise RuntimeError("oversell")
    cursor.execute("UPDATE catalog_stocklevel SET reserved = reserved + 1 WHERE id = %s", [stock_level_id])
    order_id = f"{secrets.randbelow(10**4):04d}-{secrets.randbelow(10**4):04d}-{secrets.randbelow(10**5):05d}"
    cursor.execute(FLOOR_SQL[0], [order_id, channel_id])
    pk = cursor.fetchone()[0]
    cursor.execute(FLOOR_SQL[1], [pk])
    ship_to = cursor.fetchone()[0]
    cursor.execute(FLOOR_SQL[2], [pk, ship_to, variant_id])
    cursor.execute(FLOOR_SQL[3], [pk])
    cursor.execute(FLOOR_SQL[4], [pk])
    cursor.execute(FLOOR_SQL[5], [order_id])


@csrf_exempt
def floor_view(request):
    channel_id, stock_level_id, variant_id = (int(part) for part in request.GET["ids"].split(","))
    with transaction.atomic(), connection.cursor() as cursor:
        write_order(cursor, channel_id, stock_level_id, variant_id)
    return JsonResponse({"checkoutComplete": True})


urlpatterns = [path("bench-floor", floor_view), path("", include(settings.ROOT_URLCONF))]


def _application():
    from django.core.wsgi import get_wsgi_application

    from hub.startup import ready_to_serve

    settings.ROOT_URLCONF = "bench.checkout"  # the hub's URLs plus the floor view
    return ready_to_serve(get_wsgi_application())  # as hub/wsgi.py serves the product


application = _application() if os.environ.get("BENCH_SERVER") else None


# ---- the driver --------------------------------------------------------------------------------------


def setup(sku_count: int) -> dict:
    from django.core.management import call_command

    from catalog.models import StockLevel
    from channels.api_keys import api_key_create
    from tests import factories
    from tests.factories import ChannelFactory, ShippingRateFactory, listed_product

    call_command("migrate", verbosity=0)
    # Factories number from 0 in each process; start elsewhere so a second run in the same database works.
    offset = secrets.randbelow(10**9) + 100_000
    for factory_class in (
        factories.BrandFactory,
        factories.ProductFactory,
        factories.ProductTypeFactory,
        factories.VariantFactory,
        factories.ImageFactory,
    ):
        factory_class.reset_sequence(offset)
    channel = ChannelFactory(code=f"bench-{secrets.token_hex(3)}", currency="USD")
    ShippingRateFactory(channel=channel, code="standard")
    _, key = api_key_create(channel=channel, name="bench")
    skus = []
    for _ in range(sku_count):
        product = listed_product(channel, stock=1_000_000, price="10.00")
        skus.append(product.variants.get().sku)
    level = StockLevel.objects.get(variant__sku=skus[0])
    return {
        "channel_id": channel.pk,
        "key": key,
        "skus": skus,
        "stock_level_id": level.pk,
        "variant_id": level.variant_id,
    }


def build_carts(channel_id: int, skus: list[str], count: int) -> list[dict]:
    """Carts with one line and a ship-to, built through the order services (not timed, so not over HTTP),
    and the checkout body that pays each."""
    from channels.models import Channel
    from orders import services
    from orders.selectors import cart_get, cart_price

    channel = Channel.objects.get(pk=channel_id)
    address = {"name": {"first": "B", "last": "C"}, "street1": "1 Main St", "city": "Austin", "country": "US"}
    bodies = []
    for index in range(count):
        cart = services.cart_create(channel=channel)
        services.cart_add_line(cart=cart, sku=skus[index % len(skus)], quantity=1)
        services.cart_add_ship_to(cart=cart, address=address, shipping_method="standard")
        due = cart_price(cart_get(channel, cart.cart_id)).totals.amount_due_before_tax
        bodies.append(
            {
                "cartId": cart.cart_id,
                "customerEmail": "bench@example.com",
                "paymentDetails": [
                    {
                        "transactionDetails": {
                            "paymentType": "CARD",
                            "cardNumber": "4111111111111111",
                            "expDate": "1240",
                            "cvv": "123",
                            "cardHolderFullName": "Bench",
                        },
                        "paymentIdentifier": {"cardIdentifier": "1111"},
                        "paymentMethod": "Visa",
                        "amount": f"{due:.2f}",
                        "currency": "USD",
                        "billToAddress": address,
                    }
                ],
            }
        )
    return bodies


def drive(name: str, jobs: list, call, seconds: float) -> dict:
    """CLIENTS threads take jobs until they run out or time is up; returns rate and latencies."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    queue = list(jobs)
    deadline = time.perf_counter() + seconds

    def worker():
        local = call()
        while time.perf_counter() < deadline:
            with lock:
                if not queue:
                    return
                job = queue.pop()
            start = time.perf_counter()
            ok = local(job)
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                failures[0] += 0 if ok else 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    result = {
        "name": name,
        "rate": len(latencies) / wall,
        "p50": statistics.median(latencies) * 1000 if latencies else 0,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0,
        "count": len(latencies),
        "failures": failures[0],
    }
    print(
        f"{name:12s} {result['rate']:8.1f}/s  p50 {result['p50']:6.1f} ms  p99 {result['p99']:6.1f} ms"
        f"  n={result['count']} failures={result['failures']}",
        flush=True,
    )
    return result


def http_caller(base: str, key: str, path: str):
    import requests

    def make():
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {key}"

        def call(job) -> bool:
            if path == "checkout":
                return session.post(f"{base}/api-order/checkout", json=job).status_code == 200
            return session.post(f"{base}/bench-floor?ids={job}").status_code == 200

        return call

    return make


def raw_caller(dsn: str, ids: tuple[int, int, int]):
    import psycopg

    def make():
        conn = psycopg.connect(dsn)

        def call(job) -> bool:
            with conn.transaction(), conn.cursor() as cursor:
                write_order(cursor, *ids)
            return True

        return call

    return make


def free_port() -> int:
    """A port nobody listens on (a fixed one may be another process's server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_ready(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited before it answered")
        with contextlib.suppress(requests.RequestException):  # not listening yet: try again
            if requests.get(f"{base}/api-order/openapi.json", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    sys.exit("gunicorn did not answer in time")


def warm_up(base: str, key: str) -> None:
    """A few authenticated requests per worker first: imports, the key cache, DB connections."""
    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {key}"
    for _ in range(CLIENTS * 10):
        session.post(f"{base}/api-order/carts", json={})


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def deadlocks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    # Enough carts for the API phases to run the whole --seconds at ~200/s: with 1,000 they stopped after
    # about 6 s while the floor ran 10, which made the API figure the noisier one.
    parser.add_argument("--carts", type=int, default=2500)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    data = setup(sku_count=40)
    spread = build_carts(data["channel_id"], data["skus"], args.carts)
    hot = build_carts(data["channel_id"], data["skus"][:2], args.carts)
    connection.close()  # idle during the runs; the server has its own connections
    port = free_port()
    env = {
        **os.environ,
        "BENCH_SERVER": "1",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",  # not the warm-up's 404s
        "DB_CONN_MAX_AGE": "600",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.checkout:application",
            "--workers",
            str(CLIENTS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, server)
        warm_up(base, data["key"])
        print(f"load average before: {load()}  ({os.cpu_count()} CPUs)", flush=True)
        before = deadlocks()
        ids = (data["channel_id"], data["stock_level_id"], data["variant_id"])
        results = [
            drive("api-spread", spread, http_caller(base, data["key"], "checkout"), args.seconds),
            drive("api-hot", hot, http_caller(base, data["key"], "checkout"), args.seconds),
            drive("floor", [",".join(map(str, ids))] * 100_000, http_caller(base, data["key"], "floor"), args.seconds),
        ]
        dsn = settings.DATABASES["default"]
        raw_dsn = f"host={dsn['HOST']} port={dsn['PORT'] or 5432} dbname={dsn['NAME']} user={dsn['USER']}"
        results.append(drive("raw", list(range(100_000)), raw_caller(raw_dsn, ids), args.seconds))
    finally:
        server.terminate()
        server.wait()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalog_stocklevel WHERE reserved > on_hand")
        oversold = cursor.fetchone()[0]
    api_rate, hot_rate, floor_rate, raw_rate = (result["rate"] for result in results)
    print(f"load average after: {load()}")
    print(f"deadlocks: {deadlocks() - before}   oversold rows: {oversold}")
    print(
        f"api/floor {api_rate / floor_rate:.2f} (target ≥ 0.5)   api/raw {api_rate / raw_rate:.2f} (target ≥ 0.1)"
        f"   hot/spread {hot_rate / api_rate:.2f} (target ≥ 0.5)   api p99 {results[0]['p99']:.1f} ms (< 50)"
    )


if __name__ == "__main__":
    main()
