"""A viewer reads everything of their brand and changes nothing."""

import pytest
from django.urls import reverse

from partnerships.models import Membership, Product
from tests import factories

pytestmark = pytest.mark.django_db

PRODUCT_POST = {
    "sku": "NEW-1",
    "name": "Blunt Bob Wig",
    "category": "Wigs",
    "currency": "USD",
    "retail_price": "89.00",
    "distributor_price": "55.00",
    "unit_cost": "24.30",
}


def test_viewer_gets_403_on_product_forms(client, viewer, brand):
    product = factories.ProductFactory(brand=brand)
    client.force_login(viewer)
    assert client.get(reverse("product_create")).status_code == 403
    assert client.post(reverse("product_create"), PRODUCT_POST).status_code == 403
    assert client.post(reverse("product_edit", args=[product.pk]), PRODUCT_POST).status_code == 403
    assert not Product.objects.filter(sku="NEW-1").exists()


def test_viewer_sees_products_without_edit_buttons(client, viewer, brand):
    product = factories.ProductFactory(brand=brand)
    client.force_login(viewer)
    page = client.get(reverse("product_detail", args=[product.pk])).content.decode()
    assert product.name in page
    assert reverse("product_edit", args=[product.pk]) not in page
    assert reverse("product_create") not in client.get(reverse("product_list")).content.decode()


def test_viewer_gets_403_on_any_admin_change(client, viewer, brand):
    product = factories.ProductFactory(brand=brand, name="Original")
    client.force_login(viewer)
    change_url = reverse("admin:partnerships_product_change", args=[product.pk])
    assert client.get(change_url).status_code == 200  # read-only view
    response = client.post(change_url, {**PRODUCT_POST, "brand": brand.pk})
    assert response.status_code == 403
    assert client.get(reverse("admin:partnerships_product_add")).status_code == 403
    delete_url = reverse("admin:partnerships_product_delete", args=[product.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    product.refresh_from_db()
    assert product.name == "Original"


def test_manager_creates_and_edits_a_product(client, brand_manager, brand):
    client.force_login(brand_manager)
    response = client.post(reverse("product_create"), PRODUCT_POST)
    product = Product.objects.get(sku="NEW-1")
    assert response.url == reverse("product_detail", args=[product.pk])
    assert product.brand == brand
    client.post(reverse("product_edit", args=[product.pk]), {**PRODUCT_POST, "name": "Bob 12in"})
    product.refresh_from_db()
    assert product.name == "Bob 12in"


def test_product_form_reports_duplicate_sku_and_bad_amounts(client, brand_manager, brand):
    factories.ProductFactory(brand=brand, sku="NEW-1")
    client.force_login(brand_manager)
    response = client.post(reverse("product_create"), PRODUCT_POST)
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    jpy = {**PRODUCT_POST, "sku": "NEW-2", "currency": "JPY", "retail_price": "1500.50"}
    errors = client.post(reverse("product_create"), jpy).context["form"].errors
    assert errors["retail_price"] == ["JPY amounts have 0 decimal places."]
    assert Product.objects.filter(brand=brand).count() == 1


def test_manager_may_not_manage_memberships_in_admin(client, brand, brand_manager):
    brand_manager.is_staff = True
    brand_manager.save()
    client.force_login(brand_manager)
    assert client.get(reverse("admin:partnerships_membership_add")).status_code == 403


def test_owner_adds_a_member_by_user_name(client, brand, brand_owner):
    newcomer = factories.UserFactory(username="newcomer")
    client.force_login(brand_owner)
    response = client.post(
        reverse("admin:partnerships_membership_add"),
        {"user": "newcomer", "brand": brand.pk, "role": "viewer"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=newcomer).role == "viewer"
    response = client.post(
        reverse("admin:partnerships_membership_add"),
        {"user": "nobody", "brand": brand.pk, "role": "viewer"},
    )
    assert "There is no active account with that name." in response.content.decode()
