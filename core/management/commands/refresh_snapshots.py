from django.core.management.base import BaseCommand, CommandError

from core.snapshots import refresh_all


class Command(BaseCommand):
    help = (
        "Rebuild what the site keeps outside the database (the crisis helplines for /help/ and the 503 "
        "page, the site's snippets). gunicorn does this at start-up; edits do it by themselves."
    )

    def handle(self, *args, **options):
        failed = refresh_all()
        if failed:
            raise CommandError(f"Not rebuilt (the last copies stay): {', '.join(failed)}")
        self.stdout.write("snapshots rebuilt")
