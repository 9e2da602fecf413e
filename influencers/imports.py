"""CSV import and export of a brand's influencers with their social accounts.

The file is UTF-8 text, comma-separated, with a header on line 1 naming the columns in any
order. There is one row per social account: an influencer with several accounts takes several
rows with the same name. Only `name`, `platform` and `handle` are required; other columns may be
left out of the header.

    name                the influencer (a person or a community); rows with one name are one
                        influencer
    kind                individual | community
    country             ISO 3166-1 code, e.g. US
    languages, niches   tags separated by ";", e.g. en;es and wigs;hair care
    contact_email, contact_phone, agency
    status              prospect | contacted | negotiating | active | paused | ended | blocked
    platform            youtube, tiktok, instagram, facebook, x, aliexpress_live, amazon_live,
                        shopee_live, douyin, xiaohongshu, bilibili, weibo, blog
    handle              a leading @ is dropped; stored in lower case
    url                 the account's web address
    followers, avg_views  whole numbers, 0 or more
    engagement_rate     a fraction from 0 to 1: 0.045 is 4.5%
    audience_countries, audience_age_bands, audience_genders
                        shares in percent, e.g. US:40;GB:10, 18-24:35;25-34:40, female:80;male:20

Codes (kind, status, platform, country, audience keys) are accepted in any case. Uploads through
ImportFileForm are limited to 5 MB.

Rules:
- Every row is checked before anything is written. One bad line rejects the whole file and
  every problem is reported with its line (the header is line 1; a row spanning several lines
  is reported at its first), its column and the reason.
- An account is identified by (platform, handle) within the brand. A row whose account exists
  updates it; otherwise the account is added. A (platform, handle) may appear once per file.
- A new account joins the influencer the other rows of its name already point at (through
  their existing accounts), else the brand's influencer with exactly that name, else a new
  influencer. If that is ambiguous (two such influencers), the row is an error.
- A row whose account belongs to an influencer of another name updates that account and that
  influencer. Nothing is moved and nobody is renamed; the result carries a notice saying so.
- An empty cell, or a column left out, leaves the stored value as it is; a new record gets
  the default (kind individual, status prospect, numbers 0). To clear a value, edit the record.
- Rows of one influencer may repeat its fields or leave them empty, but must not disagree.
- Only changed records are written, so importing the same file again changes nothing. The
  touched influencers are rescored (followers, engagement, fit) in the same transaction.
- Only the given brand's rows are read or written.

`export_rows` writes the same columns, so an export imports back cleanly.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries

from influencers import audience, scoring
from influencers.models import Influencer, Platform, SocialAccount, normalise_handle
from partnerships import csv_files, tenancy
from partnerships.audience import AGE_BANDS, GENDERS, normalise_tags
from partnerships.csv_files import Column, RowError
from partnerships.models import Brand

RESCORE_BATCH = 500
BIGGEST_COUNT = 2**63 - 1  # PositiveBigIntegerField

INFLUENCER_COLUMNS = (
    "kind",
    "country",
    "languages",
    "niches",
    "contact_email",
    "contact_phone",
    "agency",
    "status",
)
ACCOUNT_COLUMNS = ("url", "followers", "avg_views", "engagement_rate")
AUDIENCE_COLUMNS = {
    "audience_countries": "countries",
    "audience_age_bands": "age_bands",
    "audience_genders": "genders",
}


def _max_length(model: type[models.Model], name: str) -> int:
    return model._meta.get_field(name).max_length


class _CodeField(forms.ChoiceField):
    """A code from a fixed list, accepted in any case."""

    def __init__(self, *, case: str = "lower", required: bool = False, **kwargs: Any) -> None:
        super().__init__(required=required, **kwargs)
        self.case = case

    def to_python(self, value: Any) -> str:
        text = super().to_python(value).strip()
        return text.upper() if self.case == "upper" else text.lower()


class _TagsField(forms.CharField):
    def to_python(self, value: Any) -> list[str]:
        return normalise_tags((super().to_python(value) or "").split(";"))


class _HandleField(forms.CharField):
    def to_python(self, value: Any) -> str:
        return normalise_handle(super().to_python(value))


class _SharesField(forms.CharField):
    """One audience breakdown, e.g. "US:40;GB:10", as {"US": 40, "GB": 10}."""

    def __init__(self, dimension: str, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.dimension = dimension

    def to_python(self, value: Any) -> dict:
        try:
            shares = audience.parse_shares(super().to_python(value))
        except ValueError as error:
            raise ValidationError(
                _("Write shares as KEY:PERCENT separated by ';' (%(error)s).") % {"error": error}
            ) from None
        if self.dimension == "countries":
            return {key.upper(): share for key, share in shares.items()}
        return {key.lower(): share for key, share in shares.items()}

    def validate(self, value: dict) -> None:
        super().validate(value)
        if value:
            audience.validate_breakdown({self.dimension: value})


def _count_field(help_text: str) -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        min_value=0,
        max_value=BIGGEST_COUNT,
        help_text=help_text,
        error_messages={
            "invalid": gettext_lazy("Write a whole number without separators, e.g. 12000."),
            "min_value": gettext_lazy("Must be 0 or more."),
        },
    )


def _choices_message(values: list[str]) -> dict[str, str]:
    # The field fills in %(value)s when it refuses a cell.
    message = gettext_lazy("'%(value)s' is not one of {values}.")
    return {"invalid_choice": format_lazy(message, values=", ".join(values))}


RATE_MESSAGE = gettext_lazy(
    "Write engagement as a fraction from 0 to 1, e.g. 0.045 for 4.5 percent."
)


class _RowForm(forms.Form):
    """One row of the file: the field names are the columns, the help texts document them.
    Only its fields are used, to clean the cells."""

    name = forms.CharField(
        max_length=_max_length(Influencer, "name"),
        error_messages={"required": gettext_lazy("Every row needs the influencer's name.")},
        help_text=gettext_lazy(
            "The influencer (a person or a community). Rows with the same name are one "
            "influencer with several accounts."
        ),
    )
    kind = _CodeField(
        choices=Influencer.Kind.choices,
        error_messages=_choices_message(Influencer.Kind.values),
        help_text=gettext_lazy("individual or community; a new influencer is individual."),
    )
    country = _CodeField(
        case="upper",
        choices=list(countries),
        error_messages={
            "invalid_choice": gettext_lazy("'%(value)s' is not an ISO 3166-1 code such as US.")
        },
        help_text=gettext_lazy("ISO 3166-1 code, e.g. US."),
    )
    languages = _TagsField(
        required=False, help_text=gettext_lazy("Language codes separated by ';', e.g. en;es.")
    )
    niches = _TagsField(
        required=False, help_text=gettext_lazy("Topics separated by ';', e.g. wigs;hair care.")
    )
    contact_email = forms.EmailField(
        required=False, max_length=_max_length(Influencer, "contact_email")
    )
    contact_phone = forms.CharField(
        required=False, max_length=_max_length(Influencer, "contact_phone")
    )
    agency = forms.CharField(
        required=False,
        max_length=_max_length(Influencer, "agency"),
        help_text=gettext_lazy("The agency or manager who negotiates for them."),
    )
    status = _CodeField(
        choices=Influencer.Status.choices,
        error_messages=_choices_message(Influencer.Status.values),
        help_text=format_lazy(
            gettext_lazy("Pipeline status: {statuses}; a new influencer is a prospect."),
            statuses=", ".join(Influencer.Status.values),
        ),
    )
    platform = _CodeField(
        required=True,
        choices=Platform.choices,
        error_messages={
            **_choices_message(Platform.values),
            "required": gettext_lazy("Every row needs the account's platform."),
        },
        help_text=format_lazy(gettext_lazy("One of {values}."), values=", ".join(Platform.values)),
    )
    handle = _HandleField(
        max_length=_max_length(SocialAccount, "handle"),
        error_messages={"required": gettext_lazy("Every row needs the account's handle.")},
        help_text=gettext_lazy(
            "The account name; a leading @ is dropped and it is stored in lower case. "
            "Platform and handle identify the account: re-importing updates it."
        ),
    )
    url = forms.URLField(
        required=False,
        assume_scheme="https",
        max_length=_max_length(SocialAccount, "url"),
        help_text=gettext_lazy("The account's web address."),
    )
    followers = _count_field(gettext_lazy("Whole number, 0 or more."))
    avg_views = _count_field(
        gettext_lazy("Average views per post or video; whole number, 0 or more.")
    )
    engagement_rate = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=1,
        decimal_places=4,
        help_text=gettext_lazy("A fraction from 0 to 1: 0.045 is 4.5%."),
        error_messages={
            "invalid": RATE_MESSAGE,
            "min_value": RATE_MESSAGE,
            "max_value": RATE_MESSAGE,
            "max_decimal_places": gettext_lazy("At most 4 decimal places, e.g. 0.0450."),
        },
    )
    audience_countries = _SharesField(
        "countries",
        help_text=gettext_lazy("Share of the audience per country in percent, e.g. US:40;GB:10."),
    )
    audience_age_bands = _SharesField(
        "age_bands",
        help_text=format_lazy(
            gettext_lazy("Per age band in percent, e.g. 18-24:35; bands {bands}."),
            bands=", ".join(AGE_BANDS),
        ),
    )
    audience_genders = _SharesField(
        "genders",
        help_text=format_lazy(
            gettext_lazy("Per gender in percent, e.g. female:80; {genders}."),
            genders=", ".join(GENDERS),
        ),
    )


COLUMNS = tuple(
    Column(name, field.required, field.help_text) for name, field in _RowForm.base_fields.items()
)
HEADER = tuple(column.name for column in COLUMNS)
REQUIRED = tuple(column.name for column in COLUMNS if column.required)
EXAMPLE_CSV = (
    ",".join(HEADER)
    + "\n"
    + "Anna Lace,individual,US,en,wigs;hair care,anna@example.com,(212) 555-0100,Bright Talent,"
    "prospect,tiktok,@AnnaLace,https://www.tiktok.com/@annalace,184000,52000,0.045,US:62;GB:9,"
    "18-24:38;25-34:41,female:88;male:12\n"
    "Anna Lace,,,,,,,,,instagram,annalace,https://www.instagram.com/annalace,96000,18000,0.031,"
    "US:55;CA:12,,female:91;male:9\n"
    "Gown Club Moscow,community,RU,ru;en,evening wear,,,,contacted,aliexpress_live,gownclub,,"
    "12500,3100,0.062,RU:80;KZ:7,,\n"
)


@dataclass
class ImportResult(csv_files.ImportResult):
    influencers_created: int = 0
    influencers_updated: int = 0
    accounts_created: int = 0
    accounts_updated: int = 0
    unchanged: int = 0  # rows whose account already held the file's values

    @property
    def created(self) -> int:
        return self.influencers_created + self.accounts_created

    @property
    def updated(self) -> int:
        return self.influencers_updated + self.accounts_updated

    def summary(self) -> str:
        """The counts in one sentence, for a success message."""
        rows = self.accounts_created + self.accounts_updated + self.unchanged
        return ngettext(
            "Imported %(rows)s row: %(influencers_added)s influencers added, "
            "%(influencers_updated)s updated; %(accounts_added)s accounts added, "
            "%(accounts_updated)s updated, %(unchanged)s unchanged.",
            "Imported %(rows)s rows: %(influencers_added)s influencers added, "
            "%(influencers_updated)s updated; %(accounts_added)s accounts added, "
            "%(accounts_updated)s updated, %(unchanged)s unchanged.",
            rows,
        ) % {
            "rows": rows,
            "influencers_added": self.influencers_created,
            "influencers_updated": self.influencers_updated,
            "accounts_added": self.accounts_created,
            "accounts_updated": self.accounts_updated,
            "unchanged": self.unchanged,
        }


class ImportFileForm(csv_files.CsvFileForm):
    max_megabytes = 5


@dataclass
class _Row:
    line: int
    name: str
    platform: str
    handle: str
    influencer: dict[str, Any]  # the non-empty influencer cells, cleaned
    account: dict[str, Any]  # the non-empty account cells, cleaned
    audience: dict[str, dict]  # the non-empty breakdowns

    @property
    def key(self) -> tuple[str, str]:
        return self.platform, self.handle

    @property
    def label(self) -> str:
        return _("@%(handle)s on %(platform)s") % {
            "handle": self.handle,
            "platform": Platform(self.platform).label,
        }


def import_influencers(file: IO[str] | IO[bytes] | bytes | str, *, brand: Brand) -> ImportResult:
    """Import a CSV file of influencers and their accounts into `brand`: all rows or none.

    Returns the counts, or the errors of every bad line with nothing written. The rules are in
    the module's docstring.
    """
    text, errors = csv_files.read_text(file, COLUMNS)
    if errors:
        return ImportResult(errors=errors)
    rows, errors = _parse(text)
    with transaction.atomic():
        # Imports into one brand take turns, so two uploads never both add the same account.
        Brand.objects.select_for_update().get(pk=brand.pk)
        plan = _Plan(brand, rows)
        errors = sorted(errors + plan.errors, key=lambda error: error.line or 0)
        if errors:
            return ImportResult(errors=errors)
        return plan.apply()


def export_rows(influencers: models.QuerySet[Influencer]) -> Iterator[list]:
    """The import header, then one row per social account of `influencers`, so the file
    imports back unchanged. An influencer without an account has no row."""
    yield list(HEADER)
    accounts = (
        SocialAccount.objects.filter(influencer__in=influencers.values("pk"))
        .select_related("influencer")
        .order_by("influencer__name", "influencer_id", "platform", "handle")
    )
    for account in accounts.iterator(chunk_size=2000):
        yield [_cell(account, column) for column in HEADER]


def _cell(account: SocialAccount, column: str) -> Any:
    if column in AUDIENCE_COLUMNS:
        return audience.format_shares(account.audience.get(AUDIENCE_COLUMNS[column]))
    owner = account if column in ("platform", "handle", *ACCOUNT_COLUMNS) else account.influencer
    value = getattr(owner, column)
    return _text(value) if isinstance(value, list) else value


def _parse(text: str) -> tuple[list[_Row], list[RowError]]:
    """Every row checked on its own and against the file's other rows."""
    table = csv_files.read_table(text, COLUMNS)
    errors = table.header_errors + table.line_errors
    rows: list[_Row] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells in table.records:
        row_errors, row = _check_row(line, cells)
        if row is not None:
            if row.key in seen:
                message = _("%(account)s is already on line %(line)s; one row per account.") % {
                    "account": row.label,
                    "line": seen[row.key],
                }
                row_errors.append(RowError(line, "handle", message))
            seen.setdefault(row.key, line)
        errors += row_errors
        if row is not None and not row_errors:
            rows.append(row)
    return rows, errors


def _check_row(line: int, data: dict[str, str]) -> tuple[list[RowError], _Row | None]:
    """The row's errors, and the row itself if at least its name and account are readable."""
    cleaned: dict[str, Any] = {}
    errors = []
    # The form's fields clean the cells directly: a form per row would deep-copy every field
    # (and the list of countries) for each line of the file.
    for column, formfield in _RowForm.base_fields.items():
        try:
            cleaned[column] = formfield.clean(data.get(column))
        except ValidationError as error:
            errors += [RowError(line, column, message) for message in error.messages]
    if not all(cleaned.get(column) for column in REQUIRED):
        return errors, None
    present = {column for column, cell in data.items() if cell.strip()}
    row = _Row(
        line=line,
        name=cleaned["name"],
        platform=cleaned["platform"],
        handle=cleaned["handle"],
        influencer={c: cleaned[c] for c in INFLUENCER_COLUMNS if c in present and c in cleaned},
        account={c: cleaned[c] for c in ACCOUNT_COLUMNS if c in present and c in cleaned},
        audience={
            dimension: cleaned[column]
            for column, dimension in AUDIENCE_COLUMNS.items()
            if column in present and column in cleaned
        },
    )
    return errors, row


class _Plan:
    """The valid rows matched against the brand's stored influencers and accounts: which
    influencer each row goes to, and the errors only the stored data reveals."""

    def __init__(self, brand: Brand, rows: list[_Row]) -> None:
        self.brand = brand
        self.errors: list[RowError] = []
        self.notices: list[str] = []
        self.influencers = {
            influencer.pk: influencer
            for influencer in tenancy.scope_to_brand(Influencer.objects.all(), brand).defer(
                "fit_breakdown", "notes"
            )
        }
        self.accounts = {
            (account.platform, account.handle): account
            for account in tenancy.scope_to_brand(SocialAccount.objects.all(), brand)
        }
        self.by_name: dict[str, set[int]] = defaultdict(set)
        for influencer in self.influencers.values():
            self.by_name[influencer.name].add(influencer.pk)
        # The influencers the file's names already point at through their stored accounts.
        self.owners: dict[str, set[int]] = defaultdict(set)
        for row in rows:
            if account := self.accounts.get(row.key):
                self.owners[row.name].add(account.influencer_id)
        # An existing influencer by its pk; a new one by its name.
        self.groups: dict[int | str, list[_Row]] = defaultdict(list)
        for row in rows:
            if (target := self._target(row)) is not None:
                self.groups[target].append(row)
        self.values = {target: self._merge(group) for target, group in self.groups.items()}

    def _target(self, row: _Row) -> int | str | None:
        if account := self.accounts.get(row.key):
            owner = self.influencers[account.influencer_id]
            if owner.name != row.name:
                notice = _(
                    "Line %(line)s: %(account)s belongs to %(owner)s, so %(owner)s was updated "
                    "and keeps the account and its name (the file says %(name)s)."
                )
                self.notices.append(
                    notice
                    % {
                        "line": row.line,
                        "account": row.label,
                        "owner": owner.name,
                        "name": row.name,
                    }
                )
            return owner.pk
        candidates = set(self.owners.get(row.name) or self.by_name.get(row.name) or ())
        if len(candidates) > 1:
            message = _(
                "%(count)s influencers of this brand go by '%(name)s', so the file cannot say "
                "which one gets %(account)s; add the account in the admin."
            ) % {"count": len(candidates), "name": row.name, "account": row.label}
            self.errors.append(RowError(row.line, "name", message))
            return None
        return candidates.pop() if candidates else row.name

    def _merge(self, group: list[_Row]) -> dict[str, Any]:
        """The influencer's values from all its rows, which must agree where they are given."""
        values: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for row in group:
            for column, value in row.influencer.items():
                if column not in values:
                    values[column], lines[column] = value, row.line
                elif values[column] != value:
                    message = _(
                        "'%(value)s' differs from '%(other)s' on line %(line)s for the same "
                        "influencer."
                    ) % {
                        "value": _text(value),
                        "other": _text(values[column]),
                        "line": lines[column],
                    }
                    self.errors.append(RowError(row.line, column, message))
        return values

    def apply(self) -> ImportResult:
        result = ImportResult(notices=self.notices)
        new = {
            target: Influencer(brand=self.brand, name=target, **self.values[target])
            for target in self.groups
            if isinstance(target, str)
        }
        Influencer.objects.bulk_create(new.values())
        result.influencers_created = len(new)
        touched = {influencer.pk for influencer in new.values()}
        for target in self.groups:
            if isinstance(target, int):
                influencer = self.influencers[target]
                if changed := _assign(influencer, self.values[target]):
                    influencer.save(update_fields=[*changed, "updated_at"])
                    result.influencers_updated += 1
                    touched.add(target)
        created, updated = [], []
        for target, group in self.groups.items():
            owner = new[target] if isinstance(target, str) else self.influencers[target]
            for row in group:
                account = self.accounts.get(row.key)
                values = dict(row.account)
                if row.audience:
                    stored = account.audience if account else {}
                    values["audience"] = {**stored, **row.audience}
                if account is None:
                    created.append(
                        SocialAccount(
                            brand=self.brand,
                            influencer=owner,
                            platform=row.platform,
                            handle=row.handle,
                            **values,
                        )
                    )
                    touched.add(owner.pk)
                elif _assign(account, values):
                    updated.append(account)
                    touched.add(owner.pk)
                else:
                    result.unchanged += 1
        SocialAccount.objects.bulk_create(created)
        fields = [*ACCOUNT_COLUMNS, "audience"]
        SocialAccount.objects.bulk_update(updated, fields, batch_size=500)
        result.accounts_created, result.accounts_updated = len(created), len(updated)
        ids = sorted(touched)
        for start in range(0, len(ids), RESCORE_BATCH):
            batch = ids[start : start + RESCORE_BATCH]
            scoring.rescore(Influencer.objects.filter(pk__in=batch))
        return result


def _assign(obj: models.Model, values: dict[str, Any]) -> list[str]:
    """Set the values that differ from the stored ones; the names of those changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def _text(value: Any) -> str:
    return ";".join(value) if isinstance(value, list) else str(value)
