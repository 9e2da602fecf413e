from argparse import ArgumentTypeError
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from partnerships.models import Brand
from partnerships.workspace import reminders


class Command(BaseCommand):
    help = (
        "Store what needs attention in each brand, resolve what no longer does and mail owners "
        "and managers what they have not been told about today. Safe to run more than once a day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--brand", help="Only this brand (its slug).")
        parser.add_argument(
            "--date",
            type=_day,
            help="Remind as on this day (YYYY-MM-DD) rather than each brand's today.",
        )

    def handle(self, *args: object, brand: str | None, date: date | None, **options) -> None:
        brands = Brand.objects.all()
        if brand is not None:
            brands = brands.filter(slug=brand)
            if not brands.exists():
                raise CommandError(f"No brand with slug '{brand}'.")
        run = reminders.send_reminders(now=timezone.now(), day=date, brands=brands)
        self.stdout.write(
            f"{run.open} open reminder(s), {run.resolved} resolved, {run.mailed} e-mail(s) sent."
        )


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"'{value}' is not a date like 2026-11-23.") from None
