"""A second factor for the people who approve and pay: owners and finance members enrol an
authenticator app (TOTP) with recovery codes (django-otp), and a brand may require it for
those roles. Whoever has enrolled is asked for a code after the password on every sign-in."""

import base64
import io
import secrets
from collections.abc import Callable

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from partnerships import audit
from partnerships.models import Membership, Role

ROLES = frozenset({Role.OWNER, Role.FINANCE})
RECOVERY_CODES = 10
# Pages reachable before the code is given: the second factor's own, signing out, files.
OPEN_PATHS = ("/accounts/two-factor/", "/accounts/logout/", "/static/")


def may_enrol(user: object) -> bool:
    return user.is_superuser or Membership.objects.filter(user=user, role__in=ROLES).exists()


def required_for(user: object) -> bool:
    """Whether a brand of the user's requires a second factor of their role."""
    return Membership.objects.filter(
        user=user, role__in=ROLES, brand__require_second_factor=True
    ).exists()


def has_enrolled(user: object) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user: object) -> TOTPDevice:
    """The authenticator being set up (not yet confirmed by a code), made on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)


def qr_code_src(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code for the authenticator app: an SVG image
    as a data: address (the page's policy allows data: images, and nothing to fetch)."""
    out = io.BytesIO()
    write_qrcode_image(device.config_url, out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def confirm(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it: it replaces any earlier one,
    new recovery codes are made (returned, to show once) and this session counts as
    verified. None when the code is wrong."""
    if not device.verify_token(code.strip()):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save()
        StaticDevice.objects.filter(user=device.user).delete()
        recovery = StaticDevice.objects.create(user=device.user, name="Recovery codes")
        codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
        audit.record(audit.Action.SECOND_FACTOR_ENROLLED, brand=None, request=request)
    otp_login(request, device)
    done(request)
    return codes


def verify(request: HttpRequest, code: str) -> bool:
    """Check a code from the authenticator, or a recovery code (each works once)."""
    code = code.strip().replace(" ", "")
    devices = [
        *TOTPDevice.objects.filter(user=request.user, confirmed=True),
        *StaticDevice.objects.filter(user=request.user, confirmed=True),
    ]
    for device in devices:
        allowed, _ = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            otp_login(request, device)
            done(request)
            return True
    return False


SESSION_KEY = "second_factor_step"


@receiver(user_logged_in)
def _ask_at_sign_in(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    # Decided once per sign-in, so pages pay nothing for it; a brand that starts requiring
    # the second factor applies from its members' next sign-in.
    if has_enrolled(user):
        request.session[SESSION_KEY] = "second_factor_verify"
    elif required_for(user):
        request.session[SESSION_KEY] = "second_factor_enrol"


def done(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Signed in with the password only: enrolled users give their code first, and owners
    and finance members of a brand that requires it enrol first."""

    def check(request: HttpRequest) -> HttpResponse:
        step = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if not step or request.path.startswith(OPEN_PATHS):
            return get_response(request)
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")

    return check
