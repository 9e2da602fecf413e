from celery import shared_task

from influencers import scoring
from influencers.models import Influencer


@shared_task
def rescore_brand(brand_id: int) -> int:
    """Recompute every fit score of a brand, e.g. after its target audience changed."""
    return scoring.rescore(Influencer.objects.filter(brand_id=brand_id))
