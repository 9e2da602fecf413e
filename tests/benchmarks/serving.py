"""Pages as a user gets them: served by gunicorn on 127.0.0.1 to concurrent signed-in clients.

The server runs with production settings (DEBUG off, collected static files) against the
benchmark's database. Each page gets a few warm-up requests, then `clients` threads request it
until `requests` answers came back or `seconds` passed, whichever is first; the query count of
one request is taken in-process through the same middleware stack.
"""

import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from partnerships import tenancy

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PageFigures:
    name: str
    url: str
    requests: int
    median_ms: float
    p95_ms: float
    rps: float
    queries: int


class Server:
    """gunicorn with `workers` sync workers on 127.0.0.1:`port`, for as long as it is open."""

    def __init__(self, port: int, workers: int = 2) -> None:
        self.port = port
        self.workers = workers
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": os.environ["DATABASE_URL"],
        }

    def __enter__(self) -> "Server":
        python = sys.executable
        subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        self.process = subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "partnerships.wsgi",
                f"--workers={self.workers}",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                connection_ = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                connection_.request("GET", "/accounts/login/")
                connection_.getresponse().read()
                return self
            except OSError:
                time.sleep(0.2)
        self.process.terminate()
        raise RuntimeError(f"gunicorn did not answer on port {self.port}")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def signed_in(user, brand) -> tuple[Client, str]:
    """An in-process client signed in as `user` on `brand`, and its session id."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[tenancy.SESSION_KEY] = brand.pk
    session.save()
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


def _get(port: int, url: str, session: str) -> float:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "GET",
        url,
        headers={
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
            # As behind the TLS proxy of a deployment: no redirect to https.
            "X-Forwarded-Proto": "https",
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{url} answered {response.status}")
    return (time.perf_counter() - started) * 1000


def measure(
    server: Server,
    client: Client,
    session: str,
    name: str,
    url: str,
    *,
    clients: int,
    requests: int,
    seconds: float,
) -> PageFigures:
    for _ in range(2 * server.workers):
        _get(server.port, url, session)
    timings: list[float] = []
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds
    failures: list[Exception] = []
    sent = 0

    def work() -> None:
        nonlocal sent
        while True:
            with lock:
                if sent >= requests or time.perf_counter() > deadline:
                    return
                sent += 1
            try:
                took = _get(server.port, url, session)
            except Exception as error:  # reported after the threads end
                failures.append(error)
                return
            with lock:
                timings.append(took)

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise failures[0]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, secure=True).status_code == 200, url
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95 + 0.5) - 1)]
    return PageFigures(
        name=name,
        url=url,
        requests=len(timings),
        median_ms=statistics.median(timings),
        p95_ms=p95,
        rps=len(timings) / wall,
        queries=len(queries),
    )
