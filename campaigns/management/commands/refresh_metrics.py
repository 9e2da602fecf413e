from argparse import ArgumentTypeError
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from campaigns import roi
from partnerships.models import Brand


class Command(BaseCommand):
    help = (
        "Recompute the daily metric and ROI summaries the dashboard and campaign pages read. "
        "Running it twice gives the same summaries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--brand", help="Only this brand (its slug).")
        parser.add_argument(
            "--since",
            type=_day,
            help="Recompute days from this one (YYYY-MM-DD) on; every day when left out.",
        )

    def handle(self, *args: object, brand: str | None, since: date | None, **options) -> None:
        brands = Brand.objects.order_by("pk")
        if brand is not None:
            brands = brands.filter(slug=brand)
            if not brands.exists():
                raise CommandError(f"No brand with slug '{brand}'.")
        rows = roi.refresh_all(now=timezone.now(), since=since, brands=brands)
        self.stdout.write(f"{rows} daily summary row(s) written.")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"'{value}' is not a date like 2026-11-23.") from None
