"""The product read in Simplified Chinese and in Russian: a manager picks the language in the
user menu, then the dashboard, a contract, a campaign and a statement show no English message
of the catalogues (each visible text is checked against every catalogue's English messages)
and nothing spills sideways on a 1440 px screen."""

import re

import polib
import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Campaign
from contracts.models import Contract, Statement
from tests.browser.test_sign_in import sign_in
from tests.test_translations import catalogues

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = {"width": 1440, "height": 900}
# The text a reader sees: each text node of a shown element, and the placeholders and titles
# of fields and buttons; what is marked translate="no" (names, codes) is the data's own.
VISIBLE_TEXTS = """() => {
  const shown = (e) => e.checkVisibility({visibilityProperty: true, opacityProperty: true})
    && !e.closest('[translate="no"], script, style, noscript, code, pre');
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (text && shown(node.parentElement)) texts.push(text);
  }
  for (const e of document.querySelectorAll("[placeholder], [title], [aria-label]")) {
    for (const name of ["placeholder", "title", "aria-label"]) {
      const text = (e.getAttribute(name) || "").trim();
      if (text && !e.closest('[translate="no"]')) texts.push(text);
    }
  }
  texts.push(document.title);
  return texts;
}"""
SPILLING = """(width) => [...document.querySelectorAll("body *")]
  .filter((e) => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return false;
    }
    return e.getBoundingClientRect().right > width + 1;
  })
  .map((e) => `${e.tagName}#${e.id}.${e.className}`)"""
MENU_NAMES = {"zh-hans": "简体中文", "ru": "Русский"}
CATALOGUE_NAMES = {"zh-hans": "zh_Hans", "ru": "ru"}


def english_messages(language: str) -> list[re.Pattern]:
    """Each English message of the catalogues whose translation differs from it, as a pattern
    matching the whole text it shows (placeholders match anything)."""
    patterns = []
    for path in catalogues():
        if path.parent.parent.name != CATALOGUE_NAMES[language]:
            continue
        for entry in polib.pofile(str(path)):
            translated = entry.msgstr or entry.msgstr_plural.get(0, "")
            for english in filter(None, (entry.msgid, entry.msgid_plural)):
                if english == translated:
                    continue
                for line in re.sub(r"<[^>]+>", "\n", english).split("\n"):
                    pieces = re.split(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdf]|%[sd]", line.strip())
                    words = re.findall(r"[A-Za-z]{2,}", " ".join(pieces))
                    # A placeholder between a word or two ("%(item)s for %(campaign)s") would
                    # take the data's own English for a message.
                    if words and (len(pieces) == 1 or len(words) >= 2):
                        patterns.append(re.compile(".+?".join(map(re.escape, pieces))))
    return patterns


def untranslated(page, patterns: list[re.Pattern]) -> list[str]:
    return sorted(
        {
            text
            for text in page.evaluate(VISIBLE_TEXTS)
            if any(pattern.fullmatch(text) for pattern in patterns)
        }
    )


@pytest.fixture
def desk(browser, live_server):
    call_command("seed_demo", force=True)
    context = browser.new_context(base_url=live_server.url, viewport=SCREEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "demo", "demo")
    yield page
    context.close()


def _pages() -> dict[str, str]:
    contract = Contract.objects.filter(status=Contract.Status.ACTIVE).order_by("pk").first()
    campaign = Campaign.objects.filter(name="Prom season 2026").first()
    statement = Statement.objects.order_by("pk").first()
    return {
        "dashboard": reverse("dashboard"),
        "contract": reverse("contracts:detail", args=[contract.pk]),
        "campaign": reverse("campaigns:detail", args=[campaign.pk]),
        "statement": reverse("contracts:statement", args=[statement.pk]),
    }


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_the_main_pages_read_wholly_in_the_chosen_language(desk, language):
    desk.get_by_role("button", name="demo").click()
    desk.get_by_role("button", name=MENU_NAMES[language]).click()
    expect(desk.locator("html")).to_have_attribute("lang", language)
    patterns = english_messages(language)
    found = {}
    for name, url in _pages().items():
        desk.goto(url)
        expect(desk.locator("html")).to_have_attribute("lang", language)
        if english := untranslated(desk, patterns):
            found[name] = english
        assert desk.evaluate(SPILLING, SCREEN["width"]) == [], name
        assert desk.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"], name
    assert not found, f"English left on the {language} pages: {found}"
