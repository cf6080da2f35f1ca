from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from markdownx.admin import MarkdownxModelAdmin
from markdownx.models import MarkdownxField

from core.crisis import normalise
from core.markdown import validate_markdown
from core.models import CrisisPhrase, LaunchFact, Snippet


class SaysWhatChanged(admin.ModelAdmin):
    """A save that changes nothing says so, instead of "changed successfully" over a history entry that
    reads "No fields changed"; a change the form refused (a field this account may not change, sent
    anyway) is named in a warning. Forms list what they refused in `refused_changes` (labels)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        request.idare_nothing_changed = change and not form.has_changed() and not any(
            formset.has_changed() for formset in formsets)
        for label in getattr(form, "refused_changes", []):
            messages.warning(request, _("Only an editor changes “%(field)s”: your change to it was not saved.")
                             % {"field": label})

    def message_user(self, request, message, level=messages.INFO, extra_tags="", fail_silently=False):
        if level == messages.SUCCESS and getattr(request, "idare_nothing_changed", False):
            request.idare_nothing_changed = False  # one notice, not one per message Django adds
            message, level = _("Nothing changed, so there was nothing to save."), messages.INFO
        super().message_user(request, message, level, extra_tags, fail_silently)


class MarkdownAdmin(SaysWhatChanged, MarkdownxModelAdmin):
    """markdownx's editor, and every Markdown field checked before it is rendered: text too costly to
    render (core/markdown.py) comes back with the reason instead of holding a worker."""

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
        fields = ["phrase", "language", "kind", "suggestion", "active", "editor_note"]

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
    search_fields = ["phrase", "normalised", "suggestion", "editor_note"]
    fields = ["phrase", "language", "kind", "suggestion", "active", "editor_note"]

    def get_readonly_fields(self, request, obj=None):
        # The import recognises a seeded phrase by its words: to change them, add the new phrase and
        # make this one inactive.
        return ["phrase"] if obj else []


@admin.register(LaunchFact)
class LaunchFactAdmin(admin.ModelAdmin):
    """The launch checklist: missing facts first, each linking to the admin page where it is edited."""

    list_display = ["state", "question", "where", "supplied_by", "supplied_at"]
    list_display_links = ["question"]
    fields = ["question", "why", "where", "answer", "supplied_by", "supplied_at"]
    readonly_fields = ["question", "why", "where", "supplied_by", "supplied_at"]
    ordering = [F("supplied_at").asc(nulls_first=True), "position", "slug"]  # missing first

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("supplied_by")

    def has_add_permission(self, request):
        return False  # the list comes from content/launch_facts.yaml

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("state"))
    def state(self, fact):
        return _("Supplied") if fact.is_supplied else _("Missing")

    @admin.display(description=_("where it is edited"))
    def where(self, fact):
        links = []
        for label, slug in fact.places:
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError):
                links.append(format_html("{}", label))
                continue
            name = model._meta.verbose_name_plural if not slug else f"{model._meta.verbose_name} “{slug}”"
            obj = model._default_manager.filter(slug=slug).first() if slug else None
            try:
                url = (reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]) if obj
                       else reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
            except NoReverseMatch:
                links.append(format_html("{}", name))
                continue
            links.append(format_html('<a href="{}">{}</a>', url, name))
        return format_html_join(mark_safe("<br>"), "{}", ((link,) for link in links))

    def save_model(self, request, obj, form, change):
        if "answer" in form.changed_data:
            obj.supplied_at = timezone.now() if obj.answer.strip() else None
            obj.supplied_by = request.user if obj.answer.strip() else None
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        missing = LaunchFact.objects.missing().count()
        if missing:
            self.message_user(request, ngettext(
                "%(count)d fact only iDare can supply is missing from the site's pages.",
                "%(count)d facts only iDare can supply are missing from the site's pages.", missing,
            ) % {"count": missing}, level=messages.WARNING)
        return super().changelist_view(request, extra_context)
