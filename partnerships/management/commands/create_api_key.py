from django.core.management.base import BaseCommand, CommandError

from partnerships.models import Brand, BrandAPIKey


class Command(BaseCommand):
    help = "Create an API key for a brand and print it once; only its hash is stored."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--brand", required=True, help="The brand's slug.")
        parser.add_argument("--name", required=True, help="What the key is for, e.g. 'shop sync'.")

    def handle(self, *args, brand: str, name: str, **options) -> None:
        try:
            owner = Brand.objects.get(slug=brand)
        except Brand.DoesNotExist:
            raise CommandError(f"No brand with slug '{brand}'.") from None
        api_key, key = BrandAPIKey.objects.create_key(brand=owner, name=name)
        self.stderr.write(f"API key '{api_key.name}' for {owner} (prefix {api_key.prefix}).")
        self.stderr.write("Store it now: it cannot be shown again.")
        self.stdout.write(key)
