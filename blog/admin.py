from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_safe
from markdownx.admin import MarkdownxModelAdmin

from blog import stats
from blog.models import Author, Page, Post, Tag
from idare.images import fit_card, reencode_image, store_image


class PostAdminForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["title", "slug", "subtitle", "author", "excerpt", "body", "hero_image", "hero_alt", "hero_credit",
                  "social_image", "social_image_alt", "cta_topic", "tags", "status", "published_at", "featured"]

    def clean_hero_image(self):
        image = self.cleaned_data.get("hero_image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            try:
                return reencode_image(image)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return image

    def clean_social_image(self):
        image = self.cleaned_data.get("social_image")
        if image and hasattr(image, "content_type"):
            try:
                return fit_card(image)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return image

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hero_image") and not (cleaned.get("hero_alt") and cleaned.get("hero_credit")):
            raise ValidationError("An image needs alt text (what it shows) and a credit (who made it).")
        if cleaned.get("social_image") and not cleaned.get("social_image_alt"):
            self.add_error("social_image_alt", "Describe your link-preview image for people who cannot see it.")
        return cleaned

    def save(self, commit=True):
        for field, folder in (("hero_image", "posts"), ("social_image", "social")):
            image = self.cleaned_data.get(field)
            if image and not getattr(image, "_committed", True):
                setattr(self.instance, field, store_image(image, folder))
        return super().save(commit)


class PeriodForm(forms.Form):
    """The engagement page's period: both ends included, at most stats.MAX_DAYS days."""

    start = forms.DateField(label="From", input_formats=["%Y-%m-%d"],
                            widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    end = forms.DateField(label="To", input_formats=["%Y-%m-%d"],
                          widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                raise ValidationError("The start date must be on or before the end date.")
            if (end - start).days + 1 > stats.MAX_DAYS:
                raise ValidationError(f"Choose a period of at most {stats.MAX_DAYS} days.")
        return cleaned


@admin.register(Post)
class PostAdmin(MarkdownxModelAdmin):
    form = PostAdminForm
    list_display = ["title", "status", "published_at", "author", "featured", "upvote_count", "shares",
                    "updated_at"]
    list_filter = ["status", "featured", "author", "tags"]
    search_fields = ["title", "subtitle", "excerpt", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    filter_horizontal = ["tags"]
    list_select_related = ["author"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "subtitle", "author", "excerpt", "body"]}),
        ("Hero image", {"fields": ["hero_image", "hero_alt", "hero_credit"]}),
        ("Link preview", {
            "fields": ["generated_card", "social_image", "social_image_alt"],
            "description": "What WhatsApp, X, Facebook, LinkedIn and others show when the article is shared. "
                           "A title card is made for every article and made again when the title changes.",
        }),
        ("After the article", {"fields": ["cta_topic", "tags"]}),
        ("Publishing", {"fields": ["status", "published_at", "featured"]}),
    ]
    readonly_fields = ["generated_card"]

    def get_queryset(self, request):
        # 0, not NULL, for a post never shared: PostgreSQL sorts NULL first when descending.
        return super().get_queryset(request).annotate(share_total=Coalesce(Sum("share_counts__clicks"), Value(0)))

    def get_urls(self):
        engagement = path("engagement/", self.admin_site.admin_view(self.engagement_view),
                          name="blog_post_engagement")
        return [engagement, *super().get_urls()]

    @method_decorator(require_safe)
    def engagement_view(self, request: HttpRequest) -> HttpResponse:
        """Upvotes and share clicks per post and per day over a period; `?format=csv` downloads them."""
        if not self.has_view_permission(request):  # blog.view_post, or change_post which includes it
            raise PermissionDenied
        if "start" in request.GET or "end" in request.GET:
            form = PeriodForm(request.GET)
        else:
            today = timezone.localdate()
            form = PeriodForm({"start": today - timedelta(days=29), "end": today})
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": "Upvotes and shares",
                   "form": form, "network_labels": stats.NETWORK_LABELS}
        if not form.is_valid():
            return TemplateResponse(request, "admin/blog/post/engagement.html", context, status=400)
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        report = stats.engagement(start, end)
        if request.GET.get("format") == "csv":
            return HttpResponse(stats.engagement_csv(report), content_type="text/csv; charset=utf-8", headers={
                "Content-Disposition": f'attachment; filename="idare-engagement-{start}-{end}.csv"'})
        csv_query = urlencode({"start": start.isoformat(), "end": end.isoformat(), "format": "csv"})
        return TemplateResponse(request, "admin/blog/post/engagement.html",
                                {**context, "report": report, "chart": stats.chart_svg(report.days),
                                 "csv_query": csv_query})

    @admin.display(description="shares", ordering="share_total")
    def shares(self, post: Post) -> int:
        return post.share_total or 0

    @admin.display(description="generated title card")
    def generated_card(self, post: Post) -> str:
        if not post.card_image:
            return "Made when the article is first saved."
        return format_html('<img src="{}" alt="Title card: “{}”" width="300" height="158">', post.card_image.url,
                           post.title)


@admin.register(Page)
class PageAdmin(MarkdownxModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
