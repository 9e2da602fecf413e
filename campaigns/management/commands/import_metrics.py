from campaigns import ingest
from campaigns.management.commands._ingest import IngestCommand


class Command(IngestCommand):
    help = (
        "Import a metrics CSV file (content,date and the cumulative counters views, reach, "
        "impressions, likes, comments, shares, saves, clicks, conversions, signups) into a "
        "brand: every row or none. Importing the same file again changes nothing."
    )
    noun = "metric snapshots"

    def handle(self, *args: object, **options: object) -> None:
        self.run(lambda data, brand: ingest.import_metrics_csv(data, brand=brand), **options)
