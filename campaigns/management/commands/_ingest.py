"""What import_sales and import_metrics share: read a CSV file into a brand, all rows or none."""

from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaigns.ingest import IngestResult
from partnerships.models import Brand


class IngestCommand(BaseCommand):
    """Prints the counts, or every error (line, column, reason) and exits with status 1 having
    written nothing."""

    noun: str

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8, comma-separated).")
        parser.add_argument("--brand", required=True, help="The brand's slug.")

    def run(self, importer: Callable[[bytes, Brand], IngestResult], **options: object) -> None:
        path: Path = options["file"]
        brand = Brand.objects.filter(slug=options["brand"]).first()
        if brand is None:
            raise CommandError(f"No brand with slug '{options['brand']}'.")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        result = importer(data, brand)
        if not result.ok:
            for error in result.errors:
                where = "file" if error.line is None else f"line {error.line}"
                column = f", {error.column}" if error.column else ""
                self.stderr.write(f"{path.name} {where}{column}: {error.message}")
            count = len(result.errors)
            raise CommandError(
                f"Nothing was imported: {count} problem{'s' * (count != 1)} in {path.name}."
            )
        unattributed = (
            f", {result.unattributed} unattributed order line(s) left out"
            if result.unattributed
            else ""
        )
        self.stdout.write(
            f"{brand}: {self.noun} from {path.name}: {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged{unattributed}."
        )
        for line in result.unattributed_lines:
            self.stdout.write(f"  line {line.row}, order {line.order}: {line.reason}")
