"""Checks that every input passes, whatever way it comes in (pages, API, CSV files): text
holds no NUL character, dates fall in years this product can mean, and times carry a UTC
offset that exists. Each check raises ValueError with the reason for the person who sent it."""

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, serializers

NUL = "\x00"
NUL_MESSAGE = _("Contains a NUL character (\\u0000), which no text may hold; remove it.")
FIRST_YEAR, LAST_YEAR = 1970, 2100
# Real offsets run from UTC−12:00 (Baker Island) to UTC+14:00 (Line Islands); PostgreSQL
# refuses ±16:00 and beyond though Python accepts them.
LOWEST_OFFSET, HIGHEST_OFFSET = timedelta(hours=-12), timedelta(hours=14)


def check_text(value: str) -> None:
    if NUL in value:
        raise ValueError(str(NUL_MESSAGE))


def nul_path(data: Any, path: str = "") -> str | None:
    """Where in a parsed JSON value (keys included) the first NUL character is, as a field
    path such as `accounts[1].handle`; None when there is none."""
    if isinstance(data, str):
        return path if NUL in data else None
    if isinstance(data, dict):
        for key, value in data.items():
            inner = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return inner
            if (found := nul_path(value, inner)) is not None:
                return found
    if isinstance(data, list):
        for index, value in enumerate(data):
            if (found := nul_path(value, f"{path}[{index}]")) is not None:
                return found
    return None


def check_day(value: date) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(
            _("%(day)s is not a plausible date: the year must be from %(first)s to %(last)s.")
            % {"day": value.isoformat(), "first": FIRST_YEAR, "last": LAST_YEAR}
        )


def check_moment(value: datetime) -> None:
    check_day(value.date())
    offset = value.utcoffset()
    if offset is not None and not LOWEST_OFFSET <= offset <= HIGHEST_OFFSET:
        raise ValueError(
            _("%(moment)s has a UTC offset that does not exist: offsets run from -12:00 to +14:00.")
            % {"moment": value.isoformat()}
        )


# --- The API's way in -----------------------------------------------------------------------


class RefusingNul:
    """A parser whose body, once parsed, is refused whole when it holds a NUL character
    anywhere, naming the field (`[3].order_id` in a list is item 3's order_id)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        fields = data.data if isinstance(data, parsers.DataAndFiles) else data
        if isinstance(fields, QueryDict):
            fields = {
                name: values[-1] if len(values) == 1 else values for name, values in fields.lists()
            }
        if (path := nul_path(fields)) is not None:
            raise exceptions.ValidationError(_error_at(path, str(NUL_MESSAGE)))
        return data


class JSONParser(RefusingNul, parsers.JSONParser):
    pass


class FormParser(RefusingNul, parsers.FormParser):
    pass


class MultiPartParser(RefusingNul, parsers.MultiPartParser):
    pass


def _error_at(path: str, message: str) -> Any:
    """A DRF error detail at `path`, shaped so the API's error list gives the item's index."""
    if match := re.fullmatch(r"\[(\d+)\]\.?(.*)", path):
        index, inner = int(match[1]), match[2]
        return [{} for _ in range(index)] + [{inner or "non_field_errors": [message]}]
    return {path: [message]}


class MomentField(serializers.DateTimeField):
    """A date and time in a plausible year (DRF has already moved it to UTC, so any offset
    it was sent with is harmless here)."""

    def to_internal_value(self, value: Any) -> datetime:
        return _plausible(check_moment, super().to_internal_value(value))


class DayField(serializers.DateField):
    """A date in a plausible year."""

    def to_internal_value(self, value: Any) -> date:
        return _plausible(check_day, super().to_internal_value(value))


def _plausible(check: Callable[[Any], None], value: Any) -> Any:
    try:
        check(value)
    except ValueError as error:
        raise serializers.ValidationError(str(error)) from None
    return value


class MomentRangeField(django_filters.fields.IsoDateTimeRangeField):
    def clean(self, value: Any) -> slice | None:
        moments = super().clean(value)
        for moment in (moments.start, moments.stop) if moments else ():
            if moment is not None:
                try:
                    check_moment(moment)
                except ValueError as error:
                    raise forms.ValidationError(str(error)) from None
        return moments


class MomentRangeFilter(django_filters.IsoDateTimeFromToRangeFilter):
    """`<name>_after` and `<name>_before`, ISO 8601 times checked like every other input."""

    field_class = MomentRangeField
