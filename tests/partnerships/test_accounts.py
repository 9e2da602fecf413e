import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_pages_ask_for_sign_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_manager_signs_in_and_reaches_the_dashboard(client, brand_manager, brand):
    response = _sign_in(client, "manager", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert escape(brand.name) in client.get(reverse("dashboard")).content.decode()


def test_repeated_failed_sign_ins_are_throttled(client, brand_manager, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "manager", "wrong").status_code == 200
    locked = _sign_in(client, "manager", "wrong")
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    # Even the right password is refused while the lock lasts.
    assert _sign_in(client, "manager", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_for_another_user_do_not_lock_this_one(client, brand_manager, viewer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "viewer", "wrong")
    assert _sign_in(client, "manager", PASSWORD).status_code == 302


def test_password_change(client, brand_manager):
    client.force_login(brand_manager)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a n0ther long phrase",
            "new_password2": "a n0ther long phrase",
        },
    )
    assert response.url == reverse("password_change_done")
    brand_manager.refresh_from_db()
    assert brand_manager.check_password("a n0ther long phrase")


def test_sign_out(client, brand_manager):
    client.force_login(brand_manager)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_user_without_brand_gets_a_clear_page(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="loner"))
    page = client.get(reverse("dashboard")).content.decode()
    assert "not a member of any brand" in page
    assert client.get(reverse("product_list")).status_code == 404
