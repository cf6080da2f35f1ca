from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from markdownx.admin import MarkdownxModelAdmin
from markdownx.models import MarkdownxField

from idare.crisis import normalise
from idare.markdown import validate_markdown
from idare.models import CrisisPhrase, Snippet


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


class CrisisPhraseForm(forms.ModelForm):
    class Meta:
        model = CrisisPhrase
        fields = ["phrase", "language", "kind", "active", "editor_note"]

    def clean_phrase(self):
        """The database refuses two phrases with the same words; say so in a sentence first."""
        phrase = self.cleaned_data["phrase"]
        same = CrisisPhrase.objects.filter(normalised=normalise(phrase)).exclude(pk=self.instance.pk).first()
        if same is not None and normalise(phrase):
            raise ValidationError(_("This phrase is already in the list, written as “%(phrase)s”."),
                                  params={"phrase": same.phrase})
        return phrase


@admin.register(CrisisPhrase)
class CrisisPhraseAdmin(admin.ModelAdmin):
    """The words that put help first in search and that stop an unflagged article about suicide or
    self-harm from being published (docs/CRISIS_PHRASES.md)."""

    form = CrisisPhraseForm
    list_display = ["phrase", "language", "kind", "active", "updated_at"]
    list_filter = ["active", "language", "kind"]
    search_fields = ["phrase", "normalised", "editor_note"]
    fields = ["phrase", "language", "kind", "active", "editor_note"]

    def get_readonly_fields(self, request, obj=None):
        # The import recognises a seeded phrase by its words: to change them, add the new phrase and
        # make this one inactive.
        return ["phrase"] if obj else []
