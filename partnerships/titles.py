"""Sentences stored now and read later, each time in the reader's language (a reminder's
title): the English message, marked with gettext_noop where it is written, and the values it
names. Dates are kept as dates, amounts as amounts and a choice's label as its English label,
so each is turned into the reader's words only when read; any other value is kept as written
(in English, see `_kept`)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from partnerships.formatting import format_date, format_money


def choice(label: Any) -> dict[str, str]:
    """A choice's label (a status, a kind) as a value, read in the reader's words, in lower
    case as it stands mid-sentence."""
    with translation.override("en"):
        return {"choice": str(label)}


def amount(value: Decimal | None, currency: str) -> dict[str, Any]:
    """An amount of money as a value, written as the reader writes money."""
    return {"amount": None if value is None else str(value), "currency": currency}


def parts(message: str, **values: Any) -> dict[str, Any]:
    """What to store of `message % values`."""
    return {"message": message, "values": {name: _kept(value) for name, value in values.items()}}


def read(stored: dict[str, Any]) -> str:
    """The stored sentence in the active language."""
    values = {name: _shown(value) for name, value in stored["values"].items()}
    return gettext(stored["message"]) % values


def english(stored: dict[str, Any]) -> str:
    with translation.override("en"):
        return read(stored)


def _kept(value: Any) -> Any:
    """A value as stored; a row (a deliverable, a contract) as it reads in English, whoever's
    request happens to store it."""
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, dict | int | str):
        return value
    with translation.override("en"):
        return str(value)


def _shown(value: Any) -> Any:
    if isinstance(value, dict) and "date" in value:
        return format_date(date.fromisoformat(value["date"]))
    if isinstance(value, dict) and "currency" in value:
        number = value["amount"]
        return format_money(None if number is None else Decimal(number), value["currency"])
    if isinstance(value, dict) and "choice" in value:
        return gettext(value["choice"]).lower()
    return value
