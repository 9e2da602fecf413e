"""A task the Celery worker integration test sends; the worker loads it with --include."""

import time

from celery import shared_task

from partnerships.models import Product
from tests.contracts import settlement_pause  # noqa: F401  (pauses settlement when asked)


@shared_task
def count_products(brand_id: int) -> int:
    return Product.objects.filter(brand_id=brand_id).count()


@shared_task
def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds
