from django.core.management.base import CommandParser

from campaigns import ingest, order_exports
from campaigns.management.commands._ingest import IngestCommand


class Command(IngestCommand):
    help = (
        "Import a sales CSV file (order_id,line_id,ordered_at,code,sku,quantity,net_amount,"
        "currency,status,refunded_at,refunded_amount) or a Shopify, Amazon, TikTok Shop, "
        "Shopee, Lazada or AliExpress order export into a brand: every row or none. "
        "Importing the same file again changes nothing."
    )
    noun = "sales"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--method",
            choices=["auto", "copy", "bulk"],
            default="auto",
            help="How rows are written: COPY (PostgreSQL), bulk statements, or auto (COPY for "
            "large files on PostgreSQL).",
        )
        parser.add_argument(
            "--format",
            choices=["sales", *order_exports.BY_NAME],
            default="",
            help="The file's layout: the sales CSV or a shop's or marketplace's order export; "
            "recognised from the header when left out.",
        )

    def handle(self, *args: object, **options: object) -> None:
        method, layout = options["method"], options["format"]
        self.run(
            lambda data, brand: ingest.import_sales_csv(
                data, brand=brand, method=method, format=layout
            ),
            **options,
        )
