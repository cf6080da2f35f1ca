from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.content import import_content


class Command(BaseCommand):
    help = (
        "Import content/ (articles, pages, authors, helplines, snippets, Engage programmes): create what is "
        "missing, update what changed in its file, and keep anything an editor changed in the admin unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; change nothing.")
        parser.add_argument("--force", action="store_true", help="Overwrite editors' changes with the files.")
        parser.add_argument("--content-dir", default=settings.CONTENT_DIR, help="Default: %(default)s")

    def handle(self, *args, dry_run=False, force=False, content_dir=None, **options):
        report = import_content(Path(content_dir), dry_run=dry_run, force=force)
        for line in report.lines:
            self.stdout.write(line)
        self.stdout.write(report.summary() + (" (dry run: nothing saved)" if dry_run else ""))
        if any(outcome == "kept" for _, outcome in +report.counts):
            self.stdout.write("kept = changed in the admin since the last import; --force overwrites.")
        if report.errors:
            raise CommandError("Some files were not imported:\n" + "\n".join(report.errors))
