"""Languages in templates: `influencer|influencer_language` is the language an influencer's
documents print in (partnerships.languages.of_influencer)."""

from typing import Any

from django import template

from partnerships import languages

register = template.Library()


@register.filter
def influencer_language(influencer: Any) -> str:
    return languages.of_influencer(influencer)
