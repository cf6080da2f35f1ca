"""The article admin: the list, the form and its parts (blog/admin/post_*.py add the rest)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from reversion.admin import VersionAdmin

from blog import autosave, checks, workflow
from blog.admin.base import SideBySidePreview
from blog.admin.post_autosave import AutosaveAdmin
from blog.admin.post_checks import EditorialChecksAdmin
from blog.admin.post_pages import PostPagesAdmin
from blog.forms import PostAdminForm, can_publish
from blog.models import (
    Correction,
    Post,
    length_note,
)
from core.admin import MarkdownAdmin
from core.lookups import row_id

# About what search engines show before cutting a result's title and description (static/js/admin-previews.js
# cuts the same way as the text is typed).
SEARCH_TITLE_LIMIT, SEARCH_DESCRIPTION_LIMIT = 60, 160


def shorten(text: str, limit: int) -> str:
    """Cut as a search result is: at a word, with an ellipsis (static/js/admin-previews.js does the same)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if text[limit - 1] != " " and (space := cut.rfind(" ")) > 0:  # not in the middle of a word
        cut = cut[:space]
    return cut.rstrip(" .,;:!?") + "…"








class PublicationFilter(admin.SimpleListFilter):
    title = gettext_lazy("publication")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("draft", _("Draft")), ("scheduled", _("Scheduled")), ("published", _("Published"))]

    def queryset(self, request, queryset):
        if self.value() == "draft":
            return queryset.filter(status=Post.Status.DRAFT)
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "published":
            return queryset.published()
        return queryset


class ReviewFilter(admin.SimpleListFilter):
    title = gettext_lazy("clinical review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("queue", _("Sensitive, needing a review")), ("awaiting", _("Awaiting a first review")),
                ("changed", _("Changed since review")), ("overdue", _("Review overdue")),
                ("current", _("Review current"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "queue":  # the clinical reviewers' queue
            return queryset.needing_review()
        if self.value() == "awaiting":
            return queryset.filter(last_reviewed_on__isnull=True)
        if self.value() == "changed":
            return queryset.filter(changed_since_review=True)
        if self.value() == "overdue":
            return queryset.filter(next_review_due__lt=today)
        if self.value() == "current":
            return queryset.filter(review_current=True, next_review_due__gte=today)
        return queryset


class CorrectionInline(admin.StackedInline):
    """Corrections of a published article, by editors (who publish): a draft has nothing to correct
    for readers yet. A new one is dated when saved."""
    model = Correction
    extra = 1
    fields = ["note", "corrected_at", "recorded_by"]
    readonly_fields = ["corrected_at", "recorded_by"]
    verbose_name = gettext_lazy("correction note to readers")
    verbose_name_plural = gettext_lazy("corrections shown to readers under the article")

    def has_add_permission(self, request, obj=None):
        return can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        return can_publish(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_publish(request.user)

    def has_view_permission(self, request, obj=None):
        return True




@admin.register(Post)
class PostAdmin(EditorialChecksAdmin, AutosaveAdmin, PostPagesAdmin, SideBySidePreview, VersionAdmin,
                MarkdownAdmin):
    form = PostAdminForm
    inlines = [CorrectionInline]
    change_list_template = "admin/blog/post/change_list.html"
    change_form_template = "admin/blog/post/change_form.html"
    object_history_template = "admin/blog/post/object_history.html"
    # What an editor scans for, within 1280 px beside the filters: the author and "featured" are filters.
    list_display = ["title", "publication", "sensitive_mark", "review", "updated", "upvote_count", "shares"]
    list_filter = [PublicationFilter, "editorial_state", ReviewFilter, "sensitive", "featured", "author", "tags"]
    search_fields = ["title", "subtitle", "excerpt", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    list_select_related = ["author"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "subtitle", "author", "excerpt", "body", "saved_length",
                              "editorial_checks"]}),
        (gettext_lazy("Hero image"), {"fields": ["hero_image", "hero_alt", "hero_decorative", "hero_credit",
                                                 "focal_picker", "hero_focal_x", "hero_focal_y"]}),
        (gettext_lazy("Link preview"), {
            "fields": ["how_it_will_look", "generated_card", "social_image", "social_image_alt"],
            "description": gettext_lazy(
                "What WhatsApp, X, Facebook, LinkedIn and others show when the article is shared: "
                "the hero image cropped around its focal point, or a title card when there is no "
                "hero (and always the plain card for a sensitive topic). It is made again when the "
                "title, the hero or its focal point changes."),
        }),
        (gettext_lazy("Sensitive topic and safe messaging"), {
            "fields": ["sensitive", "confirm_not_sensitive", "content_note", "checked_no_method_detail",
                       "checked_no_sensational_headline", "checked_help_resources", "safe_messaging_check"],
            "description": gettext_lazy(
                "For suicide, self-harm, abuse and eating disorders. Before a sensitive article is "
                "published an editor reads it and ticks every item; a writer's later change to its "
                "words clears the ticks."),
        }),
        (gettext_lazy("After the article"), {"fields": ["sources", "cta_topic", "tags"]}),
        (gettext_lazy("Clinical review"), {"fields": ["review_record"]}),
        (gettext_lazy("Publishing"), {"fields": ["status", "published_at", "confirm_past_date", "featured"]}),
    ]
    readonly_fields = ["saved_length", "editorial_checks", "how_it_will_look", "generated_card",
                       "safe_messaging_check", "review_record", "focal_picker"]

    class Media:
        js = ["js/admin-count.js", "js/admin-words.js", "js/admin-unsaved.js", "js/admin-checks.js",
              "js/admin-previews.js", "js/admin-autosave.js", "js/admin-focal.js"]
        css = {"all": ["css/admin-editorial.css", "css/admin-preview.css", "css/admin-autosave.css"]}

    def get_queryset(self, request):
        # Coalesce: PostgreSQL sorts NULL (no shares yet) above every number in a descending sort.
        return super().get_queryset(request).with_review_dates().annotate(
            share_total=Coalesce(Sum("share_counts__clicks"), 0))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def get_inline_instances(self, request, obj=None):
        if obj is None or obj.status != Post.Status.PUBLISHED:
            return []
        return super().get_inline_instances(request, obj)

    def save_formset(self, request, form, formset, change):
        for correction in formset.save(commit=False):
            if correction.pk is None:
                correction.recorded_by = request.user
            correction.save()
        for correction in formset.deleted_objects:
            correction.delete()

    def has_change_permission(self, request, obj=None):
        """Writers edit drafts; what readers can see (or will at a set time) is an editor's to change."""
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.status == Post.Status.DRAFT or can_publish(request.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == Post.Status.DRAFT or can_publish(request.user))

    def get_view_on_site_url(self, obj=None):
        if obj is None:
            return None
        return obj.get_absolute_url() if obj.is_visible else obj.get_staff_preview_url()

    def get_urls(self):
        def view(function, name):
            return path(f"<path:object_id>/{name}/", self.admin_site.admin_view(function),
                        name=f"blog_post_{name.replace('-', '_').replace('/', '_')}")

        engagement = path("engagement/", self.admin_site.admin_view(self.engagement_view),
                          name="blog_post_engagement")
        desk_page = path("desk/", self.admin_site.admin_view(self.desk_view), name="blog_post_desk")
        checks_page = path("checks/", self.admin_site.admin_view(self.checks_view), name="blog_post_checks")
        media = [path("media/", self.admin_site.admin_view(self.media_view), name="blog_post_media"),
                 path("media/delete/", self.admin_site.admin_view(self.media_delete_view),
                      name="blog_post_media_delete")]
        # Before <object_id>/autosave/, which would take "add" for an article's id.
        autosave_new = path("add/autosave/", self.admin_site.admin_view(self.autosave_new_view),
                            name="blog_post_autosave_new")
        return [engagement, desk_page, checks_page, *media, autosave_new, view(self.preview_view, "preview"),
                view(self.acknowledge_view, "acknowledge"),
                view(self.acknowledge_withdraw_view, "acknowledge/withdraw"),
                view(self.preview_links_view, "preview-links"),
                view(self.compare_view, "history/compare"), view(self.workflow_view, "workflow"),
                view(self.autosave_view, "autosave"), view(self.autosave_discard_view, "autosave/discard"),
                *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        post = Post.objects.filter(pk=pk).first() if (pk := row_id(object_id)) else None
        if post is not None:
            extra_context = {**(extra_context or {}), "editorial_state": post.get_editorial_state_display(),
                             "editorial_moves": workflow.moves_for(
                                 request.user, post, may_change=self.has_change_permission(request, post)),
                             "editorial_events": post.editorial_events.select_related("actor"),
                             **self._autosave_context(request, post)}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # saved for real: the working copy has served its purpose
            autosave.discard(obj, request.user)
        # The summary at publish (only a sensitive article is held back): when this save publishes it
        # or changes what readers read, not at every save of a live article.
        publishing = not change or bool(set(form.changed_data) & {"status", *checks.CHECKED_FIELDS})
        if obj.status == Post.Status.PUBLISHED and publishing:
            still_open = checks.open_warnings(checks.check_fields(checks.post_fields(obj)),
                                              checks.acknowledgements(obj))
            if still_open:
                messages.warning(request, ngettext(
                    "Saved as published with %(count)s check still open (see Checks under the text): %(list)s",
                    "Saved as published with %(count)s checks still open (see Checks under the text): %(list)s",
                    len(still_open)) % {"count": len(still_open),
                                        "list": "; ".join(warning.message for warning in still_open)})










    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Without JavaScript, "Acknowledge" and "Withdraw the acknowledgement" are submit buttons of
        the article form: the acknowledgement changes first (of the text as typed, so a sensitive
        article it unblocks publishes in the same save), then the edits are saved as by "Save and
        continue editing", and the form comes back. Nothing typed is lost, even when the save is
        refused (the form is shown again with its errors)."""
        ident = request.POST.get("acknowledge") if request.method == "POST" else None
        withdrawn = request.POST.get("withdraw_acknowledgement") if request.method == "POST" else None
        if object_id is None or (ident is None and withdrawn is None):
            return super().changeform_view(request, object_id, form_url, extra_context)
        post = self._acknowledging_post(request, object_id)
        if withdrawn is not None:
            error = checks.withdraw(post, request.user, withdrawn)
            done = checks.WITHDRAWN
        else:
            error = checks.acknowledge(post, request.user, self._posted_fields(request, post), ident, request.POST)
            done = checks.ACKNOWLEDGED
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        if not self.has_change_permission(request, post):  # a clinical reviewer: nothing of theirs to save
            return HttpResponseRedirect(reverse("admin:blog_post_change", args=[post.pk]), status=303)
        request.POST = request.POST.copy()
        request.POST["_continue"] = "1"
        return super().changeform_view(request, object_id, form_url, extra_context)




















    @admin.display(description=gettext_lazy("publication"), ordering="published_at")
    def publication(self, post: Post) -> str:
        state = post.publication_state
        if state == "draft":
            return _("Draft")
        moment = timezone.localtime(post.published_at).strftime("%-d %b %Y, %H:%M")
        if state == "scheduled":
            return _("Scheduled for %(moment)s") % {"moment": moment}
        return _("Published %(moment)s") % {"moment": moment}

    @admin.display(description=gettext_lazy("clinical review"), ordering="next_review_due")
    def review(self, post: Post) -> str:
        if post.last_reviewed_on is None:
            return _("Awaiting first review")
        if post.changed_since_review:
            return _("Changed since review of %(day)s") % {"day": f"{post.last_reviewed_on:%-d %b %Y}"}
        if not post.review_current:
            return _("Reviewer no longer active")
        if post.next_review_due < timezone.localdate():
            return _("Overdue since %(day)s") % {"day": f"{post.next_review_due:%-d %b %Y}"}
        return _("Reviewed %(day)s") % {"day": f"{post.last_reviewed_on:%-d %b %Y}"}

    @admin.display(description=gettext_lazy("updated"), ordering="updated_at")
    def updated(self, post: Post) -> str:
        return f"{timezone.localtime(post.updated_at):%-d %b %Y}"

    @admin.display(description=gettext_lazy("sensitive"), ordering="sensitive")
    def sensitive_mark(self, post: Post) -> str:
        # Words, not the admin's coloured icon: "sensitive" must not rest on colour alone.
        return _("Sensitive") if post.sensitive else ""

    @admin.display(description=gettext_lazy("shares"), ordering="share_total")
    def shares(self, post: Post) -> int:
        return post.share_total

    @admin.display(description=gettext_lazy("length when last saved"))
    def saved_length(self, post: Post) -> str:
        """What readers are told ("3 min read"); the live count under the text box follows the typing."""
        if post.pk is None:
            return _("Counted when the article is first saved.")
        return length_note(post.body)

    @admin.display(description=gettext_lazy("how it will look"))
    def how_it_will_look(self, post: Post) -> str:
        """A search result and a link card as the article's page will give them (Post.link_preview), as
        last saved; static/js/admin-previews.js follows the title, address and description as they are typed."""
        look = post.link_preview()
        return render_to_string("admin/blog/post/_search_preview.html", {
            "look": look, "title_limit": SEARCH_TITLE_LIMIT, "description_limit": SEARCH_DESCRIPTION_LIMIT,
            "search_title": shorten(look["page_title"], SEARCH_TITLE_LIMIT),
            "search_description": shorten(look["description"], SEARCH_DESCRIPTION_LIMIT),
            "site": urlsplit(settings.SITE_URL).hostname or settings.SITE_URL,
        })

    @admin.display(description=gettext_lazy("generated link-preview card"))
    def generated_card(self, post: Post) -> str:
        if not post.card_image:
            return _("Made when the article is first saved.")
        alt = post.share_image["alt"] if not post.social_image else _("Title card: “%(title)s”") % {"title": post.title}
        return format_html('<img src="{}" alt="{}" width="300" height="158">', post.card_image.url, alt)

    @admin.display(description=gettext_lazy("focal point"))
    def focal_picker(self, post: Post) -> str:
        """The saved hero, for static/js/admin-focal.js to turn into a click target with a marker.
        Without JavaScript it is a picture, and the two number fields below set the point."""
        if not post.hero_image:
            return _("Save the article with a hero image first; then click the image to set its focal point, "
                     "or type it in the two boxes below.")
        return format_html(
            '<div class="focal-picker" data-focal-picker data-label="{}"><img src="{}" alt="{}" width="{}" '
            'height="{}"><span class="focal-marker" aria-hidden="true"></span></div>'
            '<p class="help">{}</p>',
            _("Focal point: %(x)s%% across, %(y)s%% down"), post.hero_image.url,
            _("The hero image: click where its subject is"), post.hero_width or "", post.hero_height or "",
            _("Click the subject of the image: crops keep that point in frame. Save to remake them."))

    @admin.display(description=gettext_lazy("checked by"))
    def safe_messaging_check(self, post: Post) -> str:
        if post.safe_messaging_checked and post.safe_messaging_checked_at:
            who = post.safe_messaging_checked_by.get_username() if post.safe_messaging_checked_by else _("an editor")
            return f"{who}, {timezone.localtime(post.safe_messaging_checked_at):%-d %b %Y, %H:%M}"
        return _("Not checked yet.")

    @admin.display(description=gettext_lazy("latest review"))
    def review_record(self, post: Post) -> str:
        add_url = reverse("admin:blog_review_add") + (f"?post={post.pk}" if post.pk else "")
        latest = post.reviews.select_related("reviewer__reviewer_profile").first() if post.pk else None
        if latest is None:
            return format_html('<p>{}</p><p><a href="{}">{}</a></p>', _("No review recorded, so readers see none."),
                               add_url, _("Record a review"))
        if latest.covers(post):
            state = _("It covers the text as it is now.")
        elif latest.text_digest != post.reviewed_text_digest():
            state = _("Changed since review: the title, subtitle, body, sources or content note changed after it, "
                      "so readers see no review until a clinical reviewer records one of this version.")
        else:
            state = _("The reviewer's profile is no longer active, so readers see no review.")
        summary = _("%(name)s, %(credentials)s, on %(day)s; next review due %(due)s.") % {
            "name": latest.reviewer_name, "credentials": latest.reviewer_credentials,
            "day": f"{latest.reviewed_on:%-d %b %Y}", "due": f"{latest.next_review_due:%-d %b %Y}"}
        return format_html('<p>{}</p><p>{}</p><p><a href="{}">{}</a></p>',
                           summary, state, add_url, _("Record a new review"))
















