"""The audit trail: who did what, when, from where, for every act that matters for money,
access or personal data. Write paths call `record`; the request's user and address come from
the request being served (`bind`, set by the middleware), so a task or a command records
itself as the system. Events are only ever added: nothing edits or deletes them."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from partnerships import tenancy
from partnerships.models import AuditEvent, Brand, BrandAPIKey, Membership
from partnerships.throttles import client_address

Action = AuditEvent.Action

_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


@contextmanager
def bind(request: HttpRequest) -> Iterator[None]:
    """Events recorded while serving `request` are by its user, from its address."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def record(
    action: str,
    *,
    brand: Brand | int | None,
    target: object = "",
    details: dict[str, Any] | None = None,
    user: Any = None,
    username: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Add one event. `target` is what it was about (its text is kept, so the trail reads
    the same after the row changes or goes); `details` the values that say what changed."""
    request = request or _request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    return AuditEvent.objects.create(
        at=timezone.now(),
        brand_id=brand.pk if isinstance(brand, Brand) else brand,
        user=user,
        username=(user.get_username() if user else username)[:150],
        address=client_address(request) if request is not None else None,
        action=action,
        target=str(target)[:300],
        details=details or {},
    )


def trail_of(brand: Brand) -> models.QuerySet[AuditEvent]:
    """The brand's events, and the sign-ins and failed sign-ins of its members' user names."""
    members = Membership.objects.filter(brand=brand).values("user__username")
    return AuditEvent.objects.filter(
        models.Q(brand=brand) | models.Q(brand=None, username__in=members)
    ).order_by("-at", "-pk")


# --- Recorded where Django and the admin write -----------------------------------------------


@receiver(user_logged_in)
def _signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(Action.SIGNED_IN, brand=None, user=user, request=request)


@receiver(user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))
    record(Action.SIGN_IN_FAILED, brand=None, username=username, request=request)


# Memberships and API keys are written by the admin's forms and inlines (and by pages that
# manage them); the model signals catch each of those writes in one place.


@receiver(pre_save, sender=Membership)
@receiver(pre_save, sender=BrandAPIKey)
def _remember_before(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    before = sender._default_manager.filter(pk=instance.pk).first() if instance.pk else None
    instance._audit_before = before


@receiver(post_save, sender=Membership)
def _member_saved(instance: Membership, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        _member_event(Action.MEMBER_ADDED, instance, {"role": instance.role})
    elif before.role != instance.role:
        _member_event(Action.ROLE_CHANGED, instance, {"from": before.role, "to": instance.role})


@receiver(post_delete, sender=Membership)
def _member_removed(instance: Membership, **kwargs: Any) -> None:
    _member_event(Action.MEMBER_REMOVED, instance, {"role": instance.role})


def _member_event(action: str, membership: Membership, details: dict) -> None:
    record(action, brand=membership.brand_id, target=membership.user, details=details)


@receiver(post_save, sender=BrandAPIKey)
def _key_saved(instance: BrandAPIKey, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_before", None)
    if created:
        _key_event(Action.KEY_CREATED, instance)
    elif instance.revoked and before is not None and not before.revoked:
        _key_event(Action.KEY_REVOKED, instance)


@receiver(post_delete, sender=BrandAPIKey)
def _key_deleted(instance: BrandAPIKey, **kwargs: Any) -> None:
    if not instance.revoked:
        _key_event(Action.KEY_REVOKED, instance)


def _key_event(action: str, key: BrandAPIKey) -> None:
    record(action, brand=key.brand_id, target=key.name, details={"prefix": key.prefix})


# --- Downloads ------------------------------------------------------------------------------


def downloads(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: binds each request for `record`, and records every file a signed-in
    person downloads (any response sent as an attachment: CSV exports, error reports,
    payment batches, personal data), whichever page or admin action made it."""

    def middleware(request: HttpRequest) -> HttpResponse:
        with bind(request):
            response = get_response(request)
            disposition = response.headers.get("Content-Disposition", "")
            if disposition.startswith("attachment") and request.user.is_authenticated:
                record(
                    Action.EXPORT_DOWNLOADED,
                    brand=_brand_of(request),
                    target=disposition.partition("filename=")[2].strip('"'),
                    details={"path": request.get_full_path()[:500]},
                )
        return response

    return middleware


def _brand_of(request: HttpRequest) -> Brand | None:
    try:
        return tenancy.current_brand(request)
    except Http404:  # a superuser with no membership downloading from the admin
        return None
