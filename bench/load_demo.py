"""Benchmark `manage.py load_demo --products N`: products/s, seconds and peak memory, per N.

Each size runs against a fresh throw-away database: a SQLite file under var/bench/ by default, or the
PostgreSQL database named in --database-url (dropped and created again, so its name must contain "bench").

    .venv/bin/python bench/load_demo.py                      # SQLite, N = 10,000 and 100,000
    .venv/bin/python bench/load_demo.py --sizes 1000 --database-url postgres://postgres@127.0.0.1:5432/hub_bench
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
DEFAULT_DATABASE_URL = f"sqlite:///{BENCH_DIR / 'load_demo.sqlite3'}"


@dataclass
class Result:
    products: int
    seconds: float
    cpu_seconds: float  # the loader process's own user + system time; less sensitive to a busy machine
    peak_rss_mb: float

    @property
    def products_per_second(self) -> float:
        return self.products / self.seconds


def main() -> None:
    args = parse_args()
    print(f"database: {describe(args.database_url)}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    print(f"load average at start: {' '.join(f'{value:.1f}' for value in os.getloadavg())}")
    results = []
    for size in args.sizes:
        fresh_database(args.database_url)
        run_manage(["migrate", "--noinput", "-v0"], args.database_url)
        results.append(timed_load(size, args.database_url))
        print_result(results[-1])
    print_table(results, describe(args.database_url))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="values of N")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="default: a SQLite file in var/bench/")
    return parser.parse_args()


def describe(database_url: str) -> str:
    return "SQLite" if database_url.startswith("sqlite") else "PostgreSQL"


def fresh_database(database_url: str) -> None:
    """An empty database for each size, so every N is measured from the same start."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    url = urlparse(database_url)
    if url.scheme == "sqlite":
        path = Path(url.path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = url.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop database {name!r}: a throw-away benchmark database has 'bench' in its name.")
    maintenance = url._replace(path="/postgres").geturl()
    for statement in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", maintenance, "-q", "-c", statement], check=True)


def run_manage(arguments: list[str], database_url: str) -> resource.struct_rusage:
    """Run manage.py in a child process; its resource usage is that child's alone (os.wait4)."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(BENCH_DIR / "media"),
    }
    process = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), *arguments], cwd=ROOT, env=environment)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"manage.py {' '.join(arguments)} failed with exit code {process.returncode}")
    return usage


def timed_load(products: int, database_url: str) -> Result:
    started = time.perf_counter()
    usage = run_manage(["load_demo", "--products", str(products)], database_url)
    seconds = time.perf_counter() - started
    return Result(
        products=products,
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,  # Linux reports KiB
    )


def print_result(result: Result) -> None:
    print(
        f"N={result.products:,}: {result.seconds:.1f} s, {result.products_per_second:,.0f} products/s, "
        f"loader CPU {result.cpu_seconds:.1f} s, peak RSS {result.peak_rss_mb:.0f} MB",
        flush=True,
    )


def print_table(results: list[Result], database: str) -> None:
    print("\n| database | N | seconds | products/s | loader CPU s | peak RSS (MB) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        print(
            f"| {database} | {result.products:,} | {result.seconds:.1f} | {result.products_per_second:,.0f} "
            f"| {result.cpu_seconds:.1f} | {result.peak_rss_mb:.0f} |"
        )


if __name__ == "__main__":
    main()
