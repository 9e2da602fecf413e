"""Sign-in is limited per user name and address and per address; the API per address and per
API key, answering 429 with Retry-After; the client's address is read behind the trusted
proxies only."""

import uuid

import pytest
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from partnerships.throttles import client_address
from tests.conftest import api_client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_one_address_trying_many_user_names_is_locked_out(client, brand_manager, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    # Fewer than AXES_FAILURE_LIMIT tries per name: only the address's count can stop this.
    for attempt in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        assert _sign_in(client, f"user{attempt % 6}", "guess").status_code == 200
    assert _sign_in(client, "user0", "guess").status_code == 429
    # The address is paused even for a real user's right password...
    assert _sign_in(client, "manager", PASSWORD).status_code == 429
    # ...while the same user signs in from elsewhere.
    assert _sign_in(client, "manager", PASSWORD, address="198.51.100.2").status_code == 302


def test_signing_in_does_not_clear_the_address_count(client, brand_manager, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 10
    for attempt in range(9):
        _sign_in(client, f"user{attempt}", "guess")
    assert _sign_in(client, "manager", PASSWORD).status_code == 302
    client.logout()
    assert _sign_in(client, "user9", "guess").status_code == 429


def _fresh_address() -> str:
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def test_api_limits_bad_keys_per_address_with_retry_after(settings):
    settings.API_RATE_PER_ADDRESS = "5/min"
    address = _fresh_address()
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION="Api-Key not.a-real-key")
    for _ in range(5):
        assert client.get("/api/v1/products/").status_code == 401
    refused = client.get("/api/v1/products/")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert APIClient(REMOTE_ADDR=_fresh_address()).get("/api/v1/products/").status_code != 429


def test_api_limits_each_key_wherever_it_is_used(brand, settings):
    settings.API_RATE_PER_KEY = "4/min"
    client = api_client_for(brand)
    for _ in range(4):
        assert client.get("/api/v1/products/", REMOTE_ADDR=_fresh_address()).status_code == 200
    refused = client.get("/api/v1/products/", REMOTE_ADDR=_fresh_address())
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert api_client_for(brand).get("/api/v1/products/").status_code == 200  # another key


def _request(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_address(_request("203.0.113.7", "1.2.3.4")) == "203.0.113.7"


def test_client_address_is_the_one_the_trusted_proxies_saw(settings):
    settings.TRUSTED_PROXIES = 2
    # The client wrote 6.6.6.6 itself; the outer proxy saw 203.0.113.7; the inner one 10.0.0.1.
    request = _request("10.0.0.2", "6.6.6.6, 203.0.113.7, 10.0.0.1")
    assert client_address(request) == "203.0.113.7"
    assert client_address(_request("10.0.0.2")) == "10.0.0.2"  # not through the proxies
