"""Settlement periods: the whole days a statement covers, in the brand's time zone (DESIGN §4).

A contract is settled by calendar month or quarter, or once on completion; a period is due
`hold_days` after it ends. After the contract's end, refunds and late payments still land in
the month (or quarter) they happen in.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from contracts import wording
from contracts.models import Contract


@dataclass(frozen=True, order=True)
class Period:
    """A settlement period of whole days, half-open: [start, end) in the brand's time zone."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"A period ends after it starts, not on {self.end}.")

    @classmethod
    def month(cls, day: date) -> "Period":
        """The calendar month containing `day`."""
        start = day.replace(day=1)
        return cls(start, _months_later(start, 1))

    @classmethod
    def quarter(cls, day: date) -> "Period":
        """The calendar quarter containing `day`."""
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return cls(start, _months_later(start, 3))

    def bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """The period's first instant and the instant after it, in `zone`."""
        return midnight(self.start, zone), midnight(self.end, zone)

    def overlaps(self, other: "Period") -> bool:
        return self.start < other.end and other.start < self.end

    def __str__(self) -> str:
        return wording.period_name(self.start, self.end)


def _months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def midnight(day: date, zone: tzinfo) -> datetime:
    """The first instant of `day` in `zone`."""
    return datetime.combine(day, time.min, tzinfo=zone)


def contract_period(contract: Contract, day: date) -> Period | None:
    """The contract's settlement period containing `day`: the calendar month or quarter, or
    for settlement on completion the whole contract. After the contract's end, the month (or
    quarter) where refunds and late payments still land. None for a contract settled on
    completion that has no end date yet."""
    if contract.settlement_period == Contract.SettlementPeriod.ON_COMPLETION:
        if contract.end is None:
            return None
        after = contract.end + timedelta(days=1)
        if day < after:
            return Period(contract.start, after)
        month = Period.month(day)
        return Period(max(month.start, after), month.end)
    if contract.settlement_period == Contract.SettlementPeriod.QUARTERLY:
        return Period.quarter(day)
    return Period.month(day)


def due_periods(contract: Contract, today: date) -> list[Period]:
    """The contract's periods that may be settled on `today`: ended `hold_days` ago or more,
    from the one the contract starts in to the one it ends in. After the end only the latest
    due period, which gathers what still happens (refunds, late payments)."""
    last_end = today - timedelta(days=contract.hold_days)
    periods = []
    period = contract_period(contract, contract.start)
    while (
        period is not None
        and period.end <= last_end
        and (contract.end is None or period.start <= contract.end)
    ):
        periods.append(period)
        period = contract_period(contract, period.end)
    if contract.end is not None and last_end > contract.end:
        latest = contract_period(contract, last_end - timedelta(days=1))
        if latest is not None and latest.end > last_end:
            latest = contract_period(contract, latest.start - timedelta(days=1))
        if latest is not None and latest.start > contract.end and latest not in periods:
            periods.append(latest)
    return periods


def after_end(contract: Contract, period: Period) -> bool:
    """Whether `period` begins after the contract's end: its term earns nothing new then."""
    return contract.end is not None and period.start > contract.end


def last_period(contract: Contract, period: Period) -> bool:
    """Whether `period` is the contract's last: no later statement of the contract will come
    to carry a small balance into."""
    return contract.end is not None and period.end > contract.end
