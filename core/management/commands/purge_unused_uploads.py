from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.uploads import purge_unused_uploads


class Command(BaseCommand):
    help = (
        "Delete images uploaded into a text box that no saved article, page or other text shows, once they "
        "are more than --hours hours old (default: IDARE_UNUSED_UPLOAD_HOURS), with their renditions, and say "
        "how many. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=settings.IDARE_UNUSED_UPLOAD_HOURS,
                            help="Default: %(default)s")

    def handle(self, *args, hours, **options):
        if hours < 1:
            raise CommandError("--hours must be 1 or more.")
        deleted = purge_unused_uploads(hours)
        self.stdout.write(f"{len(deleted)} unused upload(s) deleted (older than {hours} hours, shown by no saved text)")
