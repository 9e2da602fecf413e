from argparse import ArgumentTypeError
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from contracts import settlement
from contracts.models import Contract, Statement
from contracts.periods import Period
from partnerships import formatting
from partnerships.models import Brand


class Command(BaseCommand):
    help = (
        "Settle every period that has ended (plus its hold days) and has no approved statement "
        "yet, and recompute the draft statements; prints each statement written. Safe to run "
        "more than once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period",
            type=_month,
            help="Only the periods overlapping this month (YYYY-MM): a quarterly contract's "
            "quarter, a monthly contract's month.",
        )
        parser.add_argument("--brand", help="Only this brand (its slug).")
        parser.add_argument("--contract", type=int, help="Only this contract (its id).")
        parser.add_argument(
            "--as-of",
            type=_day,
            help="Settle as on this day (YYYY-MM-DD) rather than each brand's today.",
        )

    def handle(
        self,
        *args: object,
        period: Period | None,
        brand: str | None,
        contract: int | None,
        as_of: date | None,
        **options: object,
    ) -> None:
        only_brand = only_contract = None
        if brand is not None:
            only_brand = Brand.objects.filter(slug=brand).first()
            if only_brand is None:
                raise CommandError(f"No brand with slug '{brand}'.")
        if contract is not None:
            only_contract = Contract.objects.filter(pk=contract).first()
            if only_contract is None:
                raise CommandError(f"No contract with id {contract}.")
        statements = settlement.settle_due(
            now=timezone.now(),
            as_of=as_of,
            brand=only_brand,
            contract=only_contract,
            period=period,
        )
        for statement in statements:
            self.stdout.write(_line(statement))
        problems = sum(1 for statement in statements if statement.problem)
        if not statements:
            self.stdout.write("Nothing to settle.")
        else:
            self.stdout.write(
                f"{len(statements)} statement(s) settled, {problems} could not be priced."
            )


def _line(statement: Statement) -> str:
    contract = statement.contract
    period = Period(statement.period_start, statement.period_end)
    head = f"{contract.title} (#{contract.pk}), {period}: "
    if statement.problem:
        return head + f"not priced. {statement.problem}"
    total = formatting.format_money(statement.total, statement.currency)
    if statement.payable:
        return head + f"{total}, due {formatting.format_date(statement.due_date)}"
    return head + f"{total}, carried forward to the next statement"


def _month(value: str) -> Period:
    try:
        return Period.month(date.fromisoformat(f"{value}-01"))
    except ValueError:
        raise ArgumentTypeError(f"'{value}' is not a month like 2026-11.") from None


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"'{value}' is not a date like 2026-11-30.") from None
