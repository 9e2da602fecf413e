"""The figures on a brand's dashboard."""

from dataclasses import dataclass
from datetime import date

from campaigns.models import Campaign
from contracts.models import Contract
from influencers.models import Influencer
from partnerships import tenancy
from partnerships.models import Brand, Product


@dataclass(frozen=True)
class Figures:
    influencers: int
    active_contracts: int
    running_campaigns: int
    products: int


def figures(brand: Brand, today: date) -> Figures:
    """Counts for one brand; `today` is the brand's local date."""

    def count(queryset) -> int:
        return tenancy.scope_to_brand(queryset, brand).count()

    return Figures(
        influencers=count(Influencer.objects.all()),
        active_contracts=count(Contract.objects.filter(status=Contract.Status.ACTIVE)),
        running_campaigns=count(Campaign.objects.filter(start__lte=today, end__gte=today)),
        products=count(Product.objects.all()),
    )
