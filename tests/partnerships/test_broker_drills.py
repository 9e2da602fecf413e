"""Broker drills against real workers: Redis restarted under a running task; a worker killed
with its task taken (kill -9) and the task handed to another worker."""

import pytest
import redis

from partnerships.celery import app
from tests import factories
from tests.conftest import broker_at
from tests.waiting import until


def taken(server) -> bool:
    """Whether a worker holds a task it has not acknowledged yet."""
    return redis.Redis.from_url(server.url).hlen("unacked") > 0


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.parametrize("pool", ["solo", "prefork"])
def test_a_worker_survives_a_redis_restart_during_a_task_and_serves_the_next(
    drill_redis, start_worker, brand, pool
):
    factories.ProductFactory.create_batch(2, brand=brand)
    with broker_at(drill_redis.url):
        worker = start_worker(pool=pool)
        running = app.send_task(
            "tests.worker_tasks.nap", args=[3], queue=worker.queue, ignore_result=False
        )
        until(lambda: taken(drill_redis), what="the worker taking the task")

        drill_redis.restart()

        # Within seconds: a worker that waits out long reconnection back-offs, or whose result
        # store gave up, fails here as surely as one that died.
        assert running.get(timeout=30) == 3
        following = app.send_task(
            "tests.worker_tasks.count_products",
            args=[brand.pk],
            queue=worker.queue,
            ignore_result=False,
        )
        assert following.get(timeout=30) == 2
        assert worker.process.poll() is None  # still the same worker


def test_redis_hands_on_a_lost_task_only_after_the_longest_task_could_have_run(settings):
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < visibility
    assert visibility <= 15 * 60  # not Redis's default hour
