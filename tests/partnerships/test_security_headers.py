"""Every page carries a Content-Security-Policy without inline script, and signed-in pages
are never stored by browsers or proxies."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_pages_forbid_inline_and_foreign_script(client, brand_manager):
    client.force_login(brand_manager)
    directives = _directives(client.get(reverse("dashboard")))
    assert directives["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_sign_in_page_and_api_docs_carry_the_policy(client):
    assert "script-src" in _directives(client.get(reverse("login")))
    docs = client.get(reverse("api_docs"))
    assert docs.status_code == 200
    # The documentation's own start-up script is a file, not inline.
    assert re.search(r"<script>\s*\S", docs.content.decode()) is None


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_inline_script_or_handler(path):
    html = path.read_text()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, f"{path}: {tag}"
    assert re.search(r"\son[a-z]+\s*=", html) is None, path


def test_signed_in_pages_are_not_stored(client, brand_manager):
    client.force_login(brand_manager)
    cache_control = client.get(reverse("dashboard")).headers["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control
