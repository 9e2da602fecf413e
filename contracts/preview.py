"""What would this contract pay: its terms priced on sample numbers, before anything happened.

The contract page's preview form types in one period's numbers (`sample_from_form_data`), and
`preview` prices every term through `contracts.pricing`, as settlement does, so the preview
and the real statement give the same lines, to the cent, on the same facts. Nothing is read
from or written to the database here.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from contracts import pricing, wording
from contracts.models import METHOD_KINDS, CompensationTerm, ContentType, Contract, StatementLine
from partnerships import formatting, money

Kind = CompensationTerm.Kind
LineKind = StatementLine.Kind
Metric = CompensationTerm.Metric
ZERO = Decimal(0)


@dataclass(frozen=True)
class Sample:
    """One period's numbers to price a contract's terms on: the period's `pricing.Figures`.

    - `net_sales`: confirmed net sales attributed to the contract. A commission restricted to
      one product or category is priced on this same figure: in a preview the sample's net
      sales stand for the sales in that term's scope.
    - `views_per_item`: views each published item gained in the period (CPM, item by item).
    - `confirmed_orders`: confirmed attributed orders (CPA).
    - `published_items`: items published in the period by content type (per deliverable);
      a single number counts that many items of every content type.
    - `wholesale_purchases`: the distributor's purchases (rebate).
    - `joint_brand_sales`: net sales of the joint brand's products (revenue share).
    - `views_to_date`, `sales_to_date`, `conversions_to_date`: the contract's metrics for
      bonuses; each defaults to the period's own figure (total views gained, net sales,
      confirmed orders). A preview assumes no bonus was paid before.
    - `days_late_per_item`: days each deliverable was published late (late-delivery penalty).
    - `period_start`, `period_end`: flat fees count when due in [start, end); either bound may
      be left open, and with neither every flat fee counts. An installment tied to a milestone
      is due on the milestone's date in `milestones` plus its offset; with a period given and
      no date for its milestone it is left out, since it is not due yet.
    """

    net_sales: Decimal = ZERO
    views_per_item: tuple[int, ...] = ()
    confirmed_orders: int = 0
    published_items: Mapping[str, int] | int = 0
    wholesale_purchases: Decimal = ZERO
    joint_brand_sales: Decimal = ZERO
    views_to_date: int | None = None
    sales_to_date: Decimal | None = None
    conversions_to_date: int | None = None
    days_late_per_item: tuple[int, ...] = ()
    period_start: date | None = None
    period_end: date | None = None
    milestones: Mapping[str, date] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.period_start and self.period_end and self.period_end <= self.period_start:
            raise SampleError("period_end", "must be after period_start.")

    @property
    def has_period(self) -> bool:
        return self.period_start is not None or self.period_end is not None

    def published(self, content_type: str) -> int:
        """Items of `content_type` published in the period."""
        if isinstance(self.published_items, int):
            return self.published_items
        return self.published_items.get(content_type, 0)

    def metric(self, metric: str) -> Decimal | int:
        """A bonus metric's value for the contract."""
        if metric == Metric.VIEWS:
            if self.views_to_date is not None:
                return self.views_to_date
            return sum(max(views, 0) for views in self.views_per_item)
        if metric == Metric.SALES:
            return self.net_sales if self.sales_to_date is None else self.sales_to_date
        if metric == Metric.CONVERSIONS:
            if self.conversions_to_date is None:
                return self.confirmed_orders
            return self.conversions_to_date
        raise ValueError(f"metric: a bonus is paid on views, sales or conversions, not {metric!r}.")

    def in_period(self, day: date) -> bool:
        """Whether `day` falls in [period_start, period_end)."""
        return (self.period_start is None or self.period_start <= day) and (
            self.period_end is None or day < self.period_end
        )

    # -- as `pricing` reads the figures

    def fee_counts(self, due: date | None) -> bool:
        """Every flat fee counts without a period; with one, those due in it."""
        return not self.has_period or (due is not None and self.in_period(due))

    def paid_before(self, term: CompensationTerm) -> bool:
        return False

    def views_gained(self) -> tuple[int, ...]:
        return self.views_per_item

    def orders(self) -> int:
        return self.confirmed_orders

    def sales_in_scope(self, term: CompensationTerm) -> Decimal:
        return self.net_sales

    def sales_of_joint_brand(self) -> Decimal:
        return self.joint_brand_sales

    def purchases(self) -> Decimal:
        return self.wholesale_purchases


@dataclass(frozen=True)
class PreviewLine:
    kind: str  # a statement line kind
    description: str
    amount: Decimal


@dataclass(frozen=True)
class Preview:
    currency: str
    lines: list[PreviewLine]
    total: Decimal  # the sum of the rounded lines


class SampleError(ValueError):
    """Bad sample input; `field` is the form field it belongs to, and the message names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def preview(contract: Contract, terms: Iterable[CompensationTerm], sample: Sample) -> Preview:
    """What `terms` of `contract` would pay on `sample`: the lines settlement would write on
    the same figures that pay something, in the term order given (a revenue share's top-up to
    its minimum guarantee after it), plus a late-delivery penalty line when the contract has
    one and days late are given. Each term's line is described as the contract page describes
    the term; the total is the sum of the rounded lines."""
    currency = contract.currency
    # Installments tied to a milestone the contract already reached are due on its date.
    milestones = {**pricing.known_milestones(contract), **sample.milestones}
    sample = replace(sample, milestones=milestones)
    lines = []
    for term in terms:
        for priced in pricing.price_term(term, sample, currency):
            if priced.amount:
                description = (
                    str(wording.minimum_guarantee_line(term, currency))
                    if priced.kind == LineKind.MINIMUM_GUARANTEE
                    else wording.describe(term, contract=contract)
                )
                lines.append(PreviewLine(priced.kind, description, priced.amount))
    if contract.late_delivery_per_day and sample.days_late_per_item:
        penalty = pricing.late_delivery(contract, sample.days_late_per_item, already_charged=ZERO)
        if penalty.amount:
            description = wording.describe_late_delivery(contract) or _("Late delivery")
            lines.append(PreviewLine(penalty.kind, description, penalty.amount))
    total = sum((line.amount for line in lines), start=money.round(ZERO, currency))
    return Preview(currency=currency, lines=lines, total=total)


# The sample numbers each kind of term is priced on (a bonus also on its metric to date).
KIND_INPUTS: dict[str, tuple[str, ...]] = {
    Kind.FLAT_FEE: (),
    Kind.PER_DELIVERABLE: ("published_items",),
    Kind.CPM: ("views_per_item",),
    Kind.CPA: ("confirmed_orders",),
    Kind.COMMISSION: ("net_sales",),
    Kind.REVENUE_SHARE: ("joint_brand_sales",),
    Kind.REBATE: ("wholesale_purchases",),
}
BONUS_INPUTS = {
    Metric.VIEWS: ("views_per_item", "views_to_date"),
    Metric.SALES: ("net_sales", "sales_to_date"),
    Metric.CONVERSIONS: ("confirmed_orders", "conversions_to_date"),
}


def inputs_for(contract: Contract, terms: Iterable[CompensationTerm]) -> set[str]:
    """The preview form fields that can change what `terms` pay: the period, and the numbers
    of the kinds of term the contract has (of every kind its cooperation method allows, while
    it has none)."""
    terms = list(terms)
    kinds = {term.kind for term in terms} or set(METHOD_KINDS.get(contract.method, ()))
    names = {"period_start", "period_end"}
    for kind in kinds - {Kind.BONUS}:
        names.update(KIND_INPUTS[kind])
    bonuses = [term.metric for term in terms if term.kind == Kind.BONUS]
    if Kind.BONUS in kinds and not bonuses:
        bonuses = list(BONUS_INPUTS)
    for metric in bonuses:
        names.update(BONUS_INPUTS[metric])
    names.update(f"published_{term.content_type}" for term in terms if term.content_type)
    names.update(term.milestone for term in terms if term.milestone)
    if contract.late_delivery_per_day:
        names.add("days_late_per_item")
    return names


# --- the preview form ------------------------------------------------------------------------


def _named(message: str, **values: object) -> Promise:
    """`message` with `values`, translated when shown."""
    return lazy(lambda: _(message) % {name: str(value) for name, value in values.items()}, str)()


# (name, label, help) of every field `sample_from_form_data` reads; all may be left blank.
FORM_FIELDS: tuple[tuple[str, Promise, Promise], ...] = (
    (
        "period_start",
        gettext_lazy("Period from"),
        gettext_lazy("YYYY-MM-DD; flat fees due from this day count."),
    ),
    (
        "period_end",
        gettext_lazy("Period until"),
        gettext_lazy("YYYY-MM-DD, not included. Blank: every flat fee counts."),
    ),
    (
        "net_sales",
        gettext_lazy("Net sales"),
        gettext_lazy("Confirmed net sales in the period, e.g. 12,500.00."),
    ),
    (
        "confirmed_orders",
        gettext_lazy("Confirmed orders"),
        gettext_lazy("For pay per order (CPA)."),
    ),
    (
        "views_per_item",
        gettext_lazy("Views per item"),
        gettext_lazy("Views each item gained, e.g. 30,000, 80,000."),
    ),
    (
        "published_items",
        gettext_lazy("Items published"),
        gettext_lazy("Of each content type (per item pay)."),
    ),
    *(
        (
            f"published_{value}",
            _named(gettext_noop("%(content)s items published"), content=label),
            gettext_lazy("Overrides the number above."),
        )
        for value, label in ContentType.choices
    ),
    (
        "wholesale_purchases",
        gettext_lazy("Wholesale purchases"),
        gettext_lazy("The distributor's purchases (rebate)."),
    ),
    (
        "joint_brand_sales",
        gettext_lazy("Joint brand sales"),
        gettext_lazy("Net sales of the joint brand's products."),
    ),
    (
        "views_to_date",
        gettext_lazy("Views to date"),
        gettext_lazy("For view bonuses; blank: the views above."),
    ),
    (
        "sales_to_date",
        gettext_lazy("Net sales to date"),
        gettext_lazy("For sales bonuses; blank: the net sales above."),
    ),
    (
        "conversions_to_date",
        gettext_lazy("Conversions to date"),
        gettext_lazy("For bonuses; blank: the orders above."),
    ),
    (
        "days_late_per_item",
        gettext_lazy("Days late per item"),
        gettext_lazy("e.g. 3, 10 (late-delivery penalty)."),
    ),
    *(
        (
            value,
            _named(gettext_noop("Date of %(milestone)s"), milestone=lazy(label.lower, str)()),
            gettext_lazy("YYYY-MM-DD, for installments tied to it."),
        )
        for value, label in CompensationTerm.Milestone.choices
    ),
)

# Digits grouped by three with commas, spaces (also no-break and thin ones), underscores or
# apostrophes: 12,500 / 12 500 / 12'500.
_GROUPED = r"(?:\d+|\d{1,3}(?:[,\s_'\u00a0\u202f]\d{3})+)"
_WHOLE = re.compile(_GROUPED)
_DECIMAL = re.compile(rf"{_GROUPED}(?:\.\d+)?|\.\d+")
# A list separator: ";", a line break, or a comma that is not a thousands separator (a comma
# followed by exactly three digits groups them: "1,000,000" is one number).
_LIST_SEPARATOR = re.compile(r"[;\n]+|,(?!\d{3}(?!\d))")
_CURRENCY_MARKS = "".join(sorted(set(formatting.SYMBOLS.values())))


def sample_from_form_data(data: Mapping[str, str]) -> Sample:
    """A `Sample` from what a person typed in the preview form (field names in `FORM_FIELDS`;
    others are ignored, blanks mean zero or "not given"). Amounts may carry thousands
    separators and a currency symbol ("¥12,500.50"); view counts and days late are lists
    separated by commas ("30,000, 80,000" is two items). Bad input raises `SampleError`, a
    ValueError whose message starts with the field's name."""
    by_type = {
        value: _count(data, f"published_{value}")
        for value in ContentType.values
        if _text(data, f"published_{value}")
    }
    every_type = _count(data, "published_items") or 0
    published: Mapping[str, int] | int = (
        {value: by_type.get(value, every_type) for value in ContentType.values}
        if by_type
        else every_type
    )
    milestones = {
        value: day
        for value in CompensationTerm.Milestone.values
        if (day := _date(data, value)) is not None
    }
    return Sample(
        net_sales=_amount(data, "net_sales") or ZERO,
        views_per_item=_counts(data, "views_per_item"),
        confirmed_orders=_count(data, "confirmed_orders") or 0,
        published_items=published,
        wholesale_purchases=_amount(data, "wholesale_purchases") or ZERO,
        joint_brand_sales=_amount(data, "joint_brand_sales") or ZERO,
        views_to_date=_count(data, "views_to_date"),
        sales_to_date=_amount(data, "sales_to_date"),
        conversions_to_date=_count(data, "conversions_to_date"),
        days_late_per_item=_counts(data, "days_late_per_item"),
        period_start=_date(data, "period_start"),
        period_end=_date(data, "period_end"),
        milestones=milestones,
    )


def _text(data: Mapping[str, str], name: str) -> str:
    return str(data.get(name) or "").strip()


def _amount(data: Mapping[str, str], name: str) -> Decimal | None:
    raw = _text(data, name)
    if not raw:
        return None
    text = raw.strip(_CURRENCY_MARKS).strip()
    if text.startswith(("-", "−")):
        raise SampleError(name, _("cannot be negative, not “%(raw)s”.") % {"raw": raw})
    if not _DECIMAL.fullmatch(text):
        raise SampleError(
            name, _("“%(raw)s” is not an amount; write it like 12,500.00.") % {"raw": raw}
        )
    return Decimal(re.sub(r"[^\d.]", "", text))


def _whole(text: str, name: str, item: int | None = None) -> int:
    """A whole number typed in field `name`; `item`, its place in a list of them."""
    values = {"text": text, "item": item}
    if text.startswith(("-", "−")):
        if item is None:
            raise SampleError(name, _("the value cannot be negative, not “%(text)s”.") % values)
        raise SampleError(name, _("item %(item)s cannot be negative, not “%(text)s”.") % values)
    if not _WHOLE.fullmatch(text):
        if item is None:
            refusal = _("the value “%(text)s” is not a whole number; write it like 12,000.")
        else:
            refusal = _("item %(item)s “%(text)s” is not a whole number; write it like 12,000.")
        raise SampleError(name, refusal % values)
    return int(re.sub(r"\D", "", text))


def _count(data: Mapping[str, str], name: str) -> int | None:
    raw = _text(data, name)
    return _whole(raw, name) if raw else None


def _counts(data: Mapping[str, str], name: str) -> tuple[int, ...]:
    items = [item.strip() for item in _LIST_SEPARATOR.split(_text(data, name))]
    return tuple(
        _whole(item, name, number)
        for number, item in enumerate((item for item in items if item), start=1)
    )


def _date(data: Mapping[str, str], name: str) -> date | None:
    raw = _text(data, name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise SampleError(
            name, _("“%(raw)s” is not a date; write it as YYYY-MM-DD.") % {"raw": raw}
        ) from None
