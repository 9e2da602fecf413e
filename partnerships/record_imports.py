"""Records the API takes in bulk or from a CSV file on /imports/ (exchange rates, distributor
orders), stored by one rule whichever way they come: each row is checked by the record's API
serializer (so as the model validates it) against the stored row its key names, which it
replaces; a key twice in one batch is an error; a batch is written all or nothing.

A file's columns are the serializer's fields (a column may stand for a field of another name,
e.g. `sku` for `product`); every problem is reported by its line, column and reason.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import serializers
from rest_framework.settings import api_settings

from partnerships import csv_files, tenancy
from partnerships.csv_files import Column, RowError
from partnerships.models import Brand

Key = tuple[str, ...]


@dataclass(frozen=True)
class Upsert:
    """How rows of one model are matched to the stored ones they replace."""

    serializer: type[serializers.ModelSerializer]
    key: Callable[[dict], Key]  # a sent row's key
    stored_key: Callable[[Any], Key]  # a stored row's key
    key_field: str  # where a repeated key is reported
    repeated: str  # said of a repeated key, with %(place)s where it was first

    def check(
        self, items: Sequence[tuple[str, Any]], stored: models.QuerySet, context: dict
    ) -> tuple[list[serializers.ModelSerializer], list[dict[str, list[str]]]]:
        """Each (place, row) checked: its serializer, and its problems by field (empty when
        the row is good); `place` names where a row is, for a repeated key."""
        existing = {self.stored_key(row): row for row in stored}
        checked, problems, seen = [], [], {}
        for place, item in items:
            key = self.key(item) if isinstance(item, dict) else None
            serializer = self.serializer(existing.get(key), data=item, context=context)
            errors = {} if serializer.is_valid() else dict(serializer.errors)
            if key is not None and key in seen:
                errors[self.key_field] = [self.repeated % {"place": seen[key]}]
            seen.setdefault(key, place)
            checked.append(serializer)
            problems.append(errors)
        return checked, problems

    def save(self, checked: Sequence[serializers.ModelSerializer], brand: Brand) -> list:
        model = self.serializer.Meta.model
        owned = any(field.name == "brand" for field in model._meta.fields)
        extra = {"brand": brand} if owned else {}
        with transaction.atomic():
            return [serializer.save(**extra) for serializer in checked]


@dataclass(frozen=True)
class RecordFile:
    """A CSV file of one model's records: its columns, documented, and an example."""

    title: str
    upsert: Upsert
    columns: tuple[Column, ...]
    example: str
    fields: dict[str, str] = field(default_factory=dict)  # column -> serializer field
    related: tuple[str, ...] = ()  # loaded with the stored rows


class CsvUploadForm(csv_files.CsvFileForm):
    max_megabytes = 5


@dataclass
class RecordsResult(csv_files.ImportResult):
    added: int = 0
    updated: int = 0

    def summary(self) -> str:
        rows = self.added + self.updated
        return ngettext(
            "Imported %(rows)d row: %(added)d added, %(updated)d updated.",
            "Imported %(rows)d rows: %(added)d added, %(updated)d updated.",
            rows,
        ) % {"rows": rows, "added": self.added, "updated": self.updated}


def import_records(file: csv_files.Upload, kind: RecordFile, *, brand: Brand) -> RecordsResult:
    """Import a CSV file of `kind` into `brand`: every row or none."""
    text, errors = csv_files.read_text(file, kind.columns)
    if errors:
        return RecordsResult(errors=errors)
    table = csv_files.read_table(text, kind.columns)
    if table.header_errors or not table.records:
        return RecordsResult(errors=table.header_errors + table.line_errors)
    columns = {name: column for column, name in kind.fields.items()}
    items = [
        (
            _("line %(line)s") % {"line": line},
            {kind.fields.get(name, name): cell for name, cell in cells.items()},
        )
        for line, cells in table.records
    ]
    model = kind.upsert.serializer.Meta.model
    with transaction.atomic():
        # Imports into one brand take turns, so two uploads never both add the same row.
        Brand.objects.select_for_update().get(pk=brand.pk)
        stored = tenancy.scope_to_brand(model.objects.select_related(*kind.related), brand)
        checked, problems = kind.upsert.check(items, stored, {"brand": brand})
        errors = list(table.line_errors)
        for (line, _cells), found in zip(table.records, problems, strict=True):
            for name, messages in found.items():
                column = "" if name == api_settings.NON_FIELD_ERRORS_KEY else name
                errors += [RowError(line, columns.get(column, column), str(m)) for m in messages]
        if errors:
            return RecordsResult(errors=sorted(errors, key=lambda error: error.line or 0))
        added = sum(serializer.instance is None for serializer in checked)
        kind.upsert.save(checked, brand)
        return RecordsResult(added=added, updated=len(checked) - added)
