from django.contrib import admin
from markdownx.admin import MarkdownxModelAdmin
from markdownx.models import MarkdownxField

from idare.markdown import validate_markdown
from idare.models import Snippet


class MarkdownAdmin(MarkdownxModelAdmin):
    """markdownx's editor, and every Markdown field checked before it is rendered: text too costly to
    render (idare/markdown.py) comes back with the reason instead of holding a worker."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, MarkdownxField) and field is not None:
            field.validators.append(validate_markdown)
        return field


@admin.register(Snippet)
class SnippetAdmin(MarkdownAdmin):
    list_display = ["description", "slug", "updated_at"]
    fields = ["description", "slug", "body"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []  # templates find it by its slug
