from django.contrib import admin
from django.utils import timezone

from support.models import REVERIFY_AFTER_DAYS, Helpline


class VerificationFilter(admin.SimpleListFilter):
    title = "verification"
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [("stale", f"Not verified in the last {REVERIFY_AFTER_DAYS} days")]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.needing_verification()
        return queryset


@admin.register(Helpline)
class HelplineAdmin(admin.ModelAdmin):
    list_display = ["name", "numbers", "urgency", "active", "last_verified_on", "verification_is_current"]
    list_filter = [VerificationFilter, "active"]
    search_fields = ["name", "numbers"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["urgency", "name"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "lead", "numbers", "urgency", "active"]}),
        ("What readers see", {
            "fields": ["audience", "hours", "cost", "languages", "channels"],
            "description": "Hours: write “24x7” only for a line that answers day and night; /help/ and the home "
                           "page then say so. Cost: write exactly “Free” only when the call itself costs nothing "
                           "(toll-free, or a short code such as 14416). For an ordinary mobile number write e.g. "
                           "“Free counselling; an ordinary mobile number, so usual call charges apply”.",
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
