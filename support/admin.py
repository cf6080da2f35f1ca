from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import MarkdownAdmin
from core.images import reencode_image, store_image
from staff.signin import is_verified, two_factor_required
from support.inbox import staff_with_permission
from support.models import (
    REVERIFY_AFTER_DAYS,
    Concern,
    ContactMessage,
    Enquiry,
    Helpline,
    HelplineChannel,
    Language,
    OpeningPeriod,
    Provider,
    Service,
    StaffAccess,
    SupportText,
)

PHOTO_MAX_SIDE = 800


class VerificationFilter(admin.SimpleListFilter):
    title = "verification"
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [("stale", f"Not verified in the last {REVERIFY_AFTER_DAYS} days")]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.needing_verification()
        return queryset


class OpeningPeriodFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if kept and self.instance.round_the_clock:
            raise ValidationError(_("A line open 24/7 needs no opening periods: untick “open 24/7” or remove the "
                                    "periods."))


class OpeningPeriodInline(admin.TabularInline):
    model = OpeningPeriod
    formset = OpeningPeriodFormSet
    extra = 0
    verbose_name_plural = gettext_lazy("Opening periods (India time). Leave empty when the hours are not confirmed.")


class ChannelInline(admin.TabularInline):
    model = HelplineChannel
    extra = 0
    verbose_name_plural = gettext_lazy("Other ways to reach the line: calls go to the numbers above. Add only "
                                       "addresses that were read or confirmed.")


@admin.register(Helpline)
class HelplineAdmin(admin.ModelAdmin):
    list_display = ["name", "numbers", "urgency", "active", "round_the_clock", "last_verified_on",
                    "verification_is_current"]
    list_filter = [VerificationFilter, "active"]
    search_fields = ["name", "numbers"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["served_languages"]
    inlines = [OpeningPeriodInline, ChannelInline]
    ordering = ["urgency", "name"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "lead", "numbers", "urgency", "active"]}),
        (gettext_lazy("What readers see"), {
            "fields": ["audience", "hours", "round_the_clock", "cost", "languages", "served_languages",
                       "channel_note"],
            "description": gettext_lazy(
                "Hours: tick “open 24/7” only for a line that answers day and night; otherwise give its opening "
                "periods below, and /help/ says whether it is open now. With neither, /help/ says its hours are "
                "not confirmed. Cost: write exactly “Free” only when the call itself costs nothing (toll-free, or "
                "a short code such as 14416). For an ordinary mobile number write e.g. “Free counselling; an "
                "ordinary mobile number, so usual call charges apply”."),
        }),
        ("Verification", {"fields": ["last_verified_on", "verified_by", "source", "editor_note"]}),
    ]

    @admin.display(boolean=True, description=f"verified in last {REVERIFY_AFTER_DAYS} days")
    def verification_is_current(self, helpline):
        return not helpline.needs_verification(timezone.localdate())

    def changelist_view(self, request, extra_context=None):
        stale = Helpline.objects.needing_verification().count()
        if stale:
            self.message_user(
                request,
                f"{stale} helpline(s) not verified in the last {REVERIFY_AFTER_DAYS} days: call them and update "
                "“last verified on”.",
                level="warning",
            )
        return super().changelist_view(request, extra_context)


# --- the directory and the Support page ----------------------------------------------------------

class ProviderAdminForm(forms.ModelForm):
    class Meta:
        model = Provider
        fields = ["name", "slug", "credentials", "registration", "bio", "photo", "languages", "online", "in_person",
                  "city", "fee_band", "fee_note", "concerns", "gender", "queer_affirmative", "accepting_new_clients",
                  "listed", "example"]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):  # a new upload, not the stored file
            try:
                return reencode_image(photo, max_side=PHOTO_MAX_SIDE)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return photo

    def save(self, commit=True):
        photo = self.cleaned_data.get("photo")
        if photo and not getattr(photo, "_committed", True):
            self.instance.photo = store_image(photo, "providers")
        return super().save(commit)


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    form = ProviderAdminForm
    list_display = ["name", "example", "listed", "accepting_new_clients", "fee_band", "city", "online",
                    "in_person", "updated_at"]
    list_filter = ["example", "listed", "accepting_new_clients", "fee_band", "online", "in_person",
                   "queer_affirmative", "languages"]
    search_fields = ["name", "credentials", "city"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["languages", "concerns"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "credentials", "registration", "bio", "photo"]}),
        ("How and where", {"fields": ["languages", "online", "in_person", "city"]}),
        ("Fees", {"fields": ["fee_band", "fee_note"]}),
        ("Who they work with", {"fields": ["concerns", "gender", "queer_affirmative", "accepting_new_clients"]}),
        ("Listing", {"fields": ["listed", "example"]}),
    ]

    def changelist_view(self, request, extra_context=None):
        examples = Provider.objects.filter(example=True, listed=True).count()
        if examples:
            self.message_user(
                request,
                f"{examples} example listing(s) are shown to readers, labelled “Example listing: not a real "
                "provider”. Replace them with real providers (filter by “example”), then unlist them.",
                level=messages.WARNING,
            )
        return super().changelist_view(request, extra_context)


@admin.register(Language, Concern)
class NameAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Service)
class ServiceAdmin(MarkdownAdmin):
    list_display = ["title", "fee_band", "position", "active"]
    list_editable = ["position", "active"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(SupportText)
class SupportTextAdmin(MarkdownAdmin):
    list_display = ["__str__", "title", "updated_at"]


# --- what people send us: only staff with the dedicated permission -----------------------------

class AccessInline(admin.TabularInline):
    model = StaffAccess
    fields = ["opened_at", "username"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = "Opened by staff"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self.parent_permission) and is_verified(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EnquiryAccessInline(AccessInline):
    fk_name = "enquiry"
    parent_permission = "support.handle_enquiry"


class ContactAccessInline(AccessInline):
    fk_name = "contact_message"
    parent_permission = "support.handle_contact_message"


class InboxAdmin(admin.ModelAdmin):
    """Enquiries and messages come only from the site's forms. The list shows no one's details:
    they appear when a record is opened, and every opening is recorded. Opening any of these pages
    takes the second sign-in step (staff/signin.py) first."""

    permission = ""
    access_field = ""
    list_display = ["reference", "status", "assignee", "received_at"]
    list_filter = ["status", ("assignee", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reference"]
    date_hierarchy = "received_at"
    list_select_related = ["assignee"]
    triage = ("Triage", {"fields": ["status", "assignee", "notes"]})
    record = ("Record", {"fields": ["reference", "received_at", "consented_at", "closed_at"]})

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and request.user.has_perm(self.permission)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and is_verified(request)

    def get_urls(self):
        urls = super().get_urls()
        for pattern in urls:
            pattern.callback = two_factor_required(pattern.callback)
        return urls

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        editable = {"status", "assignee", "notes"}
        return [name for _, options in self.get_fieldsets(request, obj) for name in options["fields"]
                if name not in editable]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = staff_with_permission(self.permission)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and self.has_view_permission(request):
            record = self.get_object(request, unquote(object_id))
            if record is not None:
                StaffAccess.objects.create(**{self.access_field: record}, user=request.user,
                                           username=request.user.get_username())
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Enquiry)
class EnquiryAdmin(InboxAdmin):
    permission = "support.handle_enquiry"
    access_field = "enquiry"
    list_display = [*InboxAdmin.list_display, "mode", "budget", "language"]
    list_filter = [*InboxAdmin.list_filter, "mode", "budget"]
    list_select_related = ["assignee", "language"]
    inlines = [EnquiryAccessInline]
    fieldsets = [
        InboxAdmin.triage,
        ("How to reach them", {"fields": ["name", "reply_by", "email", "phone", "message_safety"]}),
        ("What they are looking for", {"fields": ["language_or_other", "mode", "budget", "preferred_provider",
                                                  "help_with"]}),
        InboxAdmin.record,
    ]

    @admin.display(description="leave a message?")
    def message_safety(self, enquiry: Enquiry) -> str:
        return "Yes" if enquiry.safe_to_leave_message else "NO: never leave a message; speak only to them"

    @admin.display(description="language")
    def language_or_other(self, enquiry: Enquiry) -> str:
        return enquiry.language.name if enquiry.language else "Another language (see what they wrote)"


@admin.register(ContactMessage)
class ContactMessageAdmin(InboxAdmin):
    permission = "support.handle_contact_message"
    access_field = "contact_message"
    list_display = [*InboxAdmin.list_display, "topic"]
    list_filter = [*InboxAdmin.list_filter, "topic"]
    inlines = [ContactAccessInline]
    fieldsets = [
        InboxAdmin.triage,
        ("How to reply", {"fields": ["name", "reply_by", "email", "phone"]}),
        ("Their message", {"fields": ["topic", "message"]}),
        InboxAdmin.record,
    ]
