"""Case-insensitive search for every alphabet: `name__icontains="анна"` finds “Анна” and
`"STRASSE"` finds “Straße” on SQLite as on PostgreSQL. SQLite's LIKE folds the case of ASCII
letters only, so there both sides are case-folded by Python (`str.casefold`), registered on
each connection; PostgreSQL's UPPER() already knows every alphabet."""

from typing import Any

from django.db import models
from django.db.backends.signals import connection_created
from django.db.models import lookups
from django.dispatch import receiver


def _casefold(text: str | None) -> str | None:
    return None if text is None else text.casefold()


@receiver(connection_created)
def _teach_sqlite_casefold(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("casefold", 1, _casefold, deterministic=True)


class IContains(lookups.IContains):
    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list]:
        if not self.rhs_is_direct_value() or self.bilateral_transforms:
            return super().as_sql(compiler, connection)  # a column's value: ASCII folding
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"casefold({lhs}) LIKE casefold({rhs}) ESCAPE '\\'", [*lhs_params, *rhs_params]


for field in (models.CharField, models.TextField):
    field.register_lookup(IContains)
