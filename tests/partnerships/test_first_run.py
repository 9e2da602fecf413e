"""What a new user meets first: the make run banner, the address in e-mails, the icon."""

import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_make_run_names_all_three_demo_sign_ins_and_the_address_it_serves():
    printed = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for sign_in in ("demo / demo", "finance / finance", "agency / agency"):
        assert sign_in in printed
    assert "Links in e-mails point at http://127.0.0.1:8123/." in printed
    assert "runserver 127.0.0.1:8123" in printed


@pytest.mark.django_db
def test_every_page_names_the_icon_and_favicon_ico_finds_it(client, brand_manager):
    client.force_login(brand_manager)
    page = client.get(reverse("dashboard")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url == "/static/favicon.svg"
    assert (ROOT / "static" / "favicon.svg").read_text().startswith("<svg")
