from django.conf import settings
from django.core.management.base import BaseCommand

from blog.checks import LONG_SENTENCE_WORDS, META_MAX, META_MIN, READING_EASE_MIN, content_warnings


class Command(BaseCommand):
    help = ("Run the editorial checks (blog/checks.py) over every article file in content/blog/ and print each "
            "warning, for judging their precision (docs/EDITORIAL_CHECKS.md). Reads the crisis phrase list from "
            "the database: import content first.")

    def add_arguments(self, parser):
        parser.add_argument("--content-dir", default=str(settings.CONTENT_DIR))

    def handle(self, *args, content_dir, **options):
        self.stdout.write(f"Thresholds: sentences of more than {LONG_SENTENCE_WORDS} words; Flesch reading ease "
                          f"under {READING_EASE_MIN}; meta description outside {META_MIN}-{META_MAX} characters.")
        found = content_warnings(content_dir)
        for name, warning in found:
            excerpt = f" | {warning.excerpt}" if warning.excerpt else ""
            self.stdout.write(f"{name}\t{warning.code}\t{warning.field}\t{warning.message}{excerpt}")
        self.stdout.write(f"{len(found)} warning(s)")
