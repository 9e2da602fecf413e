"""No user reaches another brand's rows through any URL, admin page or API call (DESIGN §8).

Brand A gets a row of every model that a page, the admin or the API shows. A manager of brand
B only then walks every page of the project that takes an id, the admin pages of every
brand-scoped model and every detail route of the API with brand A's ids: each answers 404 and
nothing of brand A changes. A page added later with an id in its address fails here until it
is mapped to its model below, so it is walked too.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from rest_framework.test import APIClient

from campaigns.models import (
    BrandMetrics,
    Campaign,
    ContentComment,
    ContentItem,
    ContentLine,
    DailySummary,
    ImportJob,
    Participant,
    SaleLine,
    Shipment,
    ShopWebhook,
    WebhookDelivery,
)
from contracts.models import (
    Acceptance,
    Contract,
    Deliverable,
    DistributorOrder,
    NextStep,
    Partnership,
    PayoutDetails,
    Statement,
)
from influencers.models import Influencer, RiskAssessment
from partnerships.admin import BrandScopedMixin
from partnerships.models import AuditEvent, BrandAPIKey, Product
from partnerships.workspace.urls import router
from portal.models import CreatorLink
from tests import factories
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db

# Every page whose address carries an id: the model each id names. Pages that only take a POST
# answer a GET with 405 before looking anything up, which tells nobody whether the row exists.
PAGES: dict[str, dict[str, type[models.Model]]] = {
    "product_detail": {"pk": Product},
    "product_edit": {"pk": Product},
    "influencers:detail": {"pk": Influencer},
    "influencers:edit": {"pk": Influencer},
    "influencers:status": {"pk": Influencer},
    "influencers:risk_create": {"pk": Influencer},
    "influencers:risk_edit": {"pk": RiskAssessment},
    "influencers:risk_close": {"pk": RiskAssessment},
    "influencers:personal_data_json": {"pk": Influencer},
    "influencers:personal_data_csv": {"pk": Influencer},
    "influencers:erase": {"pk": Influencer},
    "campaigns:detail": {"pk": Campaign},
    "campaigns:edit": {"pk": Campaign},
    "campaigns:performance": {"pk": Campaign},
    "campaigns:report_csv": {"pk": Campaign},
    "campaigns:participant_create": {"pk": Campaign},
    "campaigns:participant_edit": {"pk": Campaign, "participant_pk": Participant},
    "campaigns:content_create": {"pk": Campaign},
    "campaigns:shipment_create": {"pk": Campaign},
    "campaigns:content_review": {"pk": ContentItem},
    "campaigns:shipment_status": {"pk": Shipment},
    "contracts:partnership": {"pk": Partnership},
    "contracts:partnership_edit": {"pk": Partnership},
    "contracts:meeting_create": {"pk": Partnership},
    "contracts:message_create": {"pk": Partnership},
    "contracts:step_done": {"pk": NextStep},
    "contracts:detail": {"pk": Contract},
    "contracts:edit": {"pk": Contract},
    "contracts:status": {"pk": Contract},
    "contracts:preview": {"pk": Contract},
    "contracts:document": {"pk": Contract},
    "contracts:statement": {"pk": Statement},
    "contracts:statement_csv": {"pk": Statement},
    "contracts:statement_approve": {"pk": Statement},
    "contracts:statement_pay": {"pk": Statement},
    "import_job": {"pk": ImportJob},
    "import_errors": {"pk": ImportJob},
    "portal_invite": {"pk": Influencer},
    "contracts:message": {"pk": Contract},
    "contracts:invoice": {"pk": Statement},
}
POST_ONLY = {
    "portal_invite",
    "contracts:message",
    "influencers:status",
    "influencers:risk_create",
    "influencers:risk_edit",
    "influencers:risk_close",
    "influencers:erase",
    "contracts:meeting_create",
    "contracts:message_create",
    "contracts:step_done",
    "campaigns:content_review",
    "campaigns:shipment_status",
    "contracts:status",
    "contracts:preview",
    "contracts:statement_approve",
    "contracts:statement_pay",
}
# Pages for the brand's owners only (a manager gets 403 from them).
OWNER_ONLY = {
    "influencers:personal_data_json",
    "influencers:personal_data_csv",
    "influencers:erase",
}
# Answered with a redirect to the full page unless asked for by HTMX.
HTMX_ONLY = {"campaigns:performance"}
OUTSIDE_THE_SWEEP = ("admin/", "api/", "portal/")


def _patterns(
    resolver: URLResolver | None = None,
    prefix: str = "",
    namespace: str = "",
    converters: dict | None = None,
) -> Iterator[tuple[str, str, list[str], bool]]:
    """(route, URL name, names of its int parameters, whether it takes other parameters) of
    every named page."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        found = {**(converters or {}), **pattern.pattern.converters}
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _patterns(pattern, route, inner, found)
        elif isinstance(pattern, URLPattern) and pattern.name:
            ints = sorted(name for name, c in found.items() if isinstance(c, IntConverter))
            others = len(found) > len(ints) or "(?P<" in route
            yield route, ":".join(filter(None, [namespace, pattern.name])), ints, others


def _id_patterns() -> Iterator[tuple[str, str, list[str]]]:
    """(route, URL name, names of its int parameters) of every page with an int in its address."""
    for route, name, ints, _ in _patterns():
        if ints and not route.startswith(OUTSIDE_THE_SWEEP):
            yield route, name, ints


def brand_data(brand, manager) -> dict[type[models.Model], models.Model]:
    """One row of every brand-owned model, all of `brand`."""
    influencer = factories.InfluencerFactory(brand=brand)
    account = factories.SocialAccountFactory(influencer=influencer)
    risk = factories.RiskAssessmentFactory(influencer=influencer)
    partnership = factories.PartnershipFactory(influencer=influencer)
    contract = factories.ContractFactory(partnership=partnership)
    contract.signed_document = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed")
    contract.save()
    term = factories.CompensationTermFactory(contract=contract)
    deliverable = factories.DeliverableFactory(contract=contract)
    price = factories.DistributorPriceFactory(contract__partnership=partnership)
    order = DistributorOrder.objects.create(
        contract=price.contract,
        reference="PO-1",
        ordered_at=datetime(2026, 11, 3, 9, 0, tzinfo=UTC),
        product=price.product,
        quantity=5,
        unit_price=Decimal("121.00"),
    )
    product = factories.ProductFactory(brand=brand)
    joint_brand = factories.JointBrandFactory(contract__partnership=partnership, products=[product])
    campaign = factories.CampaignFactory(brand=brand)
    participant = factories.ParticipantFactory(contract=contract, campaign=campaign)
    code = factories.TrackingCodeFactory(participant=participant)
    content = factories.ContentItemFactory(participant=participant, deliverable=deliverable)
    comment = ContentComment.objects.create(content=content, author=manager, body="Lovely.")
    shipment = factories.ShipmentFactory(participant=participant)
    shipment_item = factories.ShipmentItemFactory(shipment=shipment)
    snapshot = factories.MetricSnapshotFactory(content=content, views=1_000)
    sale = factories.SaleFactory(tracking_code=code, product=product)
    statement = factories.StatementFactory(contract=contract)
    line = factories.StatementLineFactory(statement=statement)
    api_key, _ = BrandAPIKey.objects.create_key(brand=brand, name="shop")
    payout_details = PayoutDetails.objects.create(
        influencer=influencer, method="paypal", account_holder="A", account_email="a@example.com"
    )
    acceptance = Acceptance.objects.create(
        contract=contract,
        accepted_by=manager,
        accepted_at=datetime(2026, 11, 3, 9, 0, tzinfo=UTC),
        terms_summary="Terms.",
        terms_sha256="0" * 64,
    )
    meeting = factories.MeetingFactory(partnership=partnership)
    step = factories.NextStepFactory(meeting=meeting)
    message = factories.MessageFactory(partnership=partnership)
    rows = [
        brand,
        manager.memberships.get(brand=brand),
        product,
        factories.ExchangeRateFactory(brand=brand),
        api_key,
        factories.ReminderFactory(brand=brand),
        influencer,
        account,
        risk,
        partnership,
        meeting,
        step,
        message,
        contract,
        term,
        deliverable,
        price,
        order,
        joint_brand,
        statement,
        line,
        payout_details,
        acceptance,
        campaign,
        participant,
        code,
        content,
        comment,
        shipment,
        shipment_item,
        snapshot,
        sale,
        SaleLine.objects.create(sale=sale, line=line, base=Decimal("100.00")),
        ContentLine.objects.create(content=content, line=line, quantity=Decimal("1")),
        factories.ImportJobFactory(brand=brand),
        BrandMetrics.objects.create(brand=brand, reference_cpm=Decimal("9.50")),
        webhook := ShopWebhook.objects.create(
            brand=brand, kind="sales", secret=f"key-{brand.slug}"
        ),
        WebhookDelivery.objects.create(webhook=webhook, delivery_id="d-1", payload=[]),
        AuditEvent.objects.create(
            at=datetime(2026, 11, 3, 9, 0, tzinfo=UTC), brand=brand, action="signed_in"
        ),
        DailySummary.objects.create(
            brand=brand,
            day=date(2026, 11, 3),
            currency=brand.default_currency,
            contract=contract,
            influencer=influencer,
            method=contract.method,
            campaign=campaign,
            participant=participant,
            statement_cost=Decimal("500.00"),
        ),
    ]
    return {type(row): row for row in rows}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path  # signed contract documents and imported files


@pytest.fixture
def rows_of_a(brand, brand_manager):
    return brand_data(brand, brand_manager)


@pytest.fixture
def rows_of_b(other_brand, other_brand_manager):
    return brand_data(other_brand, other_brand_manager)


def _snapshot(rows: dict[type[models.Model], models.Model]) -> dict:
    """Every field of every row, as stored now."""
    return {
        model: model_to_dict(model._default_manager.get(pk=row.pk)) for model, row in rows.items()
    }


def _page_url(name: str, rows: dict[type[models.Model], models.Model]) -> str:
    return reverse(name, kwargs={kwarg: rows[model].pk for kwarg, model in PAGES[name].items()})


# --- pages -------------------------------------------------------------------------------------


def test_every_page_with_an_id_is_in_the_sweep():
    found = {name: ints for _, name, ints in _id_patterns()}
    unmapped = {name for name in found if name not in PAGES}
    assert not unmapped, f"map these pages to the models their ids name: {sorted(unmapped)}"
    assert set(PAGES) <= set(found), f"gone from the URLs: {sorted(set(PAGES) - set(found))}"
    for name, ints in found.items():
        assert sorted(PAGES[name]) == ints, name


@pytest.mark.parametrize("name", sorted(PAGES))
def test_manager_of_other_brand_gets_404_on_every_page_with_an_id(
    client, other_brand_manager, rows_of_a, rows_of_b, name
):
    before = _snapshot(rows_of_a)
    client.force_login(other_brand_manager)
    url = _page_url(name, rows_of_a)
    assert client.get(url).status_code == (405 if name in POST_ONLY else 404), url
    assert client.post(url, {}).status_code == 404, url
    assert client.post(url, {}, HTTP_HX_REQUEST="true").status_code == 404, url
    assert _snapshot(rows_of_a) == before


@pytest.mark.parametrize("name", sorted(name for name, ids in PAGES.items() if len(ids) > 1))
def test_own_parent_does_not_open_another_brands_child(
    client, other_brand_manager, rows_of_a, rows_of_b, name
):
    """An own campaign in the address does not make another brand's participant reachable."""
    client.force_login(other_brand_manager)
    own_parent = {**rows_of_a, Campaign: rows_of_b[Campaign]}
    url = _page_url(name, own_parent)
    assert client.get(url).status_code == 404, url
    assert client.post(url, {}).status_code == 404, url


@pytest.mark.parametrize("name", sorted(PAGES))
def test_own_manager_reaches_every_page_with_an_id(
    client, brand_manager, brand_owner, rows_of_a, name
):
    """The mapping above names the right models: the brand's own manager (owner, for the
    owners' pages) gets the page."""
    client.force_login(brand_owner if name in OWNER_ONLY else brand_manager)
    url = _page_url(name, rows_of_a)
    if name in POST_ONLY:
        assert client.post(url, {}).status_code not in (404, 405), url
        return
    headers = {"HTTP_HX_REQUEST": "true"} if name in HTMX_ONLY else {}
    assert client.get(url, **headers).status_code == 200, url


def test_owner_of_other_brand_neither_sees_nor_revokes_a_brands_api_key(
    client, rows_of_a, rows_of_b, other_brand
):
    """The API keys page names a key by its prefix in the form, not in the address."""
    owner = factories.UserFactory()
    factories.MembershipFactory(user=owner, brand=other_brand, role="owner")
    key_of_a, key_of_b = rows_of_a[BrandAPIKey], rows_of_b[BrandAPIKey]
    client.force_login(owner)
    page = client.get(reverse("api_keys")).content.decode()
    assert key_of_b.prefix in page
    assert key_of_a.prefix not in page
    assert client.post(reverse("api_keys"), {"revoke": key_of_a.prefix}).status_code == 404
    key_of_a.refresh_from_db()
    assert not key_of_a.revoked


# --- admin -------------------------------------------------------------------------------------

PROJECT_APPS = {"partnerships", "influencers", "contracts", "campaigns"}


def _scoped_admins() -> list[type[models.Model]]:
    registry = admin.site._registry
    scoped = [model for model in registry if isinstance(registry[model], BrandScopedMixin)]
    return sorted(scoped, key=lambda model: model._meta.label)


def _admin_url(row: models.Model, page: str = "change") -> str:
    opts = row._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[quote(row.pk)])


def _changelist_pks(client: Client, model: type[models.Model]) -> set:
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200
    return set(response.context["cl"].queryset.values_list("pk", flat=True))


def test_every_admin_of_a_project_model_is_brand_scoped():
    unscoped = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROJECT_APPS and not isinstance(model_admin, BrandScopedMixin)
    ]
    assert not unscoped


@pytest.mark.parametrize("model", _scoped_admins(), ids=lambda model: model._meta.label)
def test_staff_of_other_brand_gets_404_on_every_admin_change_page(
    client, other_brand_manager, rows_of_a, rows_of_b, model
):
    assert model in rows_of_a, f"add a row of {model._meta.label} to brand_data()"
    client.force_login(other_brand_manager)
    for page in ("change", "history", "delete"):
        assert client.get(_admin_url(rows_of_a[model], page)).status_code == 404, page
    assert client.post(_admin_url(rows_of_a[model]), {}).status_code == 404
    assert client.get(_admin_url(rows_of_b[model])).status_code == 200
    listed = _changelist_pks(client, model)
    assert rows_of_a[model].pk not in listed
    assert rows_of_b[model].pk in listed


AUTOCOMPLETES = [
    (model, field)
    for model in _scoped_admins()
    for field in admin.site._registry[model].autocomplete_fields
]


@pytest.mark.parametrize(
    ("model", "field"), AUTOCOMPLETES, ids=[f"{m._meta.label}.{f}" for m, f in AUTOCOMPLETES]
)
def test_admin_autocomplete_offers_only_own_brands_rows(
    client, other_brand_manager, rows_of_a, rows_of_b, model, field
):
    client.force_login(other_brand_manager)
    opts = model._meta
    query = {"app_label": opts.app_label, "model_name": opts.model_name, "field_name": field}
    response = client.get(reverse("admin:autocomplete"), query)
    offered = {row["id"] for row in response.json()["results"]}
    assert str(getattr(rows_of_a[model], f"{field}_id")) not in offered
    assert str(getattr(rows_of_b[model], f"{field}_id")) in offered


def test_staff_of_other_brand_gets_404_on_a_contracts_past_version(
    client, other_brand_manager, rows_of_a
):
    contract = rows_of_a[Contract]
    version = contract.history.latest("history_date")
    client.force_login(other_brand_manager)
    url = reverse("admin:contracts_contract_simple_history", args=[contract.pk, version.pk])
    assert client.get(url).status_code == 404


# --- API ---------------------------------------------------------------------------------------


def _detail_routes() -> list[tuple[str, str, type[models.Model]]]:
    """(URL name, HTTP method, model) of every route of the API that names one row."""
    routes = []
    for _, viewset, basename in router.registry:
        model = getattr(viewset, "model", None) or viewset.serializer_class.Meta.model
        allowed = set(getattr(viewset, "http_method_names", ()))
        for route in router.get_routes(viewset):
            if not route.detail:
                continue
            for method, action in route.mapping.items():
                if hasattr(viewset, action) and method in allowed:
                    routes.append((route.name.format(basename=basename), method, model))
    return sorted(routes, key=lambda route: route[:2])


DETAIL_ROUTES = _detail_routes()


def test_api_has_detail_routes_to_sweep():
    names = {name for name, _, _ in DETAIL_ROUTES}
    assert {"contract-detail", "contract-sign", "statement-pay", "campaign-participants"} <= names


@pytest.mark.parametrize(
    ("name", "method", "model"), DETAIL_ROUTES, ids=[f"{n} {m}" for n, m, _ in DETAIL_ROUTES]
)
def test_api_key_of_other_brand_gets_404_on_every_detail_route(
    other_brand, rows_of_a, rows_of_b, name, method, model
):
    assert model in rows_of_a, f"add a row of {model._meta.label} to brand_data()"
    before = _snapshot(rows_of_a)
    other_key = api_client_for(other_brand)
    url = reverse(name, kwargs={"pk": rows_of_a[model].pk})
    response = other_key.generic(method.upper(), url, "{}", content_type="application/json")
    assert response.status_code == 404, (url, response.content)
    assert _snapshot(rows_of_a) == before
    if method == "get":
        own_url = reverse(name, kwargs={"pk": rows_of_b[model].pk})
        assert other_key.get(own_url).status_code == 200


def test_signed_in_member_of_other_brand_gets_404_on_statement_routes(
    other_brand_manager, rows_of_a, rows_of_b
):
    session = APIClient()
    session.force_login(other_brand_manager)
    statement = rows_of_a[Statement]
    for name, method, model in DETAIL_ROUTES:
        if model is Statement:
            url = reverse(name, kwargs={"pk": statement.pk})
            response = session.generic(method.upper(), url, "{}", content_type="application/json")
            assert response.status_code == 404, url
    assert Statement.objects.get(pk=statement.pk).status == Statement.Status.DRAFT


# --- the creator portal ------------------------------------------------------------------------

# Every portal page whose address carries an id: the model each id names (the payout details
# page names the creator's influencer record of one brand).
PORTAL_PAGES: dict[str, dict[str, type[models.Model]]] = {
    "portal:contract": {"pk": Contract},
    "portal:contract_accept": {"pk": Contract},
    "portal:contract_changes": {"pk": Contract},
    "portal:deliverable_submit": {"pk": Deliverable},
    "portal:content": {"pk": ContentItem},
    "portal:content_resubmit": {"pk": ContentItem},
    "portal:content_publish": {"pk": ContentItem},
    "portal:content_reply": {"pk": ContentItem},
    "portal:shipment_received": {"pk": Shipment},
    "portal:statement": {"pk": Statement},
    "portal:statement_csv": {"pk": Statement},
    "portal:statement_invoice": {"pk": Statement},
    "portal:payout_details": {"pk": Influencer},
    "portal:thread": {"pk": Partnership},
}
PORTAL_POST_ONLY = {
    "portal:contract_accept",
    "portal:contract_changes",
    "portal:content_resubmit",
    "portal:content_publish",
    "portal:content_reply",
    "portal:shipment_received",
}
# Open to anyone signed in or not: signing in and out, choosing a language, and the API's
# public schema.
PUBLIC = {
    "login",
    "set_language",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "schema",
    "api_docs",
}


def _creator_of(rows: dict[type[models.Model], models.Model], username: str):
    """A sign-in linked to the rows' influencer, with the rows in the states a creator sees:
    the contract signed, a deliverable still open, the statement approved."""
    user = factories.UserFactory(username=username)
    CreatorLink.objects.create(user=user, influencer=rows[Influencer])
    Deliverable.objects.filter(pk=rows[Deliverable].pk).update(quantity=2)
    Statement.objects.filter(pk=rows[Statement].pk).update(status=Statement.Status.APPROVED)
    return user


@pytest.fixture
def creator_of_a(rows_of_a):
    return _creator_of(rows_of_a, "creator-a")


@pytest.fixture
def creator_of_b(rows_of_b):
    return _creator_of(rows_of_b, "creator-b")


def _portal_url(name: str, rows: dict[type[models.Model], models.Model]) -> str:
    kwargs = {kwarg: rows[model].pk for kwarg, model in PORTAL_PAGES[name].items()}
    return reverse(name, kwargs=kwargs)


def test_every_portal_page_with_an_id_is_in_the_sweep():
    found = {name: ints for _, name, ints in _portal_patterns()}
    assert set(found) == set(PORTAL_PAGES), sorted(set(found) ^ set(PORTAL_PAGES))
    for name, ints in found.items():
        assert sorted(PORTAL_PAGES[name]) == ints, name


def _portal_patterns() -> Iterator[tuple[str, str, list[str]]]:
    for route, name, ints, _ in _patterns():
        if route.startswith("portal/") and ints:
            yield route, name, ints


@pytest.mark.parametrize("name", sorted(PORTAL_PAGES))
def test_creator_of_another_influencer_gets_404_on_every_portal_page(
    client, creator_of_a, creator_of_b, rows_of_a, name
):
    before = _snapshot(rows_of_a)
    client.force_login(creator_of_b)
    url = _portal_url(name, rows_of_a)
    assert client.get(url).status_code == (405 if name in PORTAL_POST_ONLY else 404), url
    assert client.post(url, {}).status_code == 404, url
    assert _snapshot(rows_of_a) == before


@pytest.mark.parametrize("name", sorted(PORTAL_PAGES))
def test_creator_reaches_every_portal_page_of_their_own(client, creator_of_a, rows_of_a, name):
    client.force_login(creator_of_a)
    url = _portal_url(name, rows_of_a)
    if name in PORTAL_POST_ONLY:
        assert client.post(url, {}).status_code not in (404, 405), url
        return
    assert client.get(url).status_code == 200, url


def test_brand_manager_is_not_let_into_the_portal(client, brand_manager, rows_of_a):
    client.force_login(brand_manager)
    assert client.get(reverse("portal:home")).status_code == 404
    assert client.get(_portal_url("portal:contract", rows_of_a)).status_code == 404


def _brand_urls(rows: dict[type[models.Model], models.Model]) -> Iterator[str]:
    """Every address of the brand's side: the pages (with the rows' ids), the admin and the
    API's lists and rows."""
    for route, name, ints, others in _patterns():
        if others or name in PUBLIC or route.startswith(("portal/", "admin/", "api/")):
            continue
        if not ints:
            yield reverse(name)
        elif name in PAGES:
            yield _page_url(name, rows)
    yield reverse("admin:index")
    for model in _scoped_admins():
        opts = model._meta
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    for name, _, model in DETAIL_ROUTES:
        if name.endswith("-detail"):
            yield reverse(name, kwargs={"pk": rows[model].pk})
            yield reverse(name.replace("-detail", "-list"))


def test_every_brand_url_is_refused_to_a_creator(client, creator_of_a, rows_of_a):
    """Signed in as the influencer of brand A, none of brand A's own pages, admin or API
    answers: each is a 404, a 403, a 405 or a redirect away (to the portal or to sign in)."""
    before = _snapshot(rows_of_a)
    client.force_login(creator_of_a)
    urls = sorted(set(_brand_urls(rows_of_a)))
    assert len(urls) > 40
    for url in urls:
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code in (302, 401, 403, 404, 405), (url, response.status_code)
            if response.status_code == 302:
                assert response.url.startswith(("/portal/", "/admin/login/", "/accounts/login/")), (
                    url,
                    response.url,
                )
    assert _snapshot(rows_of_a) == before


def test_a_webhook_takes_only_deliveries_signed_with_its_own_brands_secret(rows_of_a, rows_of_b):
    from campaigns import webhooks

    body = b"[]"
    theirs = rows_of_b[ShopWebhook]
    url = reverse("webhook_sales", kwargs={"pk": rows_of_a[ShopWebhook].pk})
    before = WebhookDelivery.objects.count()
    response = Client().post(
        url,
        body,
        content_type="application/json",
        headers={
            "X-Signature-Sha256": webhooks.signature(theirs.secret, body),
            "X-Delivery-Id": "d-2",
        },
    )
    assert response.status_code == 401
    assert WebhookDelivery.objects.count() == before
    own = webhooks.signature(rows_of_a[ShopWebhook].secret, body)
    response = Client().post(
        url,
        body,
        content_type="application/json",
        headers={"X-Signature-Sha256": own, "X-Delivery-Id": "d-2"},
    )
    assert response.status_code == 202
