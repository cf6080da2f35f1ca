"""The admin of clinical reviews and of the reviewers' profiles."""


from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from blog.models import (
    Review,
    ReviewerProfile,
    has_active_reviewer_profile,
)

NO_REVIEWER_PROFILE = gettext_lazy(
    "Your account has no active reviewer profile, so it cannot record a clinical review. An administrator "
    "adds one under Blog → Reviewer profiles.")


class ReviewForm(forms.ModelForm):
    # Set for each request by ReviewAdmin.get_form.
    user = None

    class Meta:
        model = Review
        fields = ["post", "reviewed_on", "next_review_due", "notes"]

    def clean(self):
        if self.user is None or not has_active_reviewer_profile(self.user):
            raise ValidationError(NO_REVIEWER_PROFILE)
        return super().clean()



@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Reviews are recorded, never edited: each is the signed-in reviewer's account, name and
    credentials, and the version of the article it covers. A later review replaces it for readers."""

    form = ReviewForm
    list_display = ["post", "reviewer_name", "reviewer_credentials", "reviewed_on", "next_review_due", "covers_text"]
    list_filter = ["reviewed_on", "next_review_due"]
    search_fields = ["post__title", "reviewer_name"]
    list_select_related = ["post", "reviewer__reviewer_profile"]
    readonly_fields = ["reviewer_name", "reviewer_credentials", "version", "recorded_at"]
    fields = ["post", "reviewed_on", "next_review_due", "notes", "reviewer_name", "reviewer_credentials", "version",
              "recorded_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        return False  # a record of what a reviewer read: a new review replaces it, nobody rewrites it

    def add_view(self, request, form_url="", extra_context=None):
        if request.method in ("GET", "HEAD") and not has_active_reviewer_profile(request.user):
            messages.error(request, NO_REVIEWER_PROFILE)
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        obj.record_by(request.user)  # the signed-in account, whatever else a crafted POST names
        super().save_model(request, obj, form, change)

    @admin.display(description=gettext_lazy("covers today's text"), boolean=True)
    def covers_text(self, review: Review) -> bool:
        return review.covers(review.post)



@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    """Administrators only: a reviewer must not be able to give themselves (or anyone) a credential."""

    list_display = ["name", "credentials", "user", "active"]
    list_filter = ["active"]
    search_fields = ["name", "user__username"]
    list_select_related = ["user"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

