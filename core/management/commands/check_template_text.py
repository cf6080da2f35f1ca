from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.template_text import untranslated_templates


class Command(BaseCommand):
    help = ("List the words in templates/ that a person would read untranslated (outside {% translate %} "
            "and {% blocktranslate %}), one per line with its file and line; fail if there is any.")

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        found = untranslated_templates(base / "templates")
        for item in found:
            self.stdout.write(f"{item.path.relative_to(base)}:{item.line}: {item.text}")
        if found:
            raise CommandError(f"{len(found)} untranslated text(s) in templates: wrap them in {{% translate %}}.")
        self.stdout.write("Every word in templates/ goes through translation.")
