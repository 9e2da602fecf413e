import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str, password: str) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_manager_signs_in_and_sees_the_dashboard(page):
    call_command("seed_demo", force=True)
    sign_in(page, "demo", "demo")
    expect(page.get_by_role("heading", name="Lumière Hair & Gowns")).to_be_visible()
    expect(page.locator("[data-figure=products] .figure-value")).to_have_text("16")
    expect(page.locator("[data-figure=influencers] .figure-value")).to_have_text("40")
    # Anna, Mia, Lucía and the Glam Wig Club's sponsored posts.
    expect(page.locator("[data-figure=active-contracts] .figure-value")).to_have_text("4")
    expect(page.locator("[data-figure=running-campaigns] .figure-value")).to_have_text("1")
    nav = page.get_by_role("navigation").first
    expect(nav.get_by_role("link", name="Dashboard")).to_be_visible()


def test_agency_staff_switches_brand_in_the_header(page):
    call_command("seed_demo", force=True)
    sign_in(page, "agency", "agency")
    expect(page.get_by_role("heading", name="Kestrel Running Co.")).to_be_visible()
    expect(page.locator("[data-figure=products] .figure-value")).to_have_text("3")
    page.get_by_label("Brand").select_option(label="Lumière Hair & Gowns")
    expect(page.get_by_role("heading", name="Lumière Hair & Gowns")).to_be_visible()
    expect(page.locator("[data-figure=products] .figure-value")).to_have_text("16")
    expect(page.get_by_text("You are now working in Lumière Hair & Gowns.")).to_be_visible()


def test_wrong_password_is_refused_with_a_message(page):
    call_command("seed_demo", force=True)
    sign_in(page, "demo", "not the password")
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()


def test_manager_finds_opens_and_moves_an_influencer(page):
    call_command("seed_demo", force=True)
    sign_in(page, "demo", "demo")
    page.get_by_role("link", name="Influencers").click()
    page.get_by_label("Tier").select_option("mega")
    page.get_by_role("button", name="Apply filters").click()
    table = page.locator("#influencer-table")
    expect(table.get_by_role("link", name="Ruby Glow")).to_be_visible()
    expect(table.get_by_role("link", name="Anna Sokolova")).to_have_count(0)
    table.get_by_role("link", name="Ruby Glow").click()
    expect(page.get_by_text("Possible fake audience").first).to_be_visible()
    expect(page.locator("#fit")).to_contain_text("Open risks")
    page.get_by_label("Pipeline").select_option("contacted")
    expect(page.locator("#pipeline-status")).to_contain_text("Saved")
    page.reload()
    expect(page.get_by_label("Pipeline")).to_have_value("contacted")
