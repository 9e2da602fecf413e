"""The influencer endpoint: influencers of the API key's brand with their social accounts nested.

An influencer is written together with its `accounts` in one transaction, then rescored, so the
stored totals (followers, engagement, fit) always match the accounts returned.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import django_filters
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters, serializers

from influencers import scoring
from influencers.audience import DIMENSIONS, validate_breakdown
from influencers.models import (
    SOCIAL_ACCOUNT_FIELDS,
    TIER_FOLLOWERS,
    Influencer,
    Platform,
    SocialAccount,
    Tier,
    normalise_handle,
)
from partnerships import audience as vocabulary
from partnerships.api import BrandModelSerializer, BrandScopedViewSet
from partnerships.inputs import JSONParser


@dataclass
class AccountChange:
    """One item of a payload's `accounts`: the stored account it updates (None for a new one)
    and the validated values to write."""

    account: SocialAccount | None
    values: dict[str, Any]


# The code list itself would bury the schema: a pattern and an example say enough.
@extend_schema_field({"type": "string", "pattern": "^[A-Za-z]{2}$", "example": "US"})
class CountryCodeField(serializers.ChoiceField):
    """An ISO 3166-1 alpha-2 code such as "US"; lower case is accepted and stored upper case."""

    default_error_messages = {
        "invalid_choice": gettext_lazy('"{input}" is not an ISO 3166-1 country code.')
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=list(countries), **kwargs)

    def to_internal_value(self, data: Any) -> str:
        return super().to_internal_value(data.strip().upper() if isinstance(data, str) else data)

    def to_representation(self, value: Any) -> str:
        return str(value) if value else ""


SHARES = {
    "type": "object",
    "additionalProperties": {"type": "number", "minimum": 0, "maximum": 100},
}


@extend_schema_field(
    {
        "type": "object",
        "properties": dict.fromkeys(DIMENSIONS, SHARES),
        "additionalProperties": False,
    }
)
class AudienceField(serializers.JSONField):
    """An audience breakdown: shares in percent per country, age band and gender."""


class AccountListSerializer(serializers.ListSerializer):
    """The `accounts` of one influencer.

    Each item updates a stored account of this influencer, named by `id` or else found by
    platform and handle, or adds a new one. Handles are unique per brand and platform: a handle
    listed twice, or held by another influencer of the brand, is an error on that item. Every
    item's errors are reported together, as `accounts[i].field`.
    """

    def to_internal_value(self, data: Any) -> list[AccountChange]:
        if not isinstance(data, list):
            return super().to_internal_value(data)  # the standard "expected a list" error
        influencer: Influencer | None = self.parent.instance if self.parent else None
        stored = (
            {account.pk: account for account in influencer.accounts.all()} if influencer else {}
        )
        values: list[dict | None] = []
        errors: list[dict[str, list]] = []
        for item in data:
            try:
                values.append(self.child.run_validation(item))
                errors.append({})
            except serializers.ValidationError as error:
                values.append(None)
                detail = error.detail
                errors.append(
                    dict(detail) if isinstance(detail, dict) else {"non_field_errors": detail}
                )
        targets = self._match(data, values, stored, errors)
        self._check_handles(targets, errors, influencer)
        if any(errors):
            raise serializers.ValidationError(errors)
        return [
            AccountChange(account, {k: v for k, v in value.items() if k != "id"})
            for (account, _), value in zip(targets, values, strict=True)
            if value is not None
        ]

    def _match(
        self,
        data: list,
        values: list[dict | None],
        stored: dict[int, SocialAccount],
        errors: list[dict[str, list]],
    ) -> list[tuple[SocialAccount | None, tuple[str, str] | None]]:
        """Per item: the stored account it updates, and the (platform, handle) it ends up with."""
        known = [_known_fields(raw, value) for raw, value in zip(data, values, strict=True)]
        accounts: list[SocialAccount | None] = [None] * len(data)
        claimed: set[int] = set()
        # Ids first, so that a platform-and-handle match never takes an account named by id.
        for index, (account_id, _platform, _handle) in enumerate(known):
            if account_id is None:
                continue
            if account_id not in stored:
                _add(errors[index], "id", _("No account with this id on this influencer."))
            elif account_id in claimed:
                _add(errors[index], "id", _("This account is listed twice."))
            else:
                accounts[index] = stored[account_id]
                claimed.add(account_id)
        by_key = {(a.platform, a.handle): a for a in stored.values() if a.pk not in claimed}
        targets = []
        for index, (account_id, platform, handle) in enumerate(known):
            account = accounts[index]
            if account is None and account_id is None and platform and handle:
                account = by_key.pop((platform, handle), None)
            if account is None and self.root.partial:
                # a new account needs both, even in a PATCH
                raw = data[index] if isinstance(data[index], dict) else {}
                for name in ("platform", "handle"):
                    if name not in raw and account_id is None:
                        _add(errors[index], name, _("This field is required."))
            platform = platform or (account.platform if account else None)
            handle = handle or (account.handle if account else None)
            targets.append((account, (platform, handle) if platform and handle else None))
        return targets

    def _check_handles(
        self,
        targets: list[tuple[SocialAccount | None, tuple[str, str] | None]],
        errors: list[dict[str, list]],
        influencer: Influencer | None,
    ) -> None:
        """A handle may appear once in the payload and must not belong to another account of
        the brand (one this request keeps)."""
        listed: dict[tuple[str, str], int] = {}
        for index, (_account, key) in enumerate(targets):
            if key is None:
                continue
            if key in listed:
                message = _("%(account)s is listed twice in accounts.") % {"account": _label(key)}
                _add(errors[index], "handle", message)
            else:
                listed[key] = index
        updated = {account.pk for account, _ in targets if account is not None}
        brand = self.context["brand"]
        if not listed or brand is None:
            return
        others = SocialAccount.objects.filter(
            brand=brand, handle__in={handle for _, handle in listed}
        ).select_related("influencer")
        for other in others:
            key = (other.platform, other.handle)
            if key not in listed or other.pk in updated:
                continue
            if influencer and other.influencer_id == influencer.pk and not self.root.partial:
                continue  # a full update removes the influencer's unlisted accounts first
            message = _("%(account)s already belongs to %(influencer)s.") % {
                "account": _label(key),
                "influencer": other.influencer,
            }
            _add(errors[listed[key]], "handle", message)


class SocialAccountSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        required=False,
        help_text="Send it back to update this account; leave it out to add one. Without it an "
        "account is matched by platform and handle.",
    )
    audience = AudienceField(
        required=False,
        validators=[validate_breakdown],
        help_text='Shares in percent, e.g. {"countries": {"US": 40}, "age_bands": {"18-24": 35}, '
        '"genders": {"female": 80}}; each breakdown adds up to 100 at most.',
    )
    tier = serializers.ChoiceField(choices=Tier.choices, read_only=True)

    class Meta:
        model = SocialAccount
        fields = ["id", *SOCIAL_ACCOUNT_FIELDS, "tier"]
        list_serializer_class = AccountListSerializer

    def validate_handle(self, value: str) -> str:
        if not (handle := normalise_handle(value)):
            raise serializers.ValidationError(_("Enter the handle, without the @."))
        return handle


class InfluencerSerializer(BrandModelSerializer):
    """An influencer with its accounts.

    `accounts` is required on POST and PUT (send `[]` for none): a PUT keeps exactly the
    accounts it lists and removes the rest, so leaving the key out must not silently remove
    them all. A PATCH without `accounts` leaves them alone; a PATCH with `accounts` updates
    the listed ones (only the fields sent) and adds new ones, removing none.
    """

    country = CountryCodeField(
        allow_blank=True, required=False, help_text="ISO 3166-1 code, e.g. US."
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        help_text="Language codes, e.g. en, es, ru.",
    )
    niches = serializers.ListField(
        child=serializers.CharField(max_length=80),
        required=False,
        help_text="Topics, e.g. wigs, hair care, evening wear.",
    )
    tier = serializers.ChoiceField(choices=Tier.choices, read_only=True)
    accounts = SocialAccountSerializer(many=True)

    class Meta:
        model = Influencer
        fields = [
            "id",
            "name",
            "kind",
            "country",
            "languages",
            "niches",
            "contact_email",
            "contact_phone",
            "agency",
            "status",
            "notes",
            "tier",
            "followers",
            "engagement_rate",
            "fit_score",
            "accounts",
        ]

    def validate_languages(self, value: list[str]) -> list[str]:
        return vocabulary.normalise_tags(value)

    def validate_niches(self, value: list[str]) -> list[str]:
        return vocabulary.normalise_tags(value)

    def validate(self, attrs: dict) -> dict:
        accounts = attrs.pop("accounts", None)  # the model cannot take them in full_clean()
        attrs = super().validate(attrs)
        if accounts is not None:
            attrs["accounts"] = accounts
        return attrs

    def create(self, validated_data: dict) -> Influencer:
        changes = validated_data.pop("accounts", [])
        with _one_transaction():
            influencer = Influencer.objects.create(**validated_data)
            _save_accounts(influencer, changes, replace=False)
            scoring.rescore(Influencer.objects.filter(pk=influencer.pk))
        return _reload(influencer)

    def update(self, instance: Influencer, validated_data: dict) -> Influencer:
        changes = validated_data.pop("accounts", None)
        with _one_transaction():
            for name, value in validated_data.items():
                setattr(instance, name, value)
            instance.save()
            if changes is not None:
                _save_accounts(instance, changes, replace=not self.partial)
            scoring.rescore(Influencer.objects.filter(pk=instance.pk))
        return _reload(instance)


class InfluencerFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(lookup_expr="iexact", help_text="ISO code, e.g. US.")
    platform = django_filters.ChoiceFilter(
        field_name="accounts__platform",
        choices=Platform.choices,
        distinct=True,
        help_text="Has an account on this platform.",
    )
    tier = django_filters.ChoiceFilter(
        choices=Tier.choices, method="filter_tier", help_text="By total followers."
    )

    class Meta:
        model = Influencer
        fields = ["status", "kind", "country", "platform", "tier"]

    def filter_tier(
        self, queryset: models.QuerySet[Influencer], name: str, value: str
    ) -> models.QuerySet[Influencer]:
        low, high = TIER_FOLLOWERS[Tier(value)]
        queryset = queryset.filter(followers__gte=low)
        return queryset if high is None else queryset.filter(followers__lt=high)


class InfluencerViewSet(BrandScopedViewSet):
    """Influencers of the key's brand, with their social accounts.

    There is no DELETE: an influencer's partnerships, contracts and settled statements hang
    off the record (and would cascade with it), so an API client ends a relationship by
    setting `status` to `ended` or `blocked`; deleting stays a deliberate act in the admin.
    """

    model = Influencer
    serializer_class = InfluencerSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    parser_classes = [JSONParser]  # nested accounts have no form encoding
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    filterset_class = InfluencerFilter
    search_fields = ["name", "accounts__handle"]
    ordering_fields = ["name", "followers", "engagement_rate", "fit_score", "created_at"]
    ordering = ["name", "id"]

    def get_queryset(self) -> models.QuerySet[Influencer]:
        return super().get_queryset().prefetch_related("accounts")


def _save_accounts(influencer: Influencer, changes: list[AccountChange], *, replace: bool) -> None:
    """Write validated account changes; with `replace`, accounts not listed are removed."""
    kept = [change.account.pk for change in changes if change.account]
    if replace:
        influencer.accounts.exclude(pk__in=kept).delete()
    moved = [
        change.account.pk
        for change in changes
        if change.account
        and (
            change.values.get("platform", change.account.platform) != change.account.platform
            or change.values.get("handle", change.account.handle) != change.account.handle
        )
    ]
    if moved:
        # Park renamed accounts on "@<id>" first (a stored handle never starts with @), so that
        # two accounts swapping handles never meet the unique constraint half-way.
        SocialAccount.objects.filter(pk__in=moved).update(
            handle=Concat(models.Value("@"), Cast("pk", models.CharField()))
        )
    for change in changes:
        account = change.account or SocialAccount(influencer=influencer)
        for name, value in change.values.items():
            setattr(account, name, value)
        account.save()


@contextmanager
def _one_transaction() -> Iterator[None]:
    """The whole write in one transaction. A handle taken by a concurrent request between
    validation and saving becomes a 400 rather than a server error."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if "handle" not in str(error):
            raise
        raise serializers.ValidationError(
            {"accounts": [_("One of these handles was just taken by another account; try again.")]}
        ) from error


def _reload(influencer: Influencer) -> Influencer:
    """The influencer as stored after rescoring, with its accounts."""
    return Influencer.objects.prefetch_related("accounts").get(pk=influencer.pk)


def _known_fields(raw: Any, value: dict | None) -> tuple[int | None, str | None, str | None]:
    """(id, platform, handle) of an item, from its validated values or, when the item has
    other errors, from what was sent (so its handle is still checked)."""
    if value is not None:
        return value.get("id"), value.get("platform"), value.get("handle")
    raw = raw if isinstance(raw, dict) else {}
    account_id = raw.get("id")
    platform = raw.get("platform")
    handle = raw.get("handle")
    return (
        account_id if isinstance(account_id, int) and not isinstance(account_id, bool) else None,
        platform if platform in Platform.values else None,
        (normalise_handle(handle) or None) if isinstance(handle, str) else None,
    )


def _label(key: tuple[str, str]) -> str:
    platform, handle = key
    return _("@%(handle)s on %(platform)s") % {
        "handle": handle,
        "platform": Platform(platform).label,
    }


def _add(errors: dict[str, list], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)
