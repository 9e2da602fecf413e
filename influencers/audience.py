"""Audience breakdowns of a social account: validation of the JSON a person or a file sends."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from partnerships.audience import AGE_BANDS, GENDERS, unknown_countries

DIMENSIONS = ("countries", "age_bands", "genders")


def validate_breakdown(value: object) -> None:
    """`{"countries": {"US": 40, ..}, "age_bands": {..}, "genders": {..}}`: every share 0–100,
    each breakdown summing to at most 100; keys from the shared vocabulary."""
    if not isinstance(value, dict):
        raise ValidationError(_("The audience must be an object of breakdowns."))
    errors = []
    for dimension, shares in value.items():
        if dimension not in DIMENSIONS:
            errors.append(
                _("Unknown breakdown '%(dimension)s'; use %(allowed)s.")
                % {"dimension": dimension, "allowed": ", ".join(DIMENSIONS)}
            )
            continue
        if not isinstance(shares, dict):
            errors.append(
                _("%(dimension)s: must map each key to a share in percent.")
                % {"dimension": dimension}
            )
            continue
        errors.extend(_check_keys(dimension, list(shares)))
        total = Decimal(0)
        for key, share in shares.items():
            try:
                number = Decimal(str(share))
            except InvalidOperation:
                errors.append(
                    _("%(dimension)s.%(key)s: '%(share)s' is not a number.")
                    % {"dimension": dimension, "key": key, "share": share}
                )
                continue
            if not Decimal(0) <= number <= Decimal(100):
                errors.append(
                    _("%(dimension)s.%(key)s: %(share)s is outside 0–100.")
                    % {"dimension": dimension, "key": key, "share": share}
                )
            total += number
        if total > 100:
            errors.append(
                _("%(dimension)s: shares add up to %(total)s, more than 100.")
                % {"dimension": dimension, "total": total}
            )
    if errors:
        raise ValidationError(errors)


def _check_keys(dimension: str, keys: list[str]) -> list[str]:
    if dimension == "countries" and (bad := unknown_countries(keys)):
        return [_("countries: unknown country codes %(codes)s.") % {"codes": ", ".join(bad)}]
    allowed = {"age_bands": AGE_BANDS, "genders": GENDERS}.get(dimension)
    if allowed and (bad := [key for key in keys if key not in allowed]):
        return [
            _("%(dimension)s: unknown keys %(keys)s; use %(allowed)s.")
            % {"dimension": dimension, "keys": ", ".join(bad), "allowed": ", ".join(allowed)}
        ]
    return []


def parse_shares(text: str) -> dict[str, int | float]:
    """`"US:40; GB:10.5"` as `{"US": 40, "GB": 10.5}`, ready for JSON (shares are percentages,
    not money); ValueError names the part it cannot read."""
    shares: dict[str, int | float] = {}
    for part in filter(
        None, (piece.strip() for piece in (text or "").replace(",", ";").split(";"))
    ):
        key, colon, number = part.partition(":")
        if not colon or not key.strip():
            raise ValueError(_("'%(part)s' is not KEY:SHARE") % {"part": part})
        try:
            share = Decimal(number.strip())
        except InvalidOperation:
            share = Decimal("NaN")
        if not share.is_finite():
            raise ValueError(
                _("'%(number)s' in '%(part)s' is not a number")
                % {"number": number.strip(), "part": part}
            )
        shares[key.strip()] = int(share) if share == share.to_integral_value() else float(share)
    return shares


def format_shares(shares: dict[str, object] | None) -> str:
    """The inverse of parse_shares, for forms and exports."""
    return "; ".join(f"{key}:{value}" for key, value in (shares or {}).items())


def combine(accounts: list[tuple[int, dict]]) -> dict[str, dict[str, Decimal]]:
    """The follower-weighted audience of several accounts, per breakdown, in percent."""
    combined: dict[str, dict[str, Decimal]] = {}
    for dimension in DIMENSIONS:
        weighted: dict[str, Decimal] = {}
        weight = 0
        for followers, breakdown in accounts:
            shares = (breakdown or {}).get(dimension)
            if not shares:
                continue
            for key, share in shares.items():
                weighted[key] = weighted.get(key, Decimal(0)) + Decimal(str(share)) * max(
                    followers, 1
                )
            weight += max(followers, 1)
        if weight:
            combined[dimension] = {
                key: (total / weight).quantize(Decimal("0.1"))
                for key, total in sorted(weighted.items(), key=lambda item: -item[1])
            }
    return combined
