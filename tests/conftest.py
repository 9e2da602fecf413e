"""Shared fixtures: personas, an API client per brand, a real Celery worker, and the service
markers.

Tests marked `postgres`, `redis` or `browser` skip with a reason when that service is missing;
with REQUIRE_SERVICES=1 (CI) a missing service fails them instead.
"""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings
from django.db import connection
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
            if os.environ.get("REQUIRE_SERVICES") == "1":
                pytest.fail(f"service test cannot run in CI: {reason}", pytrace=False)
            pytest.skip(reason)


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


def _test_database_url() -> str:
    # The worker must read the test database, which pytest-django named after the real one.
    return (
        urlsplit(os.environ["DATABASE_URL"])
        ._replace(path="/" + connection.settings_dict["NAME"])
        .geturl()
    )


@pytest.fixture
def worker(transactional_db):
    """A real Celery worker on a queue of its own, reading the test database; yields the queue."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "partnerships",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--include",
            "tests.worker_tasks",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    yield queue
    process.terminate()
    process.wait(timeout=30)


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
