from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from engage.models import Registration


class Command(BaseCommand):
    help = (
        "Delete the registrations of Engage sessions that ended more than --days days ago "
        "(default: IDARE_REGISTRATION_RETENTION_DAYS), and those nobody confirmed by e-mail within "
        "IDARE_REGISTRATION_CONFIRM_HOURS, and say how many. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.IDARE_REGISTRATION_RETENTION_DAYS,
                            help="Default: %(default)s")

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        deleted = Registration.objects.purge_ended(days)
        self.stdout.write(f"{deleted} registration(s) deleted (sessions that ended more than {days} days ago)")
        expired = Registration.objects.purge_expired()
        self.stdout.write(f"{expired} unconfirmed registration(s) deleted (not confirmed within "
                          f"{settings.IDARE_REGISTRATION_CONFIRM_HOURS} hours)")
