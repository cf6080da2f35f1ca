"""Writes the generated part of static/css/admin-preview.css again from static/css/site.css."""

from django.core.management.base import BaseCommand

from blog.preview_css import preview_css_path, site_css_path, with_generated_section


class Command(BaseCommand):
    help = "Copy site.css's article styles, scoped to the admin's live preview, into admin-preview.css."

    def handle(self, *args, **options):
        path = preview_css_path()
        before = path.read_text(encoding="utf-8")
        after = with_generated_section(before, site_css_path().read_text(encoding="utf-8"))
        if after == before:
            self.stdout.write("admin-preview.css already matches site.css.")
            return
        path.write_text(after, encoding="utf-8")
        self.stdout.write(f"Wrote {path}.")
