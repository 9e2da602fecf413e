"""Owners and finance members enrol an authenticator app with recovery codes; after that,
signing in asks for a code; a brand can require the second factor of those roles."""

import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerships.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The app's code; a code is used once, so a second sign-in within the same 30 s takes
    the next one (the device accepts one step of drift)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _sign_in(client, username: str):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def _unthrottle() -> None:
    """django-otp makes each failed code wait longer before the next; tests do not wait."""
    TOTPDevice.objects.update(throttling_failure_timestamp=None, throttling_failure_count=0)


def _enrol(client) -> list[str]:
    client.get(reverse("second_factor_enrol"))
    _unthrottle()
    device = TOTPDevice.objects.get(confirmed=False)
    page = client.post(reverse("second_factor_enrol"), {"code": _code(device)}).content.decode()
    return re.findall(r'<li class="col">(\w+)</li>', page)


def test_finance_enrols_with_a_code_and_gets_recovery_codes(client, finance):
    client.force_login(finance)
    page = client.get(reverse("second_factor_enrol")).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code
    wrong = client.post(reverse("second_factor_enrol"), {"code": "000000"})
    assert "not the one the app shows" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    codes = _enrol(client)
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=finance).confirmed
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SECOND_FACTOR_ENROLLED).exists()


def test_signing_in_after_enrolling_asks_for_the_code(client, brand_owner):
    client.force_login(brand_owner)
    _enrol(client)
    client.logout()
    _sign_in(client, "owner")
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("second_factor_verify"))
    wrong = client.post(reverse("second_factor_verify"), {"code": "123456"})
    assert "not right" in wrong.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302
    _unthrottle()
    device = TOTPDevice.objects.get(user=brand_owner)
    right = client.post(
        reverse("second_factor_verify"),
        {"code": _code(device, steps_ahead=1), "next": "/products/"},
    )
    assert right.url == "/products/"
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_recovery_code_signs_in_once(client, brand_owner):
    client.force_login(brand_owner)
    code = _enrol(client)[0]
    for expected in (True, False):
        client.logout()
        _sign_in(client, "owner")
        client.post(reverse("second_factor_verify"), {"code": code})
        assert (client.get(reverse("dashboard")).status_code == 200) is expected


def test_a_brand_requiring_it_sends_finance_to_enrol_and_not_managers(
    client, brand, finance, brand_manager
):
    brand.require_second_factor = True
    brand.save()
    _sign_in(client, "finance")
    response = client.get(reverse("contracts:statements"))
    assert response.url.startswith(reverse("second_factor_enrol"))
    _enrol(client)
    assert client.get(reverse("contracts:statements")).status_code == 200
    client.logout()
    _sign_in(client, "manager")
    assert client.get(reverse("dashboard")).status_code == 200


def test_without_enrolling_or_a_requirement_nothing_changes(client, finance):
    _sign_in(client, "finance")
    assert client.get(reverse("dashboard")).status_code == 200


def test_viewers_and_managers_do_not_enrol(client, brand_manager):
    client.force_login(brand_manager)
    assert client.get(reverse("second_factor_enrol")).status_code == 403
