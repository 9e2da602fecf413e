"""Writing a chunk's statements: each draft statement created or recomputed, its lines replaced
and traced to the sales, content items and distributor orders they were priced on (DESIGN §4).

The caller holds the chunk's transaction and its contracts' locks. The trace and the
recomputed statements are written with a few statements per chunk whatever the number of
rows (INSERT … SELECT and UPDATE … FROM a VALUES list), so the rows never pass through Python.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection

from campaigns.models import ContentLine, Sale, SaleLine
from contracts import wording
from contracts.models import DistributorOrder, Statement, StatementLine
from contracts.periods import last_period
from contracts.settlement_facts import BASE_SQL, COUNTED_SQL, Facts, History
from contracts.statement_lines import Draft, Line
from partnerships import money
from partnerships.models import Product

ZERO = Decimal(0)
# Rows of a VALUES list per statement: 4 parameters each stays far below SQLite's 32,766.
SCOPE_BATCH = 2000
# The tables the SQL below names, as the models name them: built from names, never from
# values, which are parameters (hence the S608 exemptions).
_quote = connection.ops.quote_name
STATEMENT = _quote(Statement._meta.db_table)
STATEMENT_LINE = _quote(StatementLine._meta.db_table)
LINE_ORDERS = _quote(StatementLine.orders.through._meta.db_table)
SALE = _quote(Sale._meta.db_table)
SALE_LINE = _quote(SaleLine._meta.db_table)
PRODUCT = _quote(Product._meta.db_table)
DISTRIBUTOR_ORDER = _quote(DistributorOrder._meta.db_table)


def write(drafts: list[Draft], facts: Facts, now: datetime, history: History) -> list[Statement]:
    """Create or recompute each draft statement and replace its lines and their trace."""
    period = facts.period
    statements = []
    for draft in drafts:
        contract = draft.contract
        statement = history.this(contract)
        if statement is None and not draft.wanted:
            continue
        if statement is None:
            statement = Statement(
                contract=contract, period_start=period.start, period_end=period.end
            )
        statement.contract = contract
        statement.period_end = period.end
        statement.currency = contract.currency
        statement.due_date = period.end + timedelta(days=contract.payment_terms_days)
        statement.problem = wording.in_english(draft.problem) if draft.problem else ""
        statement.problem_phrase = draft.problem.as_json() if draft.problem else {}
        statement.computed_at = now
        statement.total = sum(
            (line.amount for line in draft.lines), start=money.round(ZERO, contract.currency)
        )
        statement.payable = not draft.problem and (
            statement.total >= 0
            and (statement.total >= contract.minimum_payout or last_period(contract, period))
        )
        statements.append((statement, draft))
    recomputed = [statement for statement, _ in statements if statement.pk]
    _update(recomputed)
    StatementLine.objects.filter(statement__in=recomputed).delete()
    Statement.objects.bulk_create([statement for statement, _ in statements if not statement.pk])
    pending = [
        (StatementLine(statement=statement, position=position, **_columns(line)), line)
        for statement, draft in statements
        for position, line in enumerate(draft.lines)
    ]
    StatementLine.objects.bulk_create([row for row, _ in pending])
    _trace(pending, facts)
    return [statement for statement, _ in statements]


# What recomputing a draft changes, written for the whole chunk in one UPDATE … FROM a VALUES
# list (bulk_update's CASE per row and field costs more than the settlement itself).
RECOMPUTED = (
    "period_end",
    "currency",
    "due_date",
    "problem",
    "problem_phrase",
    "computed_at",
    "total",
    "payable",
)
UPDATE_STATEMENTS = f"""
WITH computed (
    id, period_end, currency, due_date, problem, problem_phrase, computed_at, total, payable
)
    AS (VALUES {{values}})
UPDATE {STATEMENT}
SET period_end = computed.period_end, currency = computed.currency,
    due_date = computed.due_date, problem = computed.problem,
    problem_phrase = computed.problem_phrase,
    computed_at = computed.computed_at, total = computed.total, payable = computed.payable
FROM computed
WHERE {STATEMENT}.id = computed.id"""  # noqa: S608


def _update(statements: list[Statement]) -> None:
    fields = [Statement._meta.pk, *(Statement._meta.get_field(name) for name in RECOMPUTED)]
    rows = [
        tuple(
            field.get_db_prep_save(getattr(statement, field.attname), connection)
            for field in fields
        )
        for statement in statements
    ]
    # PostgreSQL types the VALUES columns by these casts; SQLite would cast a date to a number.
    typed = connection.vendor == "postgresql"
    types = tuple(field.db_type(connection) if typed else "" for field in fields)
    _execute(UPDATE_STATEMENTS, types, rows, ())


def _columns(line: Line) -> dict[str, Any]:
    return {
        "kind": line.kind,
        "description": wording.in_english(line.description)[:300],
        "phrase": line.description.as_json(),
        "quantity": line.quantity,
        "rate": line.rate,
        "amount": line.amount,
        "term_id": line.term.pk if line.term else line.term_id,
        "source_statement_id": line.source_statement_id,
    }


def _trace(pending: list[tuple[StatementLine, Line]], facts: Facts) -> None:
    """Link every saved line to the sales, content items and orders it was priced on: the
    chunk's sales and orders in three INSERT … SELECT statements, whatever their number."""
    by_base, by_order, by_contract = [], [], []
    sale_links, content_links = [], []
    for row, line in pending:
        contract_id = row.statement.contract_id
        if (scope := line.sales) is not None:
            codes = facts.codes[contract_id]
            if scope.per_order:
                by_order += [(code, row.pk) for code in codes]
            else:
                products = [None] if scope.products is None else sorted(scope.products)
                by_base += [
                    (code, row.pk, product, scope.category or None)
                    for code in codes
                    for product in products
                ]
        if line.distributor_orders:
            by_contract.append((contract_id, row.pk))
        sale_links += [
            SaleLine(sale_id=sale, line=row, base=base, orders=orders)
            for sale, base, orders in line.sale_links
        ]
        content_links += [
            ContentLine(content_id=item, line=row, quantity=quantity)
            for item, quantity in line.content_links
        ]
    start, end = (connection.ops.adapt_datetimefield_value(m) for m in (facts.start, facts.end))
    counted = (start, end, Sale.Status.CONFIRMED)
    _execute(SALES_BY_BASE, ("bigint", "bigint", "bigint", "varchar(80)"), by_base, counted)
    _execute(SALES_BY_ORDER, ("bigint", "bigint"), by_order, counted)
    _execute(ORDERS_BY_CONTRACT, ("bigint", "bigint"), by_contract, (start, end))
    SaleLine.objects.bulk_create(sale_links)
    ContentLine.objects.bulk_create(content_links)


# The chunk's lines are a VALUES list (`scope`) joined to the period's rows, so a chunk links
# its sales and orders in one statement each and the rows never pass through Python. The sales
# are those `settlement_facts.counted()` selects, at their `sale_base()`, in those rules' SQL.
SALES_BY_BASE = f"""
WITH scope (code_id, line_id, product_id, category) AS (VALUES {{values}})
INSERT INTO {SALE_LINE} (sale_id, line_id, base, orders)
SELECT sale.id, scope.line_id, {BASE_SQL}, 0
FROM {SALE} sale
JOIN scope ON scope.code_id = sale.tracking_code_id
JOIN {PRODUCT} product ON product.id = sale.product_id
WHERE sale.ordered_at >= %s AND sale.ordered_at < %s AND {COUNTED_SQL}
    AND (scope.product_id IS NULL OR scope.product_id = sale.product_id)
    AND (scope.category IS NULL OR scope.category = product.category)"""  # noqa: S608
# One line of each order carries the order, so the trace counts every order once.
SALES_BY_ORDER = f"""
WITH scope (code_id, line_id) AS (VALUES {{values}})
INSERT INTO {SALE_LINE} (sale_id, line_id, base, orders)
SELECT sale.id, first.line_id, {BASE_SQL}, 1
FROM (
    SELECT MIN(sale.id) AS sale_id, scope.line_id AS line_id
    FROM {SALE} sale
    JOIN scope ON scope.code_id = sale.tracking_code_id
    WHERE sale.ordered_at >= %s AND sale.ordered_at < %s AND {COUNTED_SQL}
    GROUP BY scope.line_id, sale.order_id
) first
JOIN {SALE} sale ON sale.id = first.sale_id"""  # noqa: S608
ORDERS_BY_CONTRACT = f"""
WITH scope (contract_id, line_id) AS (VALUES {{values}})
INSERT INTO {LINE_ORDERS} (statementline_id, distributororder_id)
SELECT scope.line_id, distributor_order.id
FROM {DISTRIBUTOR_ORDER} distributor_order
JOIN scope ON scope.contract_id = distributor_order.contract_id
WHERE distributor_order.ordered_at >= %s AND distributor_order.ordered_at < %s"""  # noqa: S608


def _execute(sql: str, types: tuple[str, ...], scope: list[tuple], params: tuple) -> None:
    """Run one of the statements above with `scope` as its VALUES list (typed where `types`
    names a type, so that a column of NULLs still compares with the column it is joined to),
    in batches that stay within every database's limit on parameters."""
    placeholders = "(" + ", ".join(f"CAST(%s AS {kind})" if kind else "%s" for kind in types) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(scope), SCOPE_BATCH):
            batch = scope[start : start + SCOPE_BATCH]
            cursor.execute(
                sql.format(values=", ".join([placeholders] * len(batch))),
                [value for row in batch for value in row] + list(params),
            )


def analyze_statements() -> None:
    """Let PostgreSQL's planner see the statements and lines a first chunk wrote. Every row
    written is checked against the statement or line it refers to by a plan made once per
    connection; made while those tables looked empty (a new database, or stale statistics
    without autovacuum) it reads them whole, and a long run slows down quadratically."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {STATEMENT}, {STATEMENT_LINE}")
