"""The audience vocabulary shared by brand targets and influencer audiences."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

AGE_BANDS = ("13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
GENDERS = ("female", "male", "other")


def unknown_countries(codes: Iterable[str]) -> list[str]:
    return [code for code in codes if code not in countries]


def normalise_tags(values: Iterable[str]) -> list[str]:
    """Niches and languages as lower-case, trimmed, de-duplicated tags in their given order."""
    seen: dict[str, None] = {}
    for value in values:
        if tag := str(value).strip().lower():
            seen.setdefault(tag, None)
    return list(seen)


def validate_target(countries_: list, age_bands: list, genders: list) -> None:
    """Raise ValidationError naming each target field that holds an unknown value."""
    errors = {}
    if bad := unknown_countries(countries_):
        errors["target_countries"] = _("Unknown country codes: %(codes)s.") % {
            "codes": ", ".join(bad)
        }
    if bad := [band for band in age_bands if band not in AGE_BANDS]:
        errors["target_age_bands"] = _("Unknown age bands: %(bands)s; use %(known)s.") % {
            "bands": ", ".join(bad),
            "known": ", ".join(AGE_BANDS),
        }
    if bad := [gender for gender in genders if gender not in GENDERS]:
        errors["target_genders"] = _("Unknown genders: %(genders)s; use %(known)s.") % {
            "genders": ", ".join(bad),
            "known": ", ".join(GENDERS),
        }
    if errors:
        raise ValidationError(errors)
