from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from blog.exporter import export_content


class Command(BaseCommand):
    help = (
        "Write published articles, standing pages, authors and their images to a content folder in the "
        "format import_content reads. Files that already hold a slug are updated in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("--content-dir", default=settings.CONTENT_DIR, help="Default: %(default)s")

    def handle(self, *args, content_dir=None, **options):
        report = export_content(Path(content_dir))
        for path in report.files:
            self.stdout.write(f"  wrote  {path}")
        self.stdout.write(f"posts: {report.posts}, pages: {report.pages}, images copied: {report.images}")
