"""Compensation terms and contract conditions in plain language.

What a brand manager and an influencer both read on the contract page, the printable summary
and the preview: "8% on total monthly net sales once they reach ¥10,000, otherwise 5%". Pure
string building over the instances passed in; no money is computed here (that is
`contracts.compensation`); amounts, rates, counts and dates are written by
`partnerships.formatting`.
"""

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy, pgettext, pgettext_lazy

from contracts import compensation
from contracts.compensation import Tier
from contracts.models import (
    TERM_FORM_FIELDS,
    CompensationTerm,
    ContentType,
    Contract,
    Statement,
    StatementLine,
)
from partnerships.formatting import (
    format_count,
    format_date,
    format_money,
    format_rate,
    format_threshold,
)
from partnerships.models import Product

Kind = CompensationTerm.Kind

# How a contract reads top to bottom: fixed fees, pay per item, pay on sales, then bonuses.
KIND_ORDER = (
    Kind.FLAT_FEE,
    Kind.PER_DELIVERABLE,
    Kind.CPM,
    Kind.CPA,
    Kind.COMMISSION,
    Kind.REVENUE_SHARE,
    Kind.REBATE,
    Kind.BONUS,
)
Milestone = CompensationTerm.Milestone
SettlementPeriod = Contract.SettlementPeriod
# A flat fee due at a milestone, and due a number of days after it ("n": the days).
ON_MILESTONE = {
    Milestone.ON_SIGNING: gettext_lazy("%(amount)s on signing"),
    Milestone.ON_FIRST_PUBLISH: gettext_lazy("%(amount)s on the first published content"),
    Milestone.ON_CAMPAIGN_END: gettext_lazy("%(amount)s at the end of the campaign"),
}
AFTER_MILESTONE = {
    Milestone.ON_SIGNING: ngettext_lazy(
        "%(amount)s %(days)s day after signing", "%(amount)s %(days)s days after signing", "n"
    ),
    Milestone.ON_FIRST_PUBLISH: ngettext_lazy(
        "%(amount)s %(days)s day after the first published content",
        "%(amount)s %(days)s days after the first published content",
        "n",
    ),
    Milestone.ON_CAMPAIGN_END: ngettext_lazy(
        "%(amount)s %(days)s day after the campaign ends",
        "%(amount)s %(days)s days after the campaign ends",
        "n",
    ),
}
# What a rate applies to, in the contract's settlement period: "monthly net sales". The first
# key is what is summed (total sales, one product's, one category's, the joint brand's, the
# influencer's wholesale purchases); None is a contract without a settlement period.
SALES = {
    ("total", SettlementPeriod.MONTHLY): pgettext_lazy("sales", "monthly net sales"),
    ("total", SettlementPeriod.QUARTERLY): pgettext_lazy("sales", "quarterly net sales"),
    ("total", SettlementPeriod.ON_COMPLETION): pgettext_lazy(
        "sales", "net sales over the contract"
    ),
    ("total", None): pgettext_lazy("sales", "net sales"),
    ("product", SettlementPeriod.MONTHLY): pgettext_lazy(
        "sales", "monthly net sales of %(product)s"
    ),
    ("product", SettlementPeriod.QUARTERLY): pgettext_lazy(
        "sales", "quarterly net sales of %(product)s"
    ),
    ("product", SettlementPeriod.ON_COMPLETION): pgettext_lazy(
        "sales", "net sales of %(product)s over the contract"
    ),
    ("product", None): pgettext_lazy("sales", "net sales of %(product)s"),
    ("category", SettlementPeriod.MONTHLY): pgettext_lazy(
        "sales", "monthly net sales in the %(category)s category"
    ),
    ("category", SettlementPeriod.QUARTERLY): pgettext_lazy(
        "sales", "quarterly net sales in the %(category)s category"
    ),
    ("category", SettlementPeriod.ON_COMPLETION): pgettext_lazy(
        "sales", "net sales in the %(category)s category over the contract"
    ),
    ("category", None): pgettext_lazy("sales", "net sales in the %(category)s category"),
    ("joint_brand", SettlementPeriod.MONTHLY): pgettext_lazy(
        "sales", "monthly net sales of the joint brand's products"
    ),
    ("joint_brand", SettlementPeriod.QUARTERLY): pgettext_lazy(
        "sales", "quarterly net sales of the joint brand's products"
    ),
    ("joint_brand", SettlementPeriod.ON_COMPLETION): pgettext_lazy(
        "sales", "net sales of the joint brand's products over the contract"
    ),
    ("joint_brand", None): pgettext_lazy("sales", "net sales of the joint brand's products"),
    ("wholesale", SettlementPeriod.MONTHLY): pgettext_lazy("sales", "monthly wholesale purchases"),
    ("wholesale", SettlementPeriod.QUARTERLY): pgettext_lazy(
        "sales", "quarterly wholesale purchases"
    ),
    ("wholesale", SettlementPeriod.ON_COMPLETION): pgettext_lazy(
        "sales", "wholesale purchases over the contract"
    ),
    ("wholesale", None): pgettext_lazy("sales", "wholesale purchases"),
}
# A revenue share's minimum guarantee, per settlement period.
AT_LEAST = {
    SettlementPeriod.MONTHLY: gettext_lazy("%(share)s, at least %(amount)s a month"),
    SettlementPeriod.QUARTERLY: gettext_lazy("%(share)s, at least %(amount)s a quarter"),
    SettlementPeriod.ON_COMPLETION: gettext_lazy(
        "%(share)s, at least %(amount)s over the contract"
    ),
    None: gettext_lazy("%(share)s, at least %(amount)s per settlement period"),
}
# When statements are made: settled once the period ends, or a hold of "n" days after it.
SETTLED = {
    SettlementPeriod.MONTHLY: gettext_lazy("Settled monthly, as soon as each month ends."),
    SettlementPeriod.QUARTERLY: gettext_lazy("Settled quarterly, as soon as each quarter ends."),
    None: gettext_lazy("Settled once, when the contract ends."),
}
SETTLED_AFTER = {
    SettlementPeriod.MONTHLY: ngettext_lazy(
        "Settled monthly, %(days)s day after each month ends, so orders returned within that "
        "window are left out.",
        "Settled monthly, %(days)s days after each month ends, so orders returned within that "
        "window are left out.",
        "n",
    ),
    SettlementPeriod.QUARTERLY: ngettext_lazy(
        "Settled quarterly, %(days)s day after each quarter ends, so orders returned within "
        "that window are left out.",
        "Settled quarterly, %(days)s days after each quarter ends, so orders returned within "
        "that window are left out.",
        "n",
    ),
    None: ngettext_lazy(
        "Settled once, %(days)s day after the contract ends, so orders returned within that "
        "window are left out.",
        "Settled once, %(days)s days after the contract ends, so orders returned within that "
        "window are left out.",
        "n",
    ),
}


# --- terms -----------------------------------------------------------------------------------


def describe(term: CompensationTerm, *, contract: Contract | None = None) -> str:
    """The term in plain language, in the active language and the contract's currency and
    settlement period.

    `contract` defaults to the term's own (pass it, or fetch terms through the contract, to
    avoid a query); a commission on one product reads the term's product, so fetch terms with
    `select_related("product")`. Examples: "$1,500.00 due on 15 Jan 2027", "$8.00 per 1,000
    views, at most $400.00 per item", "5% of monthly net sales up to ¥10,000 and 8% of the part
    above"."""
    contract = contract if contract is not None else _contract_of(term)
    currency = contract.currency if contract is not None else None
    period = contract.settlement_period if contract is not None else None
    try:
        kind = Kind(term.kind)
    except ValueError:
        return term.description or _("Unknown kind of term")
    try:
        return _DESCRIBERS[kind](term, currency, period)
    except ValueError as error:  # tiers stored in a shape the model would refuse
        return pgettext("a kind of term, then what is wrong with it", "%(kind)s: %(error)s") % {
            "kind": kind.label,
            "error": error,
        }


def _contract_of(term: CompensationTerm) -> Contract | None:
    try:
        return term.contract
    except Contract.DoesNotExist:
        return None


def _flat_fee(term: CompensationTerm, currency: str | None, period: str | None) -> str:
    amount = format_money(term.amount, currency)
    if term.due_date:
        return _("%(amount)s due on %(day)s") % {
            "amount": amount,
            "day": format_date(term.due_date),
        }
    if term.milestone in ON_MILESTONE:
        if term.offset_days:
            return AFTER_MILESTONE[term.milestone] % {
                "n": term.offset_days,
                "amount": amount,
                "days": format_count(term.offset_days),
            }
        return ON_MILESTONE[term.milestone] % {"amount": amount}
    return _("%(amount)s, due date not set") % {"amount": amount}


def _per_deliverable(term: CompensationTerm, currency: str | None, period: str | None) -> str:
    amount = format_money(term.amount, currency)
    if not term.content_type:
        return _("%(amount)s per published item") % {"amount": amount}
    return _("%(amount)s per published %(content)s") % {
        "amount": amount,
        "content": str(ContentType(term.content_type).label).lower(),
    }


def _cpm(term: CompensationTerm, currency: str | None, period: str | None) -> str:
    amount = format_money(term.amount, currency)
    if term.cap is not None:
        return _("%(amount)s per 1,000 views, at most %(cap)s per item") % {
            "amount": amount,
            "cap": format_money(term.cap, currency),
        }
    return _("%(amount)s per 1,000 views") % {"amount": amount}


def _cpa(term: CompensationTerm, currency: str | None, period: str | None) -> str:
    return _("%(amount)s per confirmed order") % {"amount": format_money(term.amount, currency)}


def _commission(term: CompensationTerm, currency: str | None, period: str | None) -> str:
    sales = _sales_of(term, period)
    if term.tiers:
        tiers = compensation.parse_tiers(term.tiers)
        return _tiered(tiers, term.tier_mode, sales, currency)
    return _("%(rate)s of %(sales)s") % {"rate": format_rate(term.rate), "sales": sales}


def _sales_of(term: CompensationTerm, period: str | None) -> str:
    """The sales a commission is paid on, in its period: all, one product's, one category's."""
    if term.basis == CompensationTerm.Basis.PRODUCT:
        if term.product_id is None:
            product = _("one product (not chosen yet)")
        else:
            product = f"{term.product.name} ({term.product.sku})"
        return _sales("product", period) % {"product": product}
    if term.basis == CompensationTerm.Basis.CATEGORY:
        return _sales("category", period) % {"category": term.category or _("(not named)")}
    return str(_sales("total", period))


def _sales(summed: str, period: str | None) -> str:
    return SALES.get((summed, period), SALES[summed, None])


def _revenue_share(term: CompensationTerm, currency: str | None, period: str | None) -> str:
    share = _("%(rate)s of %(sales)s") % {
        "rate": format_rate(term.rate),
        "sales": _sales("joint_brand", period),
    }
    if term.minimum_guarantee is None:
        return share
    return AT_LEAST.get(period, AT_LEAST[None]) % {
        "share": share,
        "amount": format_money(term.minimum_guarantee, currency),
    }


def _rebate(term: CompensationTerm, currency: str | None, period: str | None) -> str:
    tiers = compensation.parse_tiers(term.tiers)
    if not tiers:
        return _("Rebate on wholesale purchases, tiers not set")
    tiered = _tiered(tiers, term.tier_mode, _sales("wholesale", period), currency)
    return _("Rebate: %(tiers)s") % {"tiers": tiered}


def _bonus(term: CompensationTerm, currency: str | None, period: str | None) -> str:
    values = {"amount": format_money(term.amount, currency)}
    if term.metric == CompensationTerm.Metric.SALES:
        values["threshold"] = format_threshold(term.threshold, currency)
        return _("%(amount)s once, when net sales first reach %(threshold)s") % values
    values["threshold"] = format_count(term.threshold)
    if term.metric == CompensationTerm.Metric.VIEWS:
        return _("%(amount)s once, when views first reach %(threshold)s") % values
    if term.metric == CompensationTerm.Metric.CONVERSIONS:
        return _("%(amount)s once, when conversions first reach %(threshold)s") % values
    return _("%(amount)s once, when the target of %(threshold)s is first reached") % values


_DESCRIBERS = {
    Kind.FLAT_FEE: _flat_fee,
    Kind.PER_DELIVERABLE: _per_deliverable,
    Kind.CPM: _cpm,
    Kind.CPA: _cpa,
    Kind.COMMISSION: _commission,
    Kind.REVENUE_SHARE: _revenue_share,
    Kind.REBATE: _rebate,
    Kind.BONUS: _bonus,
}


def _tiered(tiers: Sequence[Tier], mode: str, sales: str, currency: str | None) -> str:
    """Tiers in words. Whole: "8% on total monthly net sales once they reach ¥10,000,
    otherwise 5%". Marginal: "5% of monthly net sales up to ¥10,000 and 8% of the part
    above"."""
    rates = [format_rate(tier.rate) for tier in tiers]
    starts = [format_threshold(tier.from_, currency) for tier in tiers]
    from_zero = tiers[0].from_ <= 0
    if len(tiers) == 1 and from_zero:
        return _("%(rate)s of %(sales)s") % {"rate": rates[0], "sales": sales}
    if mode == CompensationTerm.TierMode.MARGINAL:
        if from_zero:
            first = _("%(rate)s of %(sales)s up to %(to)s")
            parts = [first % {"rate": rates[0], "sales": sales, "to": starts[1]}]
            bands = range(1, len(tiers))
        else:
            first = _("nothing on the first %(to)s of %(sales)s")
            parts = [first % {"to": starts[0], "sales": sales}]
            bands = range(len(tiers))
        for number in bands:
            if number == len(tiers) - 1:
                # The part before ended "up to <this start>", so the start needs no repeating.
                parts.append(_("%(rate)s of the part above") % {"rate": rates[number]})
            else:
                parts.append(
                    _("%(rate)s of the part from %(from)s up to %(to)s")
                    % {"rate": rates[number], "from": starts[number], "to": starts[number + 1]}
                )
        return _join(parts)
    top = len(tiers) - 1
    once = _("%(rate)s once they reach %(from)s")
    parts = [
        _("%(rate)s on total %(sales)s once they reach %(from)s")
        % {"rate": rates[top], "sales": sales, "from": starts[top]}
    ]
    parts += [
        once % {"rate": rates[number], "from": starts[number]} for number in range(top - 1, 0, -1)
    ]
    if top > 0:
        if from_zero:
            parts.append(_("otherwise %(rate)s") % {"rate": rates[0]})
        else:
            parts.append(
                _("%(rate)s once they reach %(from)s, nothing below that")
                % {"rate": rates[0], "from": starts[0]}
            )
    elif not from_zero:
        parts.append(_("nothing below that"))
    return _listed(parts)


def _listed(parts: Sequence[str]) -> str:
    """Clauses one after the other: "a, b, c"."""
    pair = pgettext("clauses of one sentence, one after the other", "%(clauses)s, %(clause)s")
    return functools.reduce(
        lambda clauses, clause: pair % {"clauses": clauses, "clause": clause}, parts
    )


def _join(parts: Sequence[str]) -> str:
    """Clauses with "and" before the last: "a, b and c"."""
    if len(parts) == 1:
        return parts[0]
    last = pgettext("clauses of one sentence, the last after 'and'", "%(clauses)s and %(clause)s")
    return last % {"clauses": _listed(parts[:-1]), "clause": parts[-1]}


# --- the whole contract ----------------------------------------------------------------------


def describe_late_delivery(contract: Contract) -> str | None:
    """The late-delivery penalty in words, or None when the contract has none."""
    if not contract.late_delivery_per_day:
        return None
    per_day = format_money(contract.late_delivery_per_day, contract.currency)
    if contract.late_delivery_cap:
        return _(
            "Late delivery costs %(per_day)s per day for each deliverable published late, at "
            "most %(cap)s in all."
        ) % {"per_day": per_day, "cap": format_money(contract.late_delivery_cap, contract.currency)}
    return _("Late delivery costs %(per_day)s per day for each deliverable published late.") % {
        "per_day": per_day
    }


def describe_late_payment(contract: Contract) -> str | None:
    """The late-payment interest in words, or None when the contract has none."""
    if not contract.late_payment_per_day:
        return None
    per_day = format_money(contract.late_payment_per_day, contract.currency)
    return _(
        "A statement paid after its due date earns the influencer %(per_day)s per day late, "
        "added to the next statement."
    ) % {"per_day": per_day}


def describe_settlement(contract: Contract) -> list[str]:
    """When statements are made, when small balances wait, and when statements are paid."""
    period = contract.settlement_period
    if period not in SETTLED:
        period = None
    if contract.hold_days:
        sentences = [
            SETTLED_AFTER[period]
            % {"n": contract.hold_days, "days": format_count(contract.hold_days)}
        ]
    else:
        sentences = [str(SETTLED[period])]
    if contract.minimum_payout:
        minimum = format_money(contract.minimum_payout, contract.currency)
        sentences.append(
            _(
                "A statement below %(minimum)s is not paid; its balance carries to the next "
                "statement."
            )
            % {"minimum": minimum}
        )
    if contract.payment_terms_days:
        days = contract.payment_terms_days
        sentences.append(
            ngettext(
                "Approved statements are paid within %(days)s day (net %(net)s).",
                "Approved statements are paid within %(days)s days (net %(net)s).",
                days,
            )
            % {"days": format_count(days), "net": days}
        )
    else:
        sentences.append(_("Approved statements are paid on approval."))
    return sentences


def describe_contract(
    contract: Contract,
    *,
    terms: Iterable[CompensationTerm] | None = None,
    include_terms: bool = True,
) -> list[str]:
    """The contract's money conditions as sentences, in the active language: each term (its
    own note first, when it has one), then the breach terms, then settlement, minimum payout
    and payment terms.

    `terms` defaults to the contract's terms, from a prefetch when there is one (else one
    query, products joined). `include_terms=False` gives only the conditions, for pages that
    list the terms themselves."""
    sentences = []
    if include_terms:
        if terms is None:
            terms = _terms_of(contract)
        ordered = sorted(terms, key=lambda term: _kind_rank(term.kind))
        noted = pgettext("a term's own note, then the term", "%(note)s: %(term)s")
        for term in ordered:
            text = describe(term, contract=contract)
            note = term.description.strip()
            sentences.append(
                noted % {"note": note, "term": text} if note and note != text else text
            )
    for breach in (describe_late_delivery(contract), describe_late_payment(contract)):
        if breach:
            sentences.append(breach)
    if contract.breach_terms.strip():
        sentences.append(contract.breach_terms.strip())
    sentences.extend(describe_settlement(contract))
    return sentences


def _terms_of(contract: Contract) -> list[CompensationTerm]:
    if "terms" in getattr(contract, "_prefetched_objects_cache", {}):
        return list(contract.terms.all())
    if contract.pk is None:
        return []
    return list(contract.terms.select_related("product"))


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


# --- statement lines -------------------------------------------------------------------------
# What each line of a statement says it pays for, from the figures it was priced on. A line
# keeps its wording as a `Phrase`, a message of LINE_MESSAGES and the facts it names, stored
# as JSON on the line; it is written out in the language of whoever reads or prints it (the
# brand's page in Chinese, the creator's printed statement in Russian). A period is named
# the way people say it: "Nov 2026", "Q4 2026".


class _Span(Protocol):
    start: date
    end: date


@dataclass(frozen=True)
class Phrase:
    """A message of LINE_MESSAGES by key and its values, each kept with its kind (see
    `_value`): written out by `str()` in the active language."""

    key: str
    values: dict[str, Any]

    def __str__(self) -> str:
        return _say(self.key, self.values)

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "values": self.values}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Phrase":
        return cls(data["key"], data["values"])


def in_english(phrase: Phrase) -> str:
    """The phrase in the site's language, as a line's stored description keeps it."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(phrase)


def line_text(line: StatementLine) -> str:
    """What the saved line says, in the active language; a line written before lines kept
    their phrase says its stored description."""
    if line.phrase:
        return str(Phrase.from_json(line.phrase))
    return line.description


# Plural messages choose their form by the value "n".
LINE_MESSAGES = {
    "carried_forward": gettext_lazy("Balance carried forward from the statement for %(period)s"),
    "flat_fee": gettext_lazy("Flat fee, due %(due)s"),
    "flat_fee_named": gettext_lazy("%(name)s, due %(due)s"),
    "per_deliverable": ngettext_lazy(
        "%(count)s %(kind)s item published, %(amount)s each",
        "%(count)s %(kind)s items published, %(amount)s each",
        "n",
    ),
    "cpm": ngettext_lazy(
        "%(views)s view, %(amount)s per 1,000", "%(views)s views, %(amount)s per 1,000", "n"
    ),
    "cpm_capped": ngettext_lazy(
        "%(views)s view, %(amount)s per 1,000, at most %(cap)s per item",
        "%(views)s views, %(amount)s per 1,000, at most %(cap)s per item",
        "n",
    ),
    "cpa": ngettext_lazy(
        "%(count)s confirmed order, %(amount)s each",
        "%(count)s confirmed orders, %(amount)s each",
        "n",
    ),
    "commission": gettext_lazy("Commission on %(base)s net sales (%(sales)s)"),
    "commission_at": gettext_lazy("Commission on %(base)s net sales (%(sales)s) at %(rate)s"),
    "commission_tiered": gettext_lazy("Commission on %(base)s net sales (%(sales)s): %(terms)s"),
    "commission_product": gettext_lazy(
        "Commission on %(base)s net sales of %(product)s (%(sales)s)"
    ),
    "commission_product_at": gettext_lazy(
        "Commission on %(base)s net sales of %(product)s (%(sales)s) at %(rate)s"
    ),
    "commission_product_tiered": gettext_lazy(
        "Commission on %(base)s net sales of %(product)s (%(sales)s): %(terms)s"
    ),
    "commission_category": gettext_lazy(
        "Commission on %(base)s net sales in %(category)s (%(sales)s)"
    ),
    "commission_category_at": gettext_lazy(
        "Commission on %(base)s net sales in %(category)s (%(sales)s) at %(rate)s"
    ),
    "commission_category_tiered": gettext_lazy(
        "Commission on %(base)s net sales in %(category)s (%(sales)s): %(terms)s"
    ),
    "revenue_share": gettext_lazy("%(rate)s of %(base)s net sales of %(joint_brand)s"),
    "minimum_guarantee": gettext_lazy("Top-up to the minimum guarantee of %(amount)s"),
    "rebate": gettext_lazy(
        "Volume rebate on %(purchases)s wholesale purchases (%(orders)s): %(terms)s"
    ),
    "bonus": gettext_lazy("Bonus: %(metric)s reached %(value)s (threshold %(threshold)s)"),
    "bonus_named": gettext_lazy("%(name)s: %(metric)s reached %(value)s (threshold %(threshold)s)"),
    "late_delivery": gettext_lazy("%(items)s published %(days)s late in all, %(per_day)s a day"),
    "late_delivery_capped": gettext_lazy(
        "%(items)s published %(days)s late in all, %(per_day)s a day (at most %(cap)s in all)"
    ),
    "late_payment": gettext_lazy(
        "The statement for %(period)s was paid %(days)s late (due %(due)s, paid %(paid)s), "
        "%(per_day)s a day"
    ),
    "clawback": gettext_lazy(
        "Refunds of %(sales)s of the statement for %(period)s: %(base)s at %(rate)s, the rate "
        "it was paid at"
    ),
    "late_confirmation": gettext_lazy(
        "%(sales)s of the statement for %(period)s confirmed after its approval: %(base)s at "
        "%(rate)s, the rate it was paid at"
    ),
    "reversal": ngettext_lazy(
        "%(count)s order paid on the statement for %(period)s was refunded in full, "
        "%(amount)s each",
        "%(count)s orders paid on the statement for %(period)s were refunded in full, "
        "%(amount)s each",
        "n",
    ),
    # Why a statement is not computed.
    "waits_for": gettext_lazy("Waits for the statement of %(period)s: %(problem)s"),
    "missing_rate": gettext_lazy(
        "No exchange rate from %(from)s to %(to)s for %(day)s: add it under exchange rates and "
        "settle again."
    ),
    "missing_rates": ngettext_lazy(
        "No exchange rate from %(from)s to %(to)s for %(day)s: add it under exchange rates and "
        "settle again. %(more)s more rate is missing after it.",
        "No exchange rate from %(from)s to %(to)s for %(day)s: add it under exchange rates and "
        "settle again. %(more)s more rates are missing after it.",
        "n",
    ),
    # Counts named inside the messages above.
    "sales": ngettext_lazy("%(count)s sale", "%(count)s sales", "n"),
    "orders": ngettext_lazy("%(count)s order", "%(count)s orders", "n"),
    "items": ngettext_lazy("%(count)s item", "%(count)s items", "n"),
    "days": ngettext_lazy("%(count)s day", "%(count)s days", "n"),
}
# The choices a phrase may name by their label.
LABELS = {"content_type": ContentType, "metric": CompensationTerm.Metric}
# What a term is rebuilt from to be described again (`describe`), with its product's name.
TERM_FACTS = tuple(name for name in TERM_FORM_FIELDS if name not in ("description", "product"))


def _say(key: str, values: dict[str, Any]) -> str:
    shown = {name: _shown(value) for name, value in values.items()}
    return LINE_MESSAGES[key] % shown


def _shown(value: Any) -> Any:
    """One value of a phrase, written out in the active language."""
    match value:
        case {"money": amount, "currency": currency}:
            return format_money(Decimal(amount), currency)
        case {"threshold": amount, "currency": currency}:
            return format_threshold(Decimal(amount), currency)
        case {"count": number}:
            return format_count(Decimal(number))
        case {"rate": rate}:
            return format_rate(Decimal(rate))
        case {"paid_rate": rate}:
            return _paid_rate(Decimal(rate))
        case {"day": day}:
            return format_date(date.fromisoformat(day))
        case {"period": [start, end]}:
            return period_name(date.fromisoformat(start), date.fromisoformat(end))
        case {"label": choices, "value": code}:
            return str(LABELS[choices](code).label).lower()
        case {"phrase": phrase}:
            return str(Phrase.from_json(phrase))
        case {"term": facts, "currency": currency, "settlement_period": settlement_period}:
            return describe(
                _term_of(facts),
                contract=Contract(currency=currency, settlement_period=settlement_period),
            )
        case {"n": number}:
            return number
        case {"text": text}:
            return text
    raise ValueError(f"not a phrase value: {value!r}")


def _money(amount: Decimal | None, currency: str) -> dict[str, Any]:
    return {"money": str(amount), "currency": currency}


def _count(number: Decimal | int) -> dict[str, Any]:
    return {"count": str(number)}


def _counted(key: str, number: int) -> dict[str, Any]:
    return {"phrase": {"key": key, "values": {"n": {"n": number}, "count": _count(number)}}}


def _period(span: _Span) -> dict[str, Any]:
    return {"period": [span.start.isoformat(), span.end.isoformat()]}


def _text(text: object) -> dict[str, Any]:
    return {"text": str(text)}


def _term(term: CompensationTerm, contract: Contract) -> dict[str, Any]:
    facts = {name: getattr(term, name) for name in TERM_FACTS}
    facts = {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in facts.items()
    }
    facts = {
        name: str(value) if isinstance(value, Decimal) else value for name, value in facts.items()
    }
    if term.product_id:
        facts["product"] = {"name": term.product.name, "sku": term.product.sku}
    return {
        "term": facts,
        "currency": contract.currency,
        "settlement_period": contract.settlement_period,
    }


def _term_of(facts: dict[str, Any]) -> CompensationTerm:
    term = CompensationTerm(
        **{
            name: Decimal(value) if name in DECIMAL_FACTS and value is not None else value
            for name, value in facts.items()
            if name != "product"
        }
    )
    if isinstance(term.due_date, str):
        term.due_date = date.fromisoformat(term.due_date)
    if product := facts.get("product"):
        term.product = Product(pk=0, name=product["name"], sku=product["sku"])
    return term


DECIMAL_FACTS = {"amount", "rate", "cap", "minimum_guarantee", "threshold"}


def period_name(start: date, end: date) -> str:
    """Nov 2026, Q4 2026, or 1 Nov 2026 – 15 Nov 2026 ([start, end) as people say it)."""
    if start.day == 1 and end == _months_later(start, 1):
        month_and_year = pgettext("the date format of a month and its year", "M Y")
        return formats.date_format(start, month_and_year)
    if start.day == 1 and start.month % 3 == 1 and end == _months_later(start, 3):
        return pgettext("a quarter of a year", "Q%(quarter)s %(year)s") % {
            "quarter": (start.month - 1) // 3 + 1,
            "year": start.year,
        }
    last = end - timedelta(days=1)
    return _("%(start)s – %(last)s") % {"start": format_date(start), "last": format_date(last)}


def _months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def _paid_rate(rate: Decimal) -> str:
    """A rate for reading, to a hundredth of a percent: 0.055 is 5.5%, 1/30 is 3.33%."""
    return format_rate(rate, places=2)


def problem_text(statement: Statement) -> str:
    """Why settlement could not price the statement, in the active language; "" when it
    could."""
    if statement.problem_phrase:
        return str(Phrase.from_json(statement.problem_phrase))
    return statement.problem


def waits_for(period: _Span, previous: Statement) -> Phrase:
    """Why a statement is not computed: the one before it has a problem."""
    if previous.problem_phrase:
        problem = {"phrase": previous.problem_phrase}
    else:
        problem = _text(previous.problem)
    return Phrase("waits_for", {"period": _period(period), "problem": problem})


def missing_rates(from_currency: str, to_currency: str, day: date, more: int) -> Phrase:
    """Why a statement is not computed: the first exchange rate it lacks, and how many more."""
    values = {"from": _text(from_currency), "to": _text(to_currency), "day": _day(day)}
    if more:
        return Phrase("missing_rates", {**values, "n": {"n": more}, "more": _count(more)})
    return Phrase("missing_rate", values)


def carried_forward_line(period: _Span) -> Phrase:
    return Phrase("carried_forward", {"period": _period(period)})


def flat_fee_line(term: CompensationTerm, due: date) -> Phrase:
    if term.description:
        return Phrase("flat_fee_named", {"name": _text(term.description), "due": _day(due)})
    return Phrase("flat_fee", {"due": _day(due)})


def _day(day: date) -> dict[str, Any]:
    return {"day": day.isoformat()}


def per_deliverable_line(term: CompensationTerm, items: int, currency: str) -> Phrase:
    return Phrase(
        "per_deliverable",
        {
            "n": {"n": items},
            "count": _count(items),
            "kind": {"label": "content_type", "value": term.content_type},
            "amount": _money(term.amount, currency),
        },
    )


def cpm_line(term: CompensationTerm, views: int, currency: str) -> Phrase:
    values = {"n": {"n": views}, "views": _count(views), "amount": _money(term.amount, currency)}
    if term.cap:
        return Phrase("cpm_capped", {**values, "cap": _money(term.cap, currency)})
    return Phrase("cpm", values)


def cpa_line(term: CompensationTerm, orders: int, currency: str) -> Phrase:
    return Phrase(
        "cpa",
        {"n": {"n": orders}, "count": _count(orders), "amount": _money(term.amount, currency)},
    )


def commission_line(
    term: CompensationTerm, contract: Contract, base: Decimal, sales: int, rate: Decimal | None
) -> Phrase:
    """The commission on the sales in the term's scope, at the rate they earned: the tiers in
    words when the term has tiers."""
    key = "commission"
    values = {"base": _money(base, contract.currency), "sales": _counted("sales", sales)}
    if term.basis == CompensationTerm.Basis.PRODUCT:
        key, values["product"] = "commission_product", _text(term.product)
    elif term.basis == CompensationTerm.Basis.CATEGORY:
        key, values["category"] = "commission_category", _text(term.category)
    if term.tiers:
        return Phrase(f"{key}_tiered", {**values, "terms": _term(term, contract)})
    if rate is not None:
        return Phrase(f"{key}_at", {**values, "rate": {"rate": str(rate)}})
    return Phrase(key, values)


def revenue_share_line(
    term: CompensationTerm, base: Decimal, joint_brand: str, currency: str
) -> Phrase:
    return Phrase(
        "revenue_share",
        {
            "rate": {"rate": str(term.rate)},
            "base": _money(base, currency),
            "joint_brand": _text(joint_brand),
        },
    )


def minimum_guarantee_line(term: CompensationTerm, currency: str) -> Phrase:
    return Phrase("minimum_guarantee", {"amount": _money(term.minimum_guarantee, currency)})


def rebate_line(
    term: CompensationTerm, contract: Contract, purchases: Decimal, orders: int
) -> Phrase:
    return Phrase(
        "rebate",
        {
            "purchases": _money(purchases, contract.currency),
            "orders": _counted("orders", orders),
            "terms": _term(term, contract),
        },
    )


def bonus_line(term: CompensationTerm, value: Decimal | int, currency: str) -> Phrase:
    if term.metric == CompensationTerm.Metric.SALES:
        shown = _money(Decimal(value), currency)
        threshold = {"threshold": str(term.threshold), "currency": currency}
    else:
        shown, threshold = _count(value), _count(term.threshold)
    values = {
        "metric": {"label": "metric", "value": term.metric},
        "value": shown,
        "threshold": threshold,
    }
    if term.description:
        return Phrase("bonus_named", {**values, "name": _text(term.description)})
    return Phrase("bonus", values)


def late_delivery_line(contract: Contract, items: int, days: int) -> Phrase:
    values = {
        "items": _counted("items", items),
        "days": _counted("days", days),
        "per_day": _money(contract.late_delivery_per_day, contract.currency),
    }
    if contract.late_delivery_cap:
        cap = _money(contract.late_delivery_cap, contract.currency)
        return Phrase("late_delivery_capped", {**values, "cap": cap})
    return Phrase("late_delivery", values)


def late_payment_line(
    period: _Span, days: int, due: date, paid: date, per_day: Decimal, currency: str
) -> Phrase:
    return Phrase(
        "late_payment",
        {
            "period": _period(period),
            "days": _counted("days", days),
            "due": _day(due),
            "paid": _day(paid),
            "per_day": _money(per_day, currency),
        },
    )


def clawback_line(
    sales: int, period: _Span, base: Decimal, rate: Decimal | None, currency: str
) -> Phrase:
    return Phrase("clawback", _correction(sales, period, base, rate, currency))


def late_confirmation_line(
    sales: int, period: _Span, base: Decimal, rate: Decimal | None, currency: str
) -> Phrase:
    return Phrase("late_confirmation", _correction(sales, period, base, rate, currency))


def _correction(
    sales: int, period: _Span, base: Decimal, rate: Decimal | None, currency: str
) -> dict[str, Any]:
    return {
        "sales": _counted("sales", sales),
        "period": _period(period),
        "base": _money(base, currency),
        "rate": {"paid_rate": str(rate or Decimal(0))},
    }


def reversal_line(orders: int, period: _Span, per_order: Decimal, currency: str) -> Phrase:
    return Phrase(
        "reversal",
        {
            "n": {"n": orders},
            "count": _count(orders),
            "period": _period(period),
            "amount": _money(per_order, currency),
        },
    )
