"""Shared fixtures: personas, an API client per brand, a real Celery worker, and the service
markers.

Tests marked `postgres`, `redis` or `browser` skip with a reason when that service is missing;
with REQUIRE_SERVICES=1 (CI) a missing service fails them instead.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import kombu
import kombu.pools
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import translation
from rest_framework.test import APIClient

from partnerships.celery import app as celery_app
from partnerships.models import BrandAPIKey, Role
from tests import factories

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]


def _missing(service: str) -> str | None:
    if service == "postgres":
        if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
            return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    elif service == "redis":
        if not settings.REDIS_URL:
            return "needs Redis and a Celery worker: set REDIS_URL=redis://..."
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as error:
            return f"Redis at REDIS_URL does not answer: {error}"
    elif service == "browser" and not os.access(CHROMIUM, os.X_OK):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    for service in ("postgres", "redis", "browser"):
        if item.get_closest_marker(service) and (reason := _missing(service)):
            _unavailable(reason)


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_api_rate_limits(settings) -> None:
    """The suite sends far more API requests a minute from one address than a client may;
    tests of the limits set them (tests/partnerships/test_throttles.py)."""
    settings.API_RATE_PER_ADDRESS = None
    settings.API_RATE_PER_KEY = None


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    """Each test ends back in the site's language: a page asked for in Russian leaves Russian
    active in the thread (the locale middleware sets it per request), which would carry into
    the next test's forms and models."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request):
    """Tasks queued by a page run at once, in the test; only tests marked `redis` meet a real
    broker and worker."""
    if request.node.get_closest_marker("redis"):
        yield
        return
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A page asked for in another language leaves it active in the thread (LocaleMiddleware
    activates, nothing deactivates): the next test starts in the default language again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _test_database_url() -> str:
    # The worker must read the test database, which pytest-django named after the real one.
    return (
        urlsplit(os.environ["DATABASE_URL"])
        ._replace(path="/" + connection.settings_dict["NAME"])
        .geturl()
    )


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"service test cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@contextmanager
def broker_at(url: str) -> Iterator[str]:
    """Send this process's tasks to the broker at `url` (the result store stays Redis)."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    _drop_broker_connections()
    conf.broker_url, conf.task_always_eager = url, False
    try:
        yield url
    finally:
        _drop_broker_connections()
        conf.broker_url, conf.task_always_eager = saved


def _drop_broker_connections() -> None:
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


# RabbitMQ for the worker tests: the machine's own in CI; a vhost of one's own elsewhere.
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


@pytest.fixture(params=["redis", "rabbitmq"])
def broker(request) -> Iterator[str]:
    """Each worker test runs against both brokers: yields the URL tasks are sent to."""
    url = settings.REDIS_URL if request.param == "redis" else RABBITMQ_URL
    try:
        with kombu.Connection(url, connect_timeout=2) as probe:
            probe.ensure_connection(max_retries=1)
    except Exception as error:  # any failure means the broker is not there
        _unavailable(f"{request.param} broker at {url} does not answer: {error}")
    with broker_at(url):
        yield url


@dataclass
class Worker:
    queue: str
    process: subprocess.Popen

    def kill(self) -> None:
        """kill -9: the worker dies with its task unacknowledged."""
        self.process.kill()
        self.process.wait(timeout=30)


@pytest.fixture
def start_worker(transactional_db) -> Iterator[Callable[..., Worker]]:
    """Starts real Celery workers reading the test database, on the broker this process sends
    to: `start_worker(queue=None, pool="solo", **environment)`; a new queue unless one is given
    (so several workers can share one). They stop at the end of the test."""
    started: list[Worker] = []

    def start(queue: str | None = None, pool: str = "solo", **environment: str) -> Worker:
        queue = queue or f"test-{uuid.uuid4().hex[:8]}"
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "BROKER_URL": celery_app.conf.broker_url,
            "TASK_QUEUE": queue,
            "PYTHONPATH": str(ROOT),
            **environment,
        }
        command = [sys.executable, "-m", "celery", "-A", "partnerships", "worker"]
        command += [f"--pool={pool}", "--concurrency=1", "--queues", queue]
        command += ["--include", "tests.worker_tasks", "--without-gossip", "--without-mingle"]
        command += ["--loglevel=warning", f"--hostname={queue}-{len(started)}@%h"]
        worker = Worker(queue, subprocess.Popen(command, cwd=ROOT, env=env))
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.process.terminate()
    for worker in started:
        worker.process.wait(timeout=30)
    with celery_app.connection_for_write() as broker_connection:
        for queue in {worker.queue for worker in started}:
            broker_connection.default_channel.queue_delete(queue)


@pytest.fixture
def worker(broker, start_worker) -> str:
    """A real Celery worker on a queue of its own, reading the test database; yields the queue.
    Tasks the worker queues itself go to the same queue."""
    return start_worker().queue


DRILL_REDIS_PORT = int(os.environ.get("DRILL_REDIS_PORT", "6390"))


class RedisServer:
    """A Redis server of the test's own, to stop and start under a worker (docker compose's
    Redis keeps its data the same way, in an append-only file)."""

    def __init__(self, port: int, folder: Path) -> None:
        self.port, self.folder = port, folder
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--bind", "127.0.0.1", "--port", str(self.port)),
                *("--dir", str(self.folder), "--save", "", "--appendonly", "yes"),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError as error:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on {self.port}") from error
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()  # SHUTDOWN: the append-only file is complete
            self.process.wait(timeout=30)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def drill_redis(tmp_path) -> Iterator[RedisServer]:
    """A Redis of this test's own on DRILL_REDIS_PORT (6390 unless set), for drills that stop
    the broker; the shared Redis keeps the results."""
    if not shutil.which("redis-server"):
        _unavailable("needs redis-server on the PATH for broker drills")
    server = RedisServer(DRILL_REDIS_PORT, tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def brand(db):
    return factories.BrandFactory(name="Lumière Hair & Gowns", slug="lumiere")


@pytest.fixture
def other_brand(db):
    return factories.BrandFactory(name="Kestrel Running Co.", slug="kestrel")


def _member(brand, role, **user_fields):
    user = factories.UserFactory(**user_fields)
    factories.MembershipFactory(user=user, brand=brand, role=role)
    return user


@pytest.fixture
def brand_manager(brand):
    return _member(brand, Role.MANAGER, username="manager")


@pytest.fixture
def brand_owner(brand):
    return _member(brand, Role.OWNER, username="owner", is_staff=True)


@pytest.fixture
def viewer(brand):
    return _member(brand, Role.VIEWER, username="viewer", is_staff=True)


@pytest.fixture
def finance(brand):
    return _member(brand, Role.FINANCE, username="finance", is_staff=True)


@pytest.fixture
def other_brand_manager(other_brand):
    return _member(other_brand, Role.MANAGER, username="other", is_staff=True)


@pytest.fixture
def agency_staff(brand, other_brand):
    user = _member(brand, Role.MANAGER, username="agency", is_staff=True)
    factories.MembershipFactory(user=user, brand=other_brand, role=Role.MANAGER)
    return user


def api_client_for(brand) -> APIClient:
    _, key = BrandAPIKey.objects.create_key(brand=brand, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.fixture
def api(brand) -> APIClient:
    return api_client_for(brand)


@pytest.fixture
def other_api(other_brand) -> APIClient:
    return api_client_for(other_brand)
