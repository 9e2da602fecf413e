"""A creator signed in to the portal as the influencer of the brand's contract."""

import pytest

from portal.models import CreatorLink
from tests import factories


@pytest.fixture
def contract(brand):
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand,
        partnership__influencer__name="Anna Sokolova",
        title="Spring wig reviews",
        disclosure_text="#ad #LumiereHair",
    )
    factories.CompensationTermFactory(contract=contract)
    return contract


@pytest.fixture
def creator(contract):
    user = factories.UserFactory(username="anna", email="anna@example.com")
    CreatorLink.objects.create(user=user, influencer=contract.partnership.influencer)
    return user


@pytest.fixture
def creator_client(client, creator):
    client.force_login(creator)
    return client
