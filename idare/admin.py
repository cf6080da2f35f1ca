from django.contrib import admin
from markdownx.admin import MarkdownxModelAdmin

from idare.models import Snippet


@admin.register(Snippet)
class SnippetAdmin(MarkdownxModelAdmin):
    list_display = ["description", "slug", "updated_at"]
    fields = ["description", "slug", "body"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []  # templates find it by its slug
