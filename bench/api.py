"""Benchmark the content API under gunicorn (2 workers, DEBUG=0) with wrk; print requests/s and p50/p99.

Runs against a throw-away SQLite database under var/bench/ filled with `load_demo` plus N synthetic
products, every one listed and priced on the `web` channel. Endpoints: product list (20), product detail,
search, and two baselines through the same middleware: Wagtail's pages API v2 listing 20 pages with
`fields=*` (mounted here for the benchmark) and a floor view returning a fixed JSON body as large as the
product list's.

    .venv/bin/python bench/api.py                        # N = 10,000
    .venv/bin/python bench/api.py --products 100000      # the same at 100,000, with the list's p50 ratio
    .venv/bin/python bench/api.py --scale 100000         # 10,000, then the list alone at 100,000
    apt-get install -y wrk                               # Debian's wrk is needed

List, detail and search are measured twice: with the server-side response cache (`API_RESPONSE_CACHE=1`,
on the local Redis, as at scale; set BENCH_REDIS_URL to use another) and without it, every request
running the whole read. The search index is built once (`update_index`) when the catalog lacks one.

This module is also the benchmark's URLconf and WSGI entry point (`bench.api:application`).
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SECRET = "bench-only-secret-key-not-for-production-0123456789"
FLOOR_FILE = BENCH_DIR / "floor.json"
SEARCH = "bottle"  # a word in about one synthetic title in six: 1,669 hits among 10,000 products
PAGES = "wagtail pages API v2 (20, fields=*)"
FLOOR = "floor (fixed JSON, same size)"

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

    def nonce(request):  # proves to the driver that this very process answers on the port
        return HttpResponse(os.environ.get("HUB_BENCH_NONCE", ""), content_type="text/plain")

    _pages_v2 = WagtailAPIRouter("wagtailapi")
    _pages_v2.register_endpoint("pages", PagesAPIViewSet)
    urlpatterns = [
        path("api/v2/", _pages_v2.urls),
        path("bench/floor", floor),
        path("bench/nonce", nonce),
        *hub_urlpatterns,
    ]

    from django.core.wsgi import get_wsgi_application

    from hub.startup import ready_to_serve

    application = ready_to_serve(get_wsgi_application())  # as hub/wsgi.py serves the product


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
from wagtail.search.models import IndexEntry
print("INDEXED", IndexEntry.objects.filter(content_type__model="product").count(), Product.objects.count())
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


def prepare(products: int, *, search: bool) -> tuple[dict[str, str], str]:
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
    counts = output.split("INDEXED ")[-1].split()
    if search and int(counts[0]) < int(counts[1]):  # bulk-loaded products send no signals: index them once
        started = time.perf_counter()
        run([python, "manage.py", "update_index"], env)
        print(f"search index of {products} products built in {time.perf_counter() - started:.0f} s", flush=True)
    return env, key


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn on a free port of our own (a fixed port may be taken: another server's 401s are not ours)."""

    def __init__(self, env: dict[str, str], **settings: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.nonce = secrets.token_hex(8)
        env = {**env, "DEBUG": "0", "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "127.0.0.1", "HUB_BENCH_WSGI": "1"}
        env |= {"HUB_BENCH_NONCE": self.nonce, **settings}
        self.log = open(BENCH_DIR / "gunicorn.log", "a")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{self.port}",
                "bench.api:application",
            ],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=self.log,
        )
        for _ in range(150):
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}: see {BENCH_DIR / 'gunicorn.log'}")
            with contextlib.suppress(OSError):  # not listening yet: try again
                with urllib.request.urlopen(f"{self.base}/bench/nonce", timeout=1) as response:  # noqa: S310
                    if response.read().decode() == self.nonce:
                        return
            time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(15)
        self.log.close()


def get(url: str, key: str) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})  # noqa: S310 - local
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - local
        return response.read()


LIST = "/api/v1/products?pageSize=20&image=fill-400x400|format-webp"


def measure(products: int, seconds: int, connections: int, rounds: int, only_list: bool = False) -> dict:
    """Every scenario `rounds` times, interleaved, so a change of the machine's load hits all of them alike."""
    env, key = prepare(products, search=not only_list)
    redis = {"REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")}
    cached = Server(env, API_RESPONSE_CACHE="1", **redis)
    uncached = Server(env, API_RESPONSE_CACHE="0", **redis)
    try:
        body = get(cached.base + LIST, key)  # also renders the renditions once
        FLOOR_FILE.write_bytes(body)
        slug = json.loads(body)["items"][0]["slug"]
        paths = {"list": LIST}
        if not only_list:
            paths |= {
                "detail": f"/api/v1/products/by-slug/{slug}?image=fill-400x400|format-webp",
                "search": f"/api/v1/products?q={SEARCH}&pageSize=20",
            }
        scenarios = {f"{name} (uncached)": uncached.base + path for name, path in paths.items()}
        if not only_list:
            uncached.stop()  # restart it so that its floor view serves the body written above
            uncached = Server(env, API_RESPONSE_CACHE="0", **redis)
            scenarios = {f"{name} (uncached)": uncached.base + path for name, path in paths.items()}
            scenarios |= {
                PAGES: f"{uncached.base}/api/v2/pages/?fields=*&limit=20",
                FLOOR: f"{uncached.base}/bench/floor",
            }
        scenarios |= {f"{name} (cached)": cached.base + path for name, path in paths.items()}
        for url in scenarios.values():
            get(url, key)  # warm up (and fill the response cache)
        runs: dict[str, list[tuple]] = {name: [] for name in scenarios}
        load = [os.getloadavg()[0]]
        for _ in range(rounds):
            for name, url in scenarios.items():
                runs[name].append(wrk(url, key, seconds, connections))
            load.append(os.getloadavg()[0])
        return {"results": {name: _median(values) for name, values in runs.items()}, "load": load}
    finally:
        cached.stop()
        uncached.stop()


def _median(runs: list[tuple]) -> tuple[float, float, float]:
    return tuple(statistics.median(values) for values in zip(*runs, strict=True))


def report(products: int, measured: dict, args) -> None:
    results = measured["results"]
    load = " ".join(f"{value:.1f}" for value in measured["load"])
    print(
        f"\n{products} products; gunicorn 2 workers, DEBUG=0, SQLite; wrk -c{args.connections}, "
        f"{args.rounds} rounds of {args.seconds}s each, interleaved (medians); {os.cpu_count()} CPUs; "
        f"1-min load average during the run: {load}"
    )
    print(f"{'endpoint':40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for name, (rps, p50, p99) in results.items():
        print(f"{name:40} {rps:8.1f} {p50:8.1f} {p99:8.1f}")
    if PAGES in results:
        pages, floor = results[PAGES][0], results[FLOOR][0]
        for kind in ("uncached", "cached"):
            ours = results[f"list ({kind})"][0]
            print(
                f"list ({kind}) / Wagtail pages listing: {ours / pages:.2f}× (target ≥ 2×); "
                f"/ floor: {100 * ours / floor:.1f}% (target ≥ 10%)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--scale", type=int, default=0, help="Also measure the list's p50 on this many products.")
    parser.add_argument("--seconds", type=int, default=10, help="Seconds of each wrk run.")
    parser.add_argument("--rounds", type=int, default=2, help="Runs of every scenario, interleaved.")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    measured = measure(args.products, args.seconds, args.connections, args.rounds)
    report(args.products, measured, args)
    results_file = BENCH_DIR / f"api-results-{args.products}.json"
    results_file.write_text(json.dumps(measured))
    if args.scale:
        scaled = measure_scale(args.products, args.scale, args.seconds, args.connections, args.rounds)
        report(args.scale, scaled, args)
        _compare(args.scale, scaled, args.products, scaled, suffix=f" @{args.products}")
    else:
        baseline = BENCH_DIR / "api-results-10000.json"
        if args.products != 10_000 and baseline.exists():
            _compare(args.products, measured, 10_000, json.loads(baseline.read_text()))


def measure_scale(products: int, scale: int, seconds: int, connections: int, rounds: int) -> dict:
    """The list on both catalogs, interleaved in the same rounds, so that the p50 ratio compares like with like."""
    redis = {"REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")}
    servers, scenarios = [], {}
    try:
        for size, suffix in ((scale, ""), (products, f" @{products}")):
            env, key = prepare(size, search=False)
            for kind, on in (("uncached", "0"), ("cached", "1")):
                server = Server(env, API_RESPONSE_CACHE=on, **redis)
                servers.append(server)
                scenarios[f"list ({kind}){suffix}"] = (server.base + LIST, key)
        for url, key in scenarios.values():
            get(url, key)
        runs: dict[str, list[tuple]] = {name: [] for name in scenarios}
        load = [os.getloadavg()[0]]
        for _ in range(rounds):
            for name, (url, key) in scenarios.items():
                runs[name].append(wrk(url, key, seconds, connections))
            load.append(os.getloadavg()[0])
        return {"results": {name: _median(values) for name, values in runs.items()}, "load": load}
    finally:
        for server in servers:
            server.stop()


def _compare(scale: int, scaled: dict, products: int, measured: dict, suffix: str = "") -> None:
    for kind in ("uncached", "cached"):
        name = f"list ({kind})"
        p50, base = scaled["results"][name][1], measured["results"][name + suffix][1]
        print(f"{name} p50 on {scale} products: {p50:.1f} ms, {p50 / base:.2f}× the {products} (target ≤ 1.5×)")


if __name__ == "__main__":
    sys.exit(main())
