"""A real worker process takes a task from Redis, reads the database and returns the result."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

from partnerships.celery import app
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def _test_database_url() -> str:
    # The worker must read the test database, which pytest-django named after the real one.
    return (
        urlsplit(os.environ["DATABASE_URL"])
        ._replace(path="/" + connection.settings_dict["NAME"])
        .geturl()
    )


@pytest.fixture
def worker(transactional_db):
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


@pytest.mark.postgres
@pytest.mark.redis
def test_worker_runs_a_task_and_returns_its_result(worker, brand):
    factories.ProductFactory.create_batch(3, brand=brand)
    result = app.send_task("tests.worker_tasks.count_products", args=[brand.pk], queue=worker)
    assert result.get(timeout=60) == 3
