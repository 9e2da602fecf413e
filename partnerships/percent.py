"""Rates: stored as fractions (0.0800), typed and shown to people as percentages (8).

`RateField` is the model field of every rate a person types; its form field, on the pages and
in the admin alike, is `PercentField`. The API serializes the stored fraction unchanged.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.text import capfirst, format_lazy

from partnerships.formatting import HUNDRED, percent_points


class PercentField(forms.DecimalField):
    """A rate typed as a percentage from 0 to 100 ("8" or "8.5"), cleaned to its fraction.

    `decimal_places` are those of the stored fraction; the percentage has two fewer."""

    def __init__(self, *, max_digits: int = 7, decimal_places: int = 4, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", HUNDRED)
        super().__init__(max_digits=max_digits, decimal_places=decimal_places - 2, **kwargs)
        self.widget.attrs.setdefault("data-unit", "%")

    def prepare_value(self, value: Any) -> Any:
        # A stored fraction is shown as its percentage; what a person typed is shown as typed.
        return percent_points(value) if isinstance(value, Decimal) else value

    def widget_attrs(self, widget: forms.Widget) -> dict:
        attrs = super().widget_attrs(widget)
        attrs["step"] = "any"
        return attrs

    def clean(self, value: Any) -> Decimal | None:
        percent = super().clean(value)
        return None if percent is None else percent / HUNDRED

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            typed = self.clean(data) if data not in self.empty_values else None
        except forms.ValidationError:
            return True
        return typed != (None if initial in self.empty_values else Decimal(initial))


class RateField(models.DecimalField):
    """A fraction from 0 to 1 (`0.0800` is 8%) that people type and read as a percentage."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 7)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> forms.Field:
        # Lazy, so the label reads in the language of each request, not of the first import.
        label = format_lazy("{} %", capfirst(self.verbose_name))
        return super().formfield(**{"form_class": PercentField, "label": label, **kwargs})

    def deconstruct(self) -> tuple:
        # Stored exactly like a DecimalField, so migrations see no difference.
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs
