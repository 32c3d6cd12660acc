"""With DEBUG=0 the app runs under gunicorn and serves its own static files (WhiteNoise)."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return urllib.request.urlopen(url, timeout=5)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def production_server(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env |= {
        "DEBUG": "0",
        "SECRET_KEY": "test-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "SECURE_COOKIES": "0",
    }
    subprocess.run([BIN / "python", "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([BIN / "python", "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [BIN / "gunicorn", "hub.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_gunicorn_serves_the_admin_login_and_hashed_static_files(production_server):
    login = wait_for(f"{production_server}/admin/login/")
    body = login.read().decode()
    assert login.status == 200
    assert "csrfmiddlewaretoken" in body

    # Static URLs in production pages carry a content hash and are served by WhiteNoise, cached forever.
    static_path = body.split('href="/static/', 1)[1].split('"', 1)[0]
    assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", static_path), static_path
    static = urllib.request.urlopen(f"{production_server}/static/{static_path}")
    assert static.status == 200
    assert "max-age=315360000" in static.headers["Cache-Control"]


def test_the_wsgi_entry_point_loads_the_urlconf_and_freezes_what_startup_made():
    """hub/wsgi.py (hub.startup.ready_to_serve): the URLconf is imported before the first request and the
    startup objects are out of the cyclic collector's way, so a collection walks only a request's objects."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    script = (
        "import gc, sys\n"
        "assert 'hub.urls' not in sys.modules\n"
        "import hub.wsgi\n"
        "print('hub.urls' in sys.modules, gc.get_freeze_count(), len(gc.get_objects()))\n"
    )
    output = subprocess.run(
        [BIN / "python", "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    urls_loaded, frozen, tracked = output.split()

    assert urls_loaded == "True"
    assert int(frozen) > 100_000  # Django, Wagtail, ninja's routers and schemas
    assert int(tracked) < int(frozen) // 10  # what a collection still walks
