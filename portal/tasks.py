from celery import shared_task
from django.utils import timezone

from portal import digests


@shared_task(acks_late=True)
def send_creator_digests() -> int:
    """E-mail each creator what needs them in the portal; returns how many e-mails went out."""
    return digests.send_digests(now=timezone.now())
