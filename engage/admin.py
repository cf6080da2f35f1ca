import zoneinfo

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.admin import MarkdownAdmin
from engage.emails import send_after_commit
from engage.models import Programme, Registration, Session


class ExampleListingsWarning:
    """Example listings are invented: the list says how many readers still see, until they are replaced."""

    def changelist_view(self, request, extra_context=None):
        examples = self.model.objects.filter(example=True).count()
        if examples:
            noun = self.model._meta.verbose_name if examples == 1 else self.model._meta.verbose_name_plural
            self.message_user(
                request,
                f"{examples} example {noun} (invented, labelled “Example listing” for readers): replace them with "
                "real ones, then delete them. Filter by “example” to list them.",
                level="warning",
            )
        return super().changelist_view(request, extra_context)


@admin.register(Programme)
class ProgrammeAdmin(ExampleListingsWarning, MarkdownAdmin):
    list_display = ["title", "kind", "example", "listed", "upcoming_sessions"]
    list_filter = ["example", "kind", "listed"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "kind", "summary", "description", "audience", "led_by", "cost", "listed", "example"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            upcoming=Count("sessions", filter=Q(sessions__starts_at__gt=timezone.now()))
        )

    @admin.display(description="upcoming sessions", ordering="upcoming")
    def upcoming_sessions(self, programme):
        return programme.upcoming


class SessionAdminForm(forms.ModelForm):
    """Staff type a session's times as the clock shows them in the session's own time zone, not
    in the site's: 18:30 in Europe/London means 18:30 there."""

    class Meta:
        model = Session
        fields = ["programme", "starts_at", "ends_at", "time_zone", "mode", "place", "capacity", "example"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            zone = self.instance.zone
            for name in ("starts_at", "ends_at"):
                moment = getattr(self.instance, name)
                # Naive values are shown as they are: the session's local clock.
                self.initial[name] = moment.astimezone(zone).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        try:
            zone = zoneinfo.ZoneInfo(cleaned.get("time_zone") or "")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return cleaned  # the field's own validator reports it
        for name in ("starts_at", "ends_at"):
            moment = cleaned.get(name)
            if moment is not None:
                # The form read the clock time in the site's zone; mean it in the session's.
                wall = timezone.localtime(moment).replace(tzinfo=None)
                cleaned[name] = timezone.make_aware(wall, zone)
                setattr(self.instance, name, cleaned[name])
        return cleaned


@admin.register(Session)
class SessionAdmin(ExampleListingsWarning, admin.ModelAdmin):
    form = SessionAdminForm
    list_display = ["__str__", "mode", "capacity", "confirmed_count", "waitlisted", "unconfirmed", "example"]
    list_filter = ["example", "mode", "programme"]
    list_select_related = ["programme"]
    date_hierarchy = "starts_at"

    def get_queryset(self, request):
        return super().get_queryset(request).with_waitlist_count()

    @admin.display(description="waiting list", ordering="waitlisted")
    def waitlisted(self, session):
        return session.waitlisted

    @admin.display(description="not confirmed yet (no place held)", ordering="unconfirmed")
    def unconfirmed(self, session):
        return session.unconfirmed

    def save_model(self, request, obj, form, change):
        """More places (or a session moved later) go to the waiting list, in order."""
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change:
                locked = Session.objects.select_for_update().get(pk=obj.pk)
                for promoted in locked.fill_from_waitlist():
                    send_after_commit(promoted, "promotion")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Staff see who registered, to run the session and write to them about it. Registrations are
    made by the person only (with their consent); staff can cancel one, which frees its place."""

    list_display = ["reference", "session", "status", "created_at"]
    list_filter = ["status", "session__programme"]
    list_select_related = ["session__programme"]
    search_fields = ["reference"]  # names and e-mails are encrypted: they cannot be searched
    fields = ["reference", "session", "status", "name", "email", "consented_at", "created_at", "confirmed_at",
              "promoted_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        """Deleting is cancelling: the place goes to the first person waiting, who is told by e-mail."""
        for promoted in obj.cancel():
            send_after_commit(promoted, "promotion")

    def delete_queryset(self, request, queryset):
        for registration in queryset:
            self.delete_model(request, registration)
