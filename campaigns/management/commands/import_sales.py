from django.core.management.base import CommandParser

from campaigns import ingest
from campaigns.management.commands._ingest import IngestCommand


class Command(IngestCommand):
    help = (
        "Import a sales CSV file (order_id,line_id,ordered_at,code,sku,quantity,net_amount,"
        "currency,status,refunded_at,refunded_amount) into a brand: every row or none. "
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

    def handle(self, *args: object, **options: object) -> None:
        method = options["method"]
        self.run(
            lambda data, brand: ingest.import_sales_csv(data, brand=brand, method=method),
            **options,
        )
