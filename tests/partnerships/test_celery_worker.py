"""A real worker process takes a task from Redis, reads the database and returns the result."""

import pytest

from partnerships.celery import app
from tests import factories


@pytest.mark.postgres
@pytest.mark.redis
def test_worker_runs_a_task_and_returns_its_result(worker, brand):
    factories.ProductFactory.create_batch(3, brand=brand)
    result = app.send_task(
        "tests.worker_tasks.count_products", args=[brand.pk], queue=worker, ignore_result=False
    )
    assert result.get(timeout=60) == 3
