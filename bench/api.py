"""Benchmark the content API under gunicorn (2 workers, DEBUG=0) with wrk; print requests/s and p50/p99.

Runs against a throw-away SQLite database under var/bench/ filled with `load_demo` plus N synthetic
products, every one listed and priced on the `web` channel. Endpoints: product list (20), product detail,
search, and two baselines through the same middleware: Wagtail's pages API v2 listing 20 pages with
`fields=*` (mounted here for the benchmark) and a floor view returning a fixed JSON body as large as the
product list's.

    .venv/bin/python bench/api.py                        # N = 10,000
    .venv/bin/python bench/api.py --products 100000      # also the list's p50 at scale
    apt-get install -y wrk                               # Debian's wrk is needed

This module is also the benchmark's URLconf and WSGI entry point (`bench.api:application`).
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
SECRET = "bench-only-secret-key-not-for-production-0123456789"
FLOOR_FILE = BENCH_DIR / "floor.json"

# ---- the benchmark's URLconf and WSGI app (imported inside gunicorn) ------------------------------------

if os.environ.get("HUB_BENCH_WSGI"):
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "bench.api"

    from django.http import HttpResponse
    from django.urls import path
    from wagtail.api.v2.router import WagtailAPIRouter
    from wagtail.api.v2.views import PagesAPIViewSet

    from hub.urls import urlpatterns as hub_urlpatterns

    _floor_body = FLOOR_FILE.read_bytes() if FLOOR_FILE.exists() else b"{}"

    def floor(request):
        return HttpResponse(_floor_body, content_type="application/json")

    _pages_v2 = WagtailAPIRouter("wagtailapi")
    _pages_v2.register_endpoint("pages", PagesAPIViewSet)
    urlpatterns = [path("api/v2/", _pages_v2.urls), path("bench/floor", floor), *hub_urlpatterns]

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()


# ---- the driver ---------------------------------------------------------------------------------------

SETUP = """
import logging
from decimal import Decimal
from django.utils import timezone
from catalog.models import Product, Variant
from channels.models import Channel, ProductListing, VariantListing
from channels.api_keys import api_key_create
from hub.models import ContentPage
from wagtail.models import Site
logging.getLogger("django_tasks").setLevel(logging.WARNING)
web, _ = Channel.objects.get_or_create(
    code="web", defaults={"name": "Web", "kind": "storefront", "currency": "USD", "country": "US"}
)
listed = set(ProductListing.objects.filter(channel=web).values_list("product_id", flat=True))
ProductListing.objects.bulk_create(
    [ProductListing(product_id=pk, channel=web, published=True)
     for pk in Product.objects.filter(live=True).values_list("pk", flat=True) if pk not in listed],
    batch_size=2000,
)
priced = set(VariantListing.objects.filter(channel=web).values_list("sku", flat=True))
VariantListing.objects.bulk_create(
    [VariantListing(product_id=product_id, channel=web, sku=sku, currency=web.currency, price=Decimal("19.99"))
     for product_id, sku in Variant.objects.values_list("product_id", "sku") if sku not in priced],
    batch_size=2000,
)
root = Site.objects.get(is_default_site=True).root_page
for n in range(20 - ContentPage.objects.count()):
    root.add_child(instance=ContentPage(title=f"Guide {n}", slug=f"bench-guide-{n}", intro="A guide " * 20))
print(api_key_create(channel=web, name="bench")[1])
"""


def run(command: list[str], env: dict[str, str], **kwargs) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT, check=False, **kwargs)
    if done.returncode:
        raise SystemExit(f"{' '.join(command[:3])} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def wrk(url: str, key: str, seconds: int, connections: int) -> tuple[float, float, float]:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Authorization: Bearer {key}", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx.group(1)} error responses\n{output}")
    return rps, _ms(output, "50%"), _ms(output, "99%")


def _ms(output: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def prepare(products: int) -> tuple[dict[str, str], str]:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    database = BENCH_DIR / f"api-{products}.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "hub.settings.base"}
    env |= {"DEBUG": "1", "MEDIA_ROOT": str(BENCH_DIR / "media"), "LOG_LEVEL": "WARNING"}
    python = str(ROOT / ".venv" / "bin" / "python")
    if not database.exists():
        started = time.perf_counter()
        run([python, "manage.py", "migrate", "--no-input"], env)
        run([python, "manage.py", "load_demo"], env)
        run([python, "manage.py", "load_demo", "--products", str(products)], env)
        print(f"catalog of {products} products built in {time.perf_counter() - started:.0f} s", flush=True)
    output = run([python, "manage.py", "shell", "-c", SETUP], env)
    key = next(line for line in output.splitlines() if line.startswith("hub_"))  # the shell also prints a summary
    return env, key


def serve(env: dict[str, str]) -> subprocess.Popen:
    env = {**env, "DEBUG": "0", "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "127.0.0.1", "HUB_BENCH_WSGI": "1"}
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{PORT}", "bench.api:application"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/api/v1/openapi.json", timeout=1)  # noqa: S310 - local
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def get(url: str, key: str) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})  # noqa: S310 - local
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local
        return response.read()


def measure(products: int, seconds: int, connections: int, only_list: bool = False) -> dict[str, tuple]:
    env, key = prepare(products)
    list_url = f"{BASE}/api/v1/products?pageSize=20&image=fill-400x400|format-webp"
    server = serve(env)
    try:
        body = get(list_url, key)  # also renders the renditions once
        FLOOR_FILE.write_bytes(body)
        slug = json.loads(body)["items"][0]["slug"]
        urls = {"product list (20)": list_url}
        if not only_list:
            urls |= {
                "product detail": f"{BASE}/api/v1/products/by-slug/{slug}?image=fill-400x400|format-webp",
                "search (q=shirt)": f"{BASE}/api/v1/products?q=shirt&pageSize=20",
                "wagtail pages API v2 (20, fields=*)": f"{BASE}/api/v2/pages/?fields=*&limit=20",
                "floor (fixed JSON, same size)": f"{BASE}/bench/floor",
            }
        server.send_signal(signal.SIGTERM)  # restart so the floor view reads the body written above
        server.wait(10)
        server = serve(env)
        for url in urls.values():
            get(url, key)  # warm up
        return {name: wrk(url, key, seconds, connections) for name, url in urls.items()}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--scale", type=int, default=0, help="Also measure the list's p50 on this many products.")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    results = measure(args.products, args.seconds, args.connections)
    print(f"\n{args.products} products, gunicorn 2 workers, DEBUG=0, wrk -c{args.connections} -d{args.seconds}s")
    print(f"{'endpoint':40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for name, (rps, p50, p99) in results.items():
        print(f"{name:40} {rps:8.1f} {p50:8.1f} {p99:8.1f}")
    ours = results["product list (20)"][0]
    pages = results["wagtail pages API v2 (20, fields=*)"][0]
    floor = results["floor (fixed JSON, same size)"][0]
    print(f"\nlist / Wagtail pages listing: {ours / pages:.2f}× (target ≥ 2×)")
    print(f"list / floor: {100 * ours / floor:.1f}% (target ≥ 10%)")
    if args.scale:
        scaled = measure(args.scale, args.seconds, args.connections, only_list=True)["product list (20)"]
        base_p50 = results["product list (20)"][1]
        ratio = scaled[1] / base_p50
        print(f"list p50 on {args.scale} products: {scaled[1]:.1f} ms ({ratio:.2f}× the {args.products})")


if __name__ == "__main__":
    sys.exit(main())
