from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from support.inbox import purge_closed


def counted(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


class Command(BaseCommand):
    help = (
        "Delete enquiries and contact messages closed more than IDARE_ENQUIRY_RETENTION_DAYS days ago "
        "(with the record of who opened them). Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="Retention in days (default: IDARE_ENQUIRY_RETENTION_DAYS).")

    def handle(self, *args, days=None, **options):
        days = settings.IDARE_ENQUIRY_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        counts = purge_closed(days)
        self.stdout.write(
            f"Deleted {counted(counts['enquiry'], 'enquiry', 'enquiries')} and "
            f"{counted(counts['message'], 'contact message', 'contact messages')} closed more than {days} days ago."
        )
