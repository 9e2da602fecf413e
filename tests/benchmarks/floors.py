"""What the measured work would cost written by hand in SQL: the floors it is compared with.

A writing floor writes what the product writes (the same kinds of rows, in about the same
number, which the benchmark prints side by side) with every constraint checked as it goes
(`SET CONSTRAINTS ALL IMMEDIATE`: Django's foreign keys are otherwise checked only at commit),
and then rolls back. The physical limits below them only read (an aggregate) or only copy
(into an unindexed text table): no product can write its rows faster than those.

Each writing floor runs before the product's own run and the tables are vacuumed after its
rollback, so the product meets no dead rows the floor left.
"""

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import connection, transaction

CLOSED = ("approved", "paid")
SETTLED = ("signed", "active", "completed", "terminated")
SALES_LINES = ("commission", "revenue_share", "cpa")

# --- settlement -------------------------------------------------------------------------

# The period's counted sales, each with its contract and its base in the contract's currency.
SETTLEMENT_FACTS = """
CREATE TEMPORARY TABLE floor_sale AS
SELECT participant.contract_id, sale.id AS sale_id, sale.product_id, product.category,
       (sale.net_amount - sale.refunded_amount)
           * CASE WHEN sale.currency = contract.currency THEN 1 ELSE rate.rate END AS base
  FROM campaigns_sale sale
  JOIN campaigns_trackingcode code ON code.id = sale.tracking_code_id
  JOIN campaigns_participant participant ON participant.id = code.participant_id
  JOIN contracts_contract contract ON contract.id = participant.contract_id
  JOIN partnerships_product product ON product.id = sale.product_id
  LEFT JOIN partnerships_exchangerate rate
    ON rate.brand_id = sale.brand_id AND rate.date = (sale.ordered_at AT TIME ZONE 'UTC')::date
   AND rate.from_currency = sale.currency AND rate.to_currency = contract.currency
 WHERE sale.status = 'confirmed' AND sale.refunded_amount < sale.net_amount
   AND sale.ordered_at >= %(start)s AND sale.ordered_at < %(end)s
"""
# Whether a sale counts for a term: its product or category, a joint brand's products.
TERM_TAKES_SALE = """
    (term.basis <> 'product' OR fact.product_id = term.product_id)
AND (term.basis <> 'category' OR fact.category = term.category)
AND (term.kind <> 'revenue_share' OR fact.product_id IN (
        SELECT chosen.product_id FROM contracts_jointbrand_products chosen
          JOIN contracts_jointbrand joint ON joint.id = chosen.jointbrand_id
         WHERE joint.contract_id = fact.contract_id))
"""
SETTLEMENT = [
    SETTLEMENT_FACTS,
    "CREATE INDEX ON floor_sale (contract_id)",
    """
    INSERT INTO contracts_statement (contract_id, period_start, period_end, status, currency,
        total, payable, due_date, problem, computed_at, payout_reference)
    SELECT contract.id, %(period_start)s, %(period_end)s, 'draft', contract.currency, 0, true,
           %(period_end)s + contract.payment_terms_days, '', %(now)s, ''
      FROM contracts_contract contract
     WHERE contract.status = ANY(%(settled)s)
    """,
    # One line per term, priced at its first rate (the floor's tiers are not the product's).
    f"""
    INSERT INTO contracts_statementline (statement_id, position, kind, description, quantity,
        rate, amount, term_id)
    SELECT statement.id, row_number() OVER (PARTITION BY statement.id ORDER BY term.id),
           term.kind, term.kind || ' for October 2026', facts.base, term_rate.rate,
           round(coalesce(facts.base * term_rate.rate, facts.orders * term.amount,
                          term.amount, 0), 2),
           term.id
      FROM contracts_statement statement
      JOIN contracts_compensationterm term ON term.contract_id = statement.contract_id
      CROSS JOIN LATERAL (
          SELECT coalesce(term.rate, (term.tiers -> 0 ->> 'rate')::numeric) AS rate) term_rate
      LEFT JOIN LATERAL (
          SELECT sum(fact.base) AS base, count(*) AS orders FROM floor_sale fact
           WHERE fact.contract_id = statement.contract_id AND {TERM_TAKES_SALE}
      ) facts ON term.kind = ANY(%(sales_lines)s)
     WHERE statement.period_start = %(period_start)s
    """,
    f"""
    INSERT INTO campaigns_saleline (sale_id, line_id, base, orders)
    SELECT fact.sale_id, line.id, round(fact.base, 2), CASE line.kind WHEN 'cpa' THEN 1 ELSE 0 END
      FROM floor_sale fact
      JOIN contracts_statement statement
        ON statement.contract_id = fact.contract_id AND statement.period_start = %(period_start)s
      JOIN contracts_statementline line
        ON line.statement_id = statement.id AND line.kind = ANY(%(sales_lines)s)
      JOIN contracts_compensationterm term ON term.id = line.term_id
     WHERE {TERM_TAKES_SALE}
    """,
    # Refunds in the period of sales that closed statements paid: clawed back at the rate paid.
    """
    CREATE TEMPORARY TABLE floor_refund AS
    SELECT link.sale_id, paid.statement_id AS source_id, paid.term_id, paid.kind, paid.rate,
           source.contract_id, -link.base AS base
      FROM campaigns_sale sale
      JOIN campaigns_saleline link ON link.sale_id = sale.id AND link.base > 0
      JOIN contracts_statementline paid ON paid.id = link.line_id
      JOIN contracts_statement source ON source.id = paid.statement_id
     WHERE sale.refunded_at >= %(start)s AND sale.refunded_at < %(end)s
       AND source.status = ANY(%(closed)s)
    """,
    """
    INSERT INTO contracts_statementline (statement_id, position, kind, description, quantity,
        rate, amount, term_id, source_statement_id)
    SELECT statement.id, 100 + row_number() OVER (PARTITION BY statement.id ORDER BY
               refund.source_id, refund.term_id),
           'clawback', 'Refunds of sales paid earlier', sum(refund.base), min(refund.rate),
           round(sum(refund.base * coalesce(refund.rate, 0)), 2), refund.term_id,
           refund.source_id
      FROM floor_refund refund
      JOIN contracts_statement statement
        ON statement.contract_id = refund.contract_id
       AND statement.period_start = %(period_start)s
     GROUP BY statement.id, refund.source_id, refund.term_id
    """,
    """
    INSERT INTO campaigns_saleline (sale_id, line_id, base, orders)
    SELECT refund.sale_id, line.id, refund.base, 0
      FROM floor_refund refund
      JOIN contracts_statement statement
        ON statement.contract_id = refund.contract_id
       AND statement.period_start = %(period_start)s
      JOIN contracts_statementline line
        ON line.statement_id = statement.id AND line.kind = 'clawback'
       AND line.source_statement_id = refund.source_id AND line.term_id = refund.term_id
    ON CONFLICT DO NOTHING
    """,
    # Sales of closed periods confirmed since: paid now at the rate their statement paid.
    """
    CREATE TEMPORARY TABLE floor_late AS
    SELECT sale.id AS sale_id, participant.contract_id, source.id AS source_id, paid.term_id,
           paid.rate, sale.net_amount - sale.refunded_amount AS base
      FROM campaigns_sale sale
      JOIN campaigns_trackingcode code ON code.id = sale.tracking_code_id
      JOIN campaigns_participant participant ON participant.id = code.participant_id
      JOIN contracts_statement source
        ON source.contract_id = participant.contract_id AND source.status = ANY(%(closed)s)
       AND sale.ordered_at >= source.period_start AND sale.ordered_at < source.period_end
      JOIN contracts_statementline paid
        ON paid.statement_id = source.id AND paid.kind IN ('commission', 'revenue_share')
     WHERE sale.status = 'confirmed' AND sale.ordered_at < %(start)s
       AND NOT EXISTS (SELECT 1 FROM campaigns_saleline link WHERE link.sale_id = sale.id)
    """,
    """
    INSERT INTO contracts_statementline (statement_id, position, kind, description, quantity,
        rate, amount, term_id, source_statement_id)
    SELECT statement.id, 200 + row_number() OVER (PARTITION BY statement.id ORDER BY
               late.source_id, late.term_id),
           'late_confirmation', 'Sales confirmed after approval', sum(late.base),
           min(late.rate), round(sum(late.base * coalesce(late.rate, 0)), 2), late.term_id,
           late.source_id
      FROM floor_late late
      JOIN contracts_statement statement
        ON statement.contract_id = late.contract_id AND statement.period_start = %(period_start)s
     GROUP BY statement.id, late.source_id, late.term_id
    """,
    """
    INSERT INTO campaigns_saleline (sale_id, line_id, base, orders)
    SELECT late.sale_id, line.id, late.base, 0
      FROM floor_late late
      JOIN contracts_statement statement
        ON statement.contract_id = late.contract_id AND statement.period_start = %(period_start)s
      JOIN contracts_statementline line
        ON line.statement_id = statement.id AND line.kind = 'late_confirmation'
       AND line.source_statement_id = late.source_id AND line.term_id = late.term_id
    """,
    # The balance of a statement too small to pay, carried into this one.
    """
    INSERT INTO contracts_statementline (statement_id, position, kind, description, amount,
        source_statement_id)
    SELECT statement.id, 0, 'carried_forward', 'Balance carried forward', previous.total,
           previous.id
      FROM contracts_statement statement
      JOIN contracts_statement previous
        ON previous.contract_id = statement.contract_id AND NOT previous.payable
       AND previous.period_end = statement.period_start
     WHERE statement.period_start = %(period_start)s AND previous.total <> 0
    """,
    """
    UPDATE contracts_statement statement
       SET total = lines.total, payable = lines.total >= contract.minimum_payout
      FROM (SELECT line.statement_id, sum(line.amount) AS total
              FROM contracts_statementline line
              JOIN contracts_statement statement ON statement.id = line.statement_id
             WHERE statement.period_start = %(period_start)s
             GROUP BY line.statement_id) lines,
           contracts_contract contract
     WHERE statement.id = lines.statement_id AND contract.id = statement.contract_id
    """,
]
SETTLEMENT_READ = """
SELECT count(*), coalesce(sum(base), 0)
  FROM (SELECT participant.contract_id, sum(sale.net_amount - sale.refunded_amount) AS base
          FROM campaigns_sale sale
          JOIN campaigns_trackingcode code ON code.id = sale.tracking_code_id
          JOIN campaigns_participant participant ON participant.id = code.participant_id
         WHERE sale.status = 'confirmed' AND sale.ordered_at >= %(start)s
           AND sale.ordered_at < %(end)s
         GROUP BY participant.contract_id) AS per_contract
"""
COUNTS = """
SELECT (SELECT count(*) FROM contracts_statement WHERE period_start = %(period_start)s),
       (SELECT count(*) FROM contracts_statementline line
          JOIN contracts_statement statement ON statement.id = line.statement_id
         WHERE statement.period_start = %(period_start)s),
       (SELECT count(*) FROM campaigns_saleline link
          JOIN contracts_statementline line ON line.id = link.line_id
          JOIN contracts_statement statement ON statement.id = line.statement_id
         WHERE statement.period_start = %(period_start)s)
"""


def settlement_params(
    period_start: date, period_end: date, start: datetime, end: datetime, now: datetime
) -> dict[str, Any]:
    return {
        "period_start": period_start,
        "period_end": period_end,
        "start": start,
        "end": end,
        "now": now,
        "settled": list(SETTLED),
        "closed": list(CLOSED),
        "sales_lines": list(SALES_LINES),
    }


def written(params: dict[str, Any]) -> tuple[int, int, int]:
    """Statements, lines and sale links of the period."""
    with connection.cursor() as cursor:
        cursor.execute(COUNTS, params)
        return cursor.fetchone()


def rolled_back(run: Callable[[Any], Any]) -> Any:
    """Run `run(cursor)` in a transaction with every constraint checked as it goes and roll it
    back; returns what `run` returned."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        result = run(cursor)
        transaction.set_rollback(True)
    return result


def vacuum(*tables: str) -> None:
    """Clear away what a rolled-back floor left in `tables` (not part of its time)."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


SETTLEMENT_TABLES = ("contracts_statement", "contracts_statementline", "campaigns_saleline")


def settle(params: dict[str, Any]) -> tuple[int, int, int]:
    """The settlement floor; returns the statements, lines and links it wrote."""

    def run(cursor) -> tuple[int, int, int]:
        for sql in SETTLEMENT:
            cursor.execute(sql, params)
        cursor.execute(COUNTS, params)
        return cursor.fetchone()

    return rolled_back(run)


def settle_read_only(params: dict[str, Any]) -> None:
    """The physical limit: the period's totals per contract, read and not written."""
    with connection.cursor() as cursor:
        cursor.execute(SETTLEMENT_READ, params)
        cursor.fetchall()


# --- the sales import ---------------------------------------------------------------------

STAGING_COLUMNS = [
    f"{name} text"
    for name in [
        "order_id",
        "line_id",
        "ordered_at",
        "code",
        "sku",
        "quantity",
        "net_amount",
        "currency",
        "status",
        "refunded_at",
        "refunded_amount",
        "channel",
        "order_reference",
    ]
]
STAGING = f"CREATE TEMPORARY TABLE floor_incoming ({', '.join(STAGING_COLUMNS)})"
UPSERT = """
INSERT INTO campaigns_sale AS sale (brand_id, order_id, line_id, ordered_at, tracking_code_id,
    product_id, quantity, net_amount, currency, status, refunded_at, refunded_amount,
    channel, order_reference, created_at, updated_at)
SELECT %(brand)s, incoming.order_id, incoming.line_id, incoming.ordered_at::timestamptz,
       code.id, product.id, incoming.quantity::integer, incoming.net_amount::numeric,
       incoming.currency, coalesce(nullif(incoming.status, ''), 'confirmed'),
       nullif(incoming.refunded_at, '')::timestamptz,
       coalesce(nullif(incoming.refunded_amount, '')::numeric, 0),
       coalesce(incoming.channel, ''), coalesce(incoming.order_reference, ''), now(), now()
  FROM floor_incoming incoming
  JOIN campaigns_trackingcode code ON code.brand_id = %(brand)s AND code.code = incoming.code
  JOIN partnerships_product product ON product.brand_id = %(brand)s AND product.sku = incoming.sku
ON CONFLICT (brand_id, order_id, line_id) DO UPDATE SET
    ordered_at = EXCLUDED.ordered_at, tracking_code_id = EXCLUDED.tracking_code_id,
    product_id = EXCLUDED.product_id, quantity = EXCLUDED.quantity,
    net_amount = EXCLUDED.net_amount, currency = EXCLUDED.currency, status = EXCLUDED.status,
    refunded_at = EXCLUDED.refunded_at, refunded_amount = EXCLUDED.refunded_amount,
    channel = EXCLUDED.channel, order_reference = EXCLUDED.order_reference,
    updated_at = EXCLUDED.updated_at
WHERE (sale.ordered_at, sale.tracking_code_id, sale.product_id, sale.quantity, sale.net_amount,
       sale.currency, sale.status, sale.refunded_at, sale.refunded_amount, sale.channel,
       sale.order_reference)
    IS DISTINCT FROM (EXCLUDED.ordered_at, EXCLUDED.tracking_code_id, EXCLUDED.product_id,
       EXCLUDED.quantity, EXCLUDED.net_amount, EXCLUDED.currency, EXCLUDED.status,
       EXCLUDED.refunded_at, EXCLUDED.refunded_amount, EXCLUDED.channel,
       EXCLUDED.order_reference)
"""
BLOCK = 1 << 20


def _copy_file(cursor, path: Path) -> None:
    with (
        path.open("rb") as file,
        cursor.copy("COPY floor_incoming FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
    ):
        while block := file.read(BLOCK):
            copy.write(block)


def import_sales(path: Path, brand_id: int) -> int:
    """The import floor: COPY into a staging table and one INSERT … ON CONFLICT; rows written."""

    def run(cursor) -> int:
        cursor.execute(STAGING)
        _copy_file(cursor, path)
        cursor.execute(UPSERT, {"brand": brand_id})
        written = cursor.rowcount
        cursor.execute("DROP TABLE floor_incoming")
        return written

    return rolled_back(run)


def copy_only(path: Path) -> None:
    """The physical limit: the file copied into an unindexed table of text."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(STAGING)
        _copy_file(cursor, path)
        transaction.set_rollback(True)


# --- the daily summaries ------------------------------------------------------------------

METRICS = ("views", "reach", "impressions", "likes", "comments", "shares", "saves", "clicks")
REFRESH = f"""
INSERT INTO campaigns_dailysummary (brand_id, day, currency, contract_id, influencer_id, method,
    campaign_id, participant_id, content_id, statement_cost, accrued_cost, seeding_cost,
    revenue, cogs, orders, {", ".join(METRICS)}, conversions)
SELECT %(brand)s, fact.day, %(currency)s, participant.contract_id, partnership.influencer_id,
       contract.method, participant.campaign_id, participant.id, fact.content_id,
       sum(fact.statement_cost), 0, 0, sum(fact.revenue), sum(fact.cogs), sum(fact.orders),
       {", ".join(f"sum(fact.{name})" for name in METRICS)}, sum(fact.conversions)
  FROM (
    SELECT (sale.ordered_at AT TIME ZONE 'UTC')::date AS day, code.participant_id,
           NULL::bigint AS content_id, 0 AS statement_cost,
           round((sale.net_amount - sale.refunded_amount)
                 * CASE WHEN sale.currency = %(currency)s THEN 1 ELSE rate.rate END, 2) AS revenue,
           product.unit_cost * sale.quantity AS cogs, 1 AS orders,
           {", ".join(f"0 AS {name}" for name in METRICS)}, 0 AS conversions
      FROM campaigns_sale sale
      JOIN campaigns_trackingcode code ON code.id = sale.tracking_code_id
      JOIN partnerships_product product ON product.id = sale.product_id
      LEFT JOIN partnerships_exchangerate rate
        ON rate.brand_id = sale.brand_id
       AND rate.date = (sale.ordered_at AT TIME ZONE 'UTC')::date
       AND rate.from_currency = sale.currency AND rate.to_currency = %(currency)s
     WHERE sale.brand_id = %(brand)s AND sale.status = 'confirmed'
    UNION ALL
    SELECT snapshot.date, item.participant_id, item.id, 0, 0, 0, 0,
           {
    ", ".join(
        f"snapshot.{name} - lag(snapshot.{name}, 1, 0::bigint) OVER by_item"
        for name in (*METRICS, "conversions")
    )
}
      FROM campaigns_metricsnapshot snapshot
      JOIN campaigns_contentitem item ON item.id = snapshot.content_id
      JOIN campaigns_participant participant ON participant.id = item.participant_id
      JOIN campaigns_campaign campaign ON campaign.id = participant.campaign_id
     WHERE campaign.brand_id = %(brand)s
    WINDOW by_item AS (PARTITION BY snapshot.content_id ORDER BY snapshot.date)
    UNION ALL
    SELECT statement.period_start, participant.id, NULL, line.amount, 0, 0, 0,
           {", ".join("0" for _ in METRICS)}, 0
      FROM contracts_statementline line
      JOIN contracts_statement statement ON statement.id = line.statement_id
      JOIN contracts_contract contract ON contract.id = statement.contract_id
      JOIN contracts_partnership partnership ON partnership.id = contract.partnership_id
      JOIN campaigns_participant participant ON participant.contract_id = contract.id
     WHERE partnership.brand_id = %(brand)s AND line.kind <> 'carried_forward'
       AND line.amount <> 0
  ) fact
  JOIN campaigns_participant participant ON participant.id = fact.participant_id
  JOIN contracts_contract contract ON contract.id = participant.contract_id
  JOIN contracts_partnership partnership ON partnership.id = contract.partnership_id
 GROUP BY fact.day, participant.contract_id, partnership.influencer_id, contract.method,
          participant.campaign_id, participant.id, fact.content_id
"""


def refresh(brand_id: int, currency: str) -> int:
    """The refresh floor: one INSERT … SELECT … GROUP BY of the brand's summaries; rows."""

    def run(cursor) -> int:
        cursor.execute(REFRESH, {"brand": brand_id, "currency": currency})
        return cursor.rowcount

    return rolled_back(run)
