import secrets
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe
from reversion.admin import VersionAdmin
from reversion.models import Version

from blog import autosave, checks, desk, media_library, stats, workflow
from blog.forms import PostAdminForm, can_publish
from blog.models import (
    Author,
    Autosave,
    Correction,
    Page,
    Post,
    PreviewLink,
    Review,
    ReviewerProfile,
    SlugRedirect,
    Tag,
    has_active_reviewer_profile,
    image_in_use,
    length_note,
)
from blog.renditions import delete_with_renditions
from blog.revisions import field_changes
from blog.views import preview_response
from core.admin import MarkdownAdmin
from core.lookups import row_id

PREVIEW_LINK_DAYS = [1, 3, 7, 14, 30]
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


class SideBySidePreview:
    """The Markdown body and its live preview side by side on a wide screen, the preview in the site's
    article styles (static/js/admin-previews.js, static/css/admin-preview.css); the label is worded here
    so that it is translated."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "body" and field is not None:
            field.widget.attrs["data-preview-label"] = _("Preview, as readers will see it")
        return field


def _post_or_404(posts, object_id: str) -> Post:
    """The post an admin address names; an id that is not a post's number is a 404, not a 500."""
    try:
        return get_object_or_404(posts, pk=unquote(object_id))
    except (ValueError, ValidationError) as exc:
        raise Http404("No such article.") from exc


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


class PublicationFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published")]

    def queryset(self, request, queryset):
        if self.value() == "draft":
            return queryset.filter(status=Post.Status.DRAFT)
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "published":
            return queryset.published()
        return queryset


class ReviewFilter(admin.SimpleListFilter):
    title = "clinical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("queue", _("Sensitive, needing a review")), ("awaiting", "Awaiting a first review"),
                ("changed", _("Changed since review")), ("overdue", "Review overdue"), ("current", "Review current")]

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


def too_long_to_autosave(request: HttpRequest) -> JsonResponse | None:
    """The refusal of an autosave whose request is larger than a whole article may be, read from its
    declared length before the body is parsed; None when it may be read."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > autosave.max_request_bytes():
        return JsonResponse({"error": _("The article is too long to autosave.")}, status=400)
    return None


@admin.register(Post)
class PostAdmin(SideBySidePreview, VersionAdmin, MarkdownAdmin):
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
        ("Hero image", {"fields": ["hero_image", "hero_alt", "hero_decorative", "hero_credit", "focal_picker",
                                   "hero_focal_x", "hero_focal_y"]}),
        ("Link preview", {
            "fields": ["how_it_will_look", "generated_card", "social_image", "social_image_alt"],
            "description": "What WhatsApp, X, Facebook, LinkedIn and others show when the article is shared: "
                           "the hero image cropped around its focal point, or a title card when there is no "
                           "hero (and always the plain card for a sensitive topic). It is made again when the "
                           "title, the hero or its focal point changes.",
        }),
        ("Sensitive topic and safe messaging", {
            "fields": ["sensitive", "confirm_not_sensitive", "content_note", "checked_no_method_detail",
                       "checked_no_sensational_headline", "checked_help_resources", "safe_messaging_check"],
            "description": "For suicide, self-harm, abuse and eating disorders. Before a sensitive article is "
                           "published an editor reads it and ticks every item; a writer's later change to its "
                           "words clears the ticks.",
        }),
        ("After the article", {"fields": ["sources", "cta_topic", "tags"]}),
        ("Clinical review", {"fields": ["review_record"]}),
        ("Publishing", {"fields": ["status", "published_at", "confirm_past_date", "featured"]}),
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
        post = Post.objects.filter(pk=row_id(object_id)).first() if row_id(object_id) else None
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

    def _checks_fragment(self, user, post, fields: dict, *, error: str = "") -> str:
        warnings = checks.check_fields(fields)
        saved = post is not None and post.pk
        context = {**checks.panel_context(warnings, checks.acknowledgements(post), checks.withdrawals(post)),
                   "checks_error": error, "may_acknowledge": user is not None and checks.may_acknowledge(user),
                   "acknowledge_url": reverse("admin:blog_post_acknowledge", args=[post.pk]) if saved else "",
                   "withdraw_url": reverse("admin:blog_post_acknowledge_withdraw", args=[post.pk]) if saved else ""}
        return render_to_string("admin/blog/post/_checks.html", context)

    @admin.display(description=gettext_lazy("checks"))
    def editorial_checks(self, post: Post) -> str:
        """The checks on the text as the form holds it (saved, or as posted when a save was refused);
        static/js/admin-checks.js asks checks_view again as the editor types. The form put the
        signed-in account on the post (PostAdminForm: `publisher`)."""
        fragment = self._checks_fragment(getattr(post, "publisher", None), post, checks.post_fields(post))
        url = reverse("admin:blog_post_checks") + (f"?post={post.pk}" if post.pk else "")
        return format_html('<div id="editorial-checks" class="editorial-checks" data-checks-url="{}">'
                           '<p class="checks-status" aria-live="polite"></p>{}</div>', url, mark_safe(fragment))

    def _checked_post(self, request, post_id) -> Post | None:
        if not post_id:
            return None
        post = Post.objects.filter(pk=row_id(post_id)).first() if row_id(post_id) else None
        if post is None:
            raise Http404("No such article.")
        if not self.has_view_or_change_permission(request, post):
            raise PermissionDenied
        return post

    @method_decorator(require_http_methods(["POST"]))
    def checks_view(self, request: HttpRequest) -> HttpResponse:
        """The checks on the text as typed (admin-checks.js): an HTML fragment, never stored."""
        if not (self.has_add_permission(request) or self.has_view_or_change_permission(request)):
            raise PermissionDenied
        post = self._checked_post(request, request.GET.get("post", ""))
        fields = {name: request.POST.get(name, "") for name in checks.CHECKED_FIELDS}
        response = HttpResponse(self._checks_fragment(request.user, post, fields))
        response["Cache-Control"] = "private, no-store"
        return response

    def _posted_fields(self, request: HttpRequest, post: Post) -> dict:
        """The text as typed when the article form was posted, else as saved."""
        return ({name: request.POST.get(name, "") for name in checks.CHECKED_FIELDS} if "body" in request.POST
                else checks.post_fields(post))

    def _acknowledging_post(self, request: HttpRequest, object_id: str) -> Post:
        post = _post_or_404(Post.objects.all(), object_id)
        if not self.has_view_or_change_permission(request, post) or not checks.may_acknowledge(request.user):
            raise PermissionDenied
        return post

    def _checks_answer(self, request: HttpRequest, post: Post, error: str, done: str) -> HttpResponse:
        if request.headers.get("X-Idare-Fragment"):  # admin-checks.js: the panel again, the typing kept
            response = HttpResponse(self._checks_fragment(request.user, post, self._posted_fields(request, post),
                                                          error=error), status=400 if error else 200)
            response["Cache-Control"] = "private, no-store"
            return response
        if error:
            context = {**self.admin_site.each_context(request), "opts": self.opts, "original": post,
                       "title": _("The check was not changed"), "error": error}
            return TemplateResponse(request, "admin/blog/post/acknowledge_refused.html", context, status=400)
        messages.success(request, done)
        return HttpResponseRedirect(reverse("admin:blog_post_change", args=[post.pk]), status=303)

    @method_decorator(require_http_methods(["POST"]))
    def acknowledge_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Acknowledges one warning with a reason, found in the text as typed: admin-checks.js posts
        the article's text fields here and shows the fragment it answers. Without JavaScript the
        button submits the article form itself (changeform_view), which keeps the edits."""
        post = self._acknowledging_post(request, object_id)
        error = checks.acknowledge(post, request.user, self._posted_fields(request, post),
                                   request.POST.get("acknowledge", ""), request.POST)
        return self._checks_answer(request, post, error, checks.ACKNOWLEDGED)

    @method_decorator(require_http_methods(["POST"]))
    def acknowledge_withdraw_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Withdraws one acknowledgement (`acknowledgement`: its id); the warning is open again."""
        post = self._acknowledging_post(request, object_id)
        error = checks.withdraw(post, request.user, request.POST.get("acknowledgement", ""))
        return self._checks_answer(request, post, error, checks.WITHDRAWN)

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

    # --- Autosave (blog/autosave.py; templates/admin/blog/post/_autosave.html) ---------------------
    def _autosave_context(self, request: HttpRequest, post: Post) -> dict:
        if not self.has_change_permission(request, post):
            return {}
        if request.method == "GET":
            autosave.seen(post, request.user)  # opening the form tells the others at once
        pending = autosave.pending(post, request.user)
        return {"autosave_on": True, "autosave_pending": pending,
                "autosave_restored": pending is not None and request.GET.get("autosave") == "restore",
                "autosave_others": autosave.others_sentence(autosave.others(post, request.user))}

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        # Restoring without JavaScript: the form is shown filled from the editor's autosave (the
        # instance in memory only; nothing is written until they press Save).
        match = request.resolver_match
        if (obj is not None and request.method == "GET" and request.GET.get("autosave") == "restore"
                and match is not None and match.url_name == "blog_post_change"
                and self.has_change_permission(request, obj)):
            pending = autosave.pending(obj, request.user)
            if pending is not None:
                for name in autosave.FIELDS:
                    setattr(obj, name, pending.text.get(name, getattr(obj, name)))
        return obj

    def _autosave_post(self, request: HttpRequest, object_id: str) -> Post | JsonResponse:
        try:
            post = Post.objects.get(pk=int(unquote(object_id)))
        except (ValueError, Post.DoesNotExist):
            return JsonResponse({"error": _("There is no such article.")}, status=404)
        if not self.has_change_permission(request, post):
            return JsonResponse({"error": _("You may not change this article, so nothing was autosaved.")},
                                status=403)
        return post

    @method_decorator(require_http_methods(["GET", "POST"]))
    def autosave_view(self, request: HttpRequest, object_id: str) -> JsonResponse:
        """GET: the editor's autosaved text (to restore it). POST: the form's text fields, kept as the
        editor's working copy, or `heartbeat=1` alone; both answer who else is editing. JSON only."""
        post = self._autosave_post(request, object_id)
        if isinstance(post, JsonResponse):
            return post
        if request.method == "GET":
            pending = autosave.pending(post, request.user)
            if pending is None:
                return JsonResponse({"error": _("There is no autosaved text newer than the article.")},
                                    status=404)
            return JsonResponse({"text": {name: pending.text.get(name, "") for name in autosave.FIELDS}})
        if (refusal := too_long_to_autosave(request)) is not None:
            return refusal
        answer = {}
        if request.POST.get("heartbeat") != "1":
            try:
                text = autosave.clean_text(request.POST)
            except autosave.BadInput as problem:
                return JsonResponse({"error": str(problem)}, status=400)
            kept, written = autosave.save(post, request.user, text)
            answer = {"saved": written, "saved_at": kept.saved_at.isoformat(),
                      "status": autosave.saved_sentence(kept)}
        autosave.seen(post, request.user)
        return JsonResponse({**answer, "others": autosave.others_sentence(autosave.others(post, request.user))})

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "autosave_new": self.has_add_permission(request),
                         "autosave_key": secrets.token_urlsafe(16)}
        return super().add_view(request, form_url, extra_context)

    @method_decorator(require_http_methods(["POST"]))
    def autosave_new_view(self, request: HttpRequest) -> JsonResponse:
        """The add form's autosave: its first one with a title and an author makes the article, as a
        draft (blog.autosave.create_draft), and answers its addresses; the script then autosaves to
        that article and the form saves it. JSON only."""
        if not self.has_add_permission(request):
            return JsonResponse({"error": _("You may not add articles, so nothing was autosaved.")}, status=403)
        if (refusal := too_long_to_autosave(request)) is not None:
            return refusal
        key = request.POST.get("autosave_key", "")[:autosave.NEW_KEY_MAX]
        made = autosave.made_by_page(request.session, key)
        post = Post.objects.filter(pk=made).first() if made else None
        if post is not None:  # this page made it already; its answer was lost: the same one again
            return JsonResponse(self._new_draft_answer(post, saved=False))
        try:
            text = autosave.clean_text(request.POST)
            post = autosave.create_draft(request.user, text, author_id=request.POST.get("author", "").strip(),
                                         slug=request.POST.get("slug", ""))
        except autosave.NotYet as wanting:
            return JsonResponse({"saved": False, "waiting": True, "status": str(wanting)})
        except autosave.BadInput as problem:
            return JsonResponse({"error": str(problem)}, status=400)
        if key:
            kept = list(request.session.get(autosave.NEW_DRAFTS_KEY, {}).items())[-19:]  # the last 20 pages
            request.session[autosave.NEW_DRAFTS_KEY] = {**dict(kept), key: post.pk}
        autosave.seen(post, request.user)
        return JsonResponse(self._new_draft_answer(post, saved=True))

    def _new_draft_answer(self, post: Post, *, saved: bool) -> dict:
        return {"saved": saved, "created": True, "slug": post.slug,
                "change_url": reverse("admin:blog_post_change", args=[post.pk]),
                "autosave_url": reverse("admin:blog_post_autosave", args=[post.pk]),
                "checks_url": reverse("admin:blog_post_checks") + f"?post={post.pk}",
                "status": _("Autosaved as a draft at %(time)s") % {"time": autosave.clock(post.created_at)}}

    @method_decorator(require_http_methods(["POST"]))
    def autosave_discard_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """"Discard it": a plain form POST, back to the article's form."""
        post = self._autosave_post(request, object_id)
        if isinstance(post, JsonResponse):
            return post
        autosave.discard(post, request.user)
        messages.success(request, _("The autosaved text was discarded."))
        return HttpResponseRedirect(reverse("admin:blog_post_change", args=[post.pk]), status=303)

    @method_decorator(require_safe)
    def desk_view(self, request: HttpRequest) -> HttpResponse:
        """What needs the signed-in person now (blog/desk.py)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": _("Your desk"),
                   "sections": desk.sections_for(request.user), "calendar": desk.scheduled_days()}
        return TemplateResponse(request, "admin/blog/post/desk.html", context)

    @method_decorator(require_safe)
    def media_view(self, request: HttpRequest) -> HttpResponse:
        """Every uploaded image, its alt text, where it is used and how to reuse it (blog/media_library.py)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": _("Media library"),
                   "images": media_library.library(), "may_delete": can_publish(request.user)}
        return TemplateResponse(request, "admin/blog/post/media_library.html", context)

    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    def media_delete_view(self, request: HttpRequest) -> HttpResponse:
        """Deletes an image nothing uses, after a confirmation page; editors only. A used image (or a
        name that is no upload) is refused in a sentence, whatever the page offered."""
        if not can_publish(request.user):
            raise PermissionDenied
        name = request.POST.get("name", "") if request.method == "POST" else request.GET.get("name", "")
        back = reverse("admin:blog_post_media")
        if name not in {image.name for image in media_library.library()}:
            messages.error(request, _("That image is not in the media library (it may have been deleted already)."))
            return HttpResponseRedirect(back, status=303)
        if image_in_use(name):
            messages.error(request, _("This image is still used by an article or a page, so it stays: remove it "
                                      "from there first."))
            return HttpResponseRedirect(back, status=303)
        if request.method == "POST":
            delete_with_renditions(name)
            messages.success(request, _("The image was deleted."))
            return HttpResponseRedirect(back, status=303)
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": _("Delete this image?"),
                   "name": name, "url": default_storage.url(name)}
        return TemplateResponse(request, "admin/blog/post/media_delete.html", context)

    @method_decorator(require_http_methods(["POST"]))
    def workflow_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Moves a draft in the review (blog/workflow.py): the account's permissions decide, whatever
        the page offered; a move that no longer applies is refused in a sentence and changes nothing."""
        post = _post_or_404(Post.objects.all(), object_id)
        move = workflow.MOVES.get(request.POST.get("action", ""))
        if move is None:
            messages.error(request, _("Choose one of the buttons under “Review”."))
        elif not workflow.may_make(request.user, move, post, may_change=self.has_change_permission(request, post)):
            raise PermissionDenied
        else:
            try:
                workflow.make_move(post, move, request.user, request.POST.get("note", ""))
            except workflow.Refused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, _("The article is now “%(state)s”.") % {
                    "state": Post.EditorialState(move.target).label})
        return HttpResponseRedirect(reverse("admin:blog_post_change", args=[post.pk]), status=303)

    @method_decorator(require_safe)
    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The article as readers will see it, whatever its status, at an address only staff can open."""
        post = _post_or_404(Post.objects.select_related("author"), object_id)
        if not self.has_view_or_change_permission(request, post):
            raise PermissionDenied
        return preview_response(request, post, staff=True)

    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    def preview_links_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        post = _post_or_404(Post.objects.all(), object_id)
        if not self.has_view_or_change_permission(request, post):
            raise PermissionDenied
        if request.method == "POST":
            return self._change_preview_links(request, post)
        links = list(post.preview_links.select_related("created_by"))
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "original": post, "links": links,
            "title": f"Preview links for “{post.title}”", "days": PREVIEW_LINK_DAYS, "site_url": settings.SITE_URL,
            "can_add": request.user.has_perm("blog.add_previewlink"),
            "can_revoke": request.user.has_perm("blog.change_previewlink"),
        }
        return TemplateResponse(request, "admin/blog/post/preview_links.html", context)

    def _change_preview_links(self, request: HttpRequest, post: Post) -> HttpResponse:
        here = reverse("admin:blog_post_preview_links", args=[post.pk])
        if request.POST.get("action") == "create":
            if not request.user.has_perm("blog.add_previewlink"):
                raise PermissionDenied
            try:
                days = int(request.POST.get("days", ""))
            except ValueError:
                days = 0
            if days not in PREVIEW_LINK_DAYS:
                messages.error(request, "Choose how long the link should work.")
                return HttpResponseRedirect(here, status=303)
            link = PreviewLink.objects.create(post=post, created_by=request.user,
                                              expires_at=timezone.now() + timedelta(days=days))
            until = timezone.localtime(link.expires_at)
            messages.success(request, f"Preview link made; it works until {until:%-d %b %Y, %H:%M}.")
        elif request.POST.get("action") == "revoke":
            if not request.user.has_perm("blog.change_previewlink"):
                raise PermissionDenied
            try:
                link = int(request.POST.get("link", ""))
            except ValueError:  # not a link's number: nothing to withdraw
                link = None
            revoked = post.preview_links.active().filter(pk=link)
            if revoked.update(revoked_at=timezone.now()):
                messages.success(request, "The preview link was withdrawn: it no longer opens the article.")
        return HttpResponseRedirect(here, status=303)

    def history_view(self, request, object_id, extra_context=None):
        """reversion's history, plus each version's id so that two can be chosen for comparison."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        versions = Version.objects.get_for_object_reference(Post, unquote(object_id)).select_related(
            "revision", "revision__user").order_by("-revision__date_created", "-pk")
        action_list = [{"revision": version.revision, "version": version,
                        "url": reverse("admin:blog_post_revision", args=[object_id, version.pk])}
                       for version in versions]
        post_id = row_id(unquote(object_id))
        autosaves = (Autosave.objects.filter(post_id=post_id).select_related("user").order_by("-saved_at")
                     if post_id else [])
        return admin.ModelAdmin.history_view(self, request, object_id, {**(extra_context or {}),
                                                                         "action_list": action_list,
                                                                         "autosaves": autosaves})

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Restoring is changing: the article as it stands now decides who may do it (a writer must not
        # unpublish a live article by restoring one of its drafts).
        current = _post_or_404(Post.objects.all(), object_id)
        if not self.has_change_permission(request, current):
            raise PermissionDenied
        response = super().revision_view(request, object_id, version_id, extra_context)
        if request.method == "POST":
            # The review state is not part of a version (reversion would restore its default): a
            # restored text stands where the review stood, unless restoring unpublished it.
            restored = Post.objects.filter(pk=current.pk)
            unpublished = current.status == Post.Status.PUBLISHED and restored.filter(status=Post.Status.DRAFT).exists()
            if not unpublished:
                restored.update(editorial_state=current.editorial_state)
        return response

    @method_decorator(require_safe)
    def compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        post = _post_or_404(Post.objects.all(), object_id)
        if not self.has_view_or_change_permission(request, post):
            raise PermissionDenied
        versions = Version.objects.get_for_object(post).select_related("revision", "revision__user")
        try:
            older = versions.get(pk=request.GET.get("from", ""))
            newer = versions.get(pk=request.GET.get("to", ""))
        except (Version.DoesNotExist, ValueError):
            messages.error(request, "Choose two versions of this article to compare.")
            return HttpResponseRedirect(reverse("admin:blog_post_history", args=[post.pk]), status=303)
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        context = {**self.admin_site.each_context(request), "opts": self.opts, "original": post,
                   "title": f"Compare versions of “{post.title}”", "older": older, "newer": newer,
                   "changes": field_changes(Post, older.field_dict, newer.field_dict)}
        return TemplateResponse(request, "admin/blog/post/compare.html", context)

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
                   "form": form, "network_labels": stats.NETWORK_LABELS,
                   "bounds": stats.bounds_note(settings.IDARE_UPVOTE_COUNT_RATE, settings.IDARE_SHARE_COUNT_RATE,
                                              settings.IDARE_SESSION_REGISTRATION_RATE)}
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

    @admin.display(description="publication", ordering="published_at")
    def publication(self, post: Post) -> str:
        state = post.publication_state
        if state == "draft":
            return "Draft"
        moment = timezone.localtime(post.published_at).strftime("%-d %b %Y, %H:%M")
        return f"Scheduled for {moment}" if state == "scheduled" else f"Published {moment}"

    @admin.display(description="clinical review", ordering="next_review_due")
    def review(self, post: Post) -> str:
        if post.last_reviewed_on is None:
            return "Awaiting first review"
        if post.changed_since_review:
            return _("Changed since review of %(day)s") % {"day": f"{post.last_reviewed_on:%-d %b %Y}"}
        if not post.review_current:
            return _("Reviewer no longer active")
        if post.next_review_due < timezone.localdate():
            return f"Overdue since {post.next_review_due:%-d %b %Y}"
        return f"Reviewed {post.last_reviewed_on:%-d %b %Y}"

    @admin.display(description=gettext_lazy("updated"), ordering="updated_at")
    def updated(self, post: Post) -> str:
        return f"{timezone.localtime(post.updated_at):%-d %b %Y}"

    @admin.display(description=gettext_lazy("sensitive"), ordering="sensitive")
    def sensitive_mark(self, post: Post) -> str:
        # Words, not the admin's coloured icon: "sensitive" must not rest on colour alone.
        return _("Sensitive") if post.sensitive else ""

    @admin.display(description="shares", ordering="share_total")
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

    @admin.display(description="generated link-preview card")
    def generated_card(self, post: Post) -> str:
        if not post.card_image:
            return "Made when the article is first saved."
        alt = post.share_image["alt"] if not post.social_image else f"Title card: “{post.title}”"
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

    @admin.display(description="checked by")
    def safe_messaging_check(self, post: Post) -> str:
        if post.safe_messaging_checked and post.safe_messaging_checked_at:
            who = post.safe_messaging_checked_by.get_username() if post.safe_messaging_checked_by else "an editor"
            return f"{who}, {timezone.localtime(post.safe_messaging_checked_at):%-d %b %Y, %H:%M}"
        return "Not checked yet."

    @admin.display(description="latest review")
    def review_record(self, post: Post) -> str:
        add_url = reverse("admin:blog_review_add") + (f"?post={post.pk}" if post.pk else "")
        latest = post.reviews.select_related("reviewer__reviewer_profile").first() if post.pk else None
        if latest is None:
            return format_html('<p>No review recorded, so readers see none.</p><p><a href="{}">Record a review</a></p>',
                               add_url)
        if latest.covers(post):
            state = _("It covers the text as it is now.")
        elif latest.text_digest != post.reviewed_text_digest():
            state = _("Changed since review: the title, subtitle, body, sources or content note changed after it, "
                      "so readers see no review until a clinical reviewer records one of this version.")
        else:
            state = _("The reviewer's profile is no longer active, so readers see no review.")
        return format_html('<p>{}, {}, on {}; next review due {}.</p><p>{}</p><p><a href="{}">{}</a></p>',
                           latest.reviewer_name, latest.reviewer_credentials, f"{latest.reviewed_on:%-d %b %Y}",
                           f"{latest.next_review_due:%-d %b %Y}", state, add_url, _("Record a new review"))


@admin.register(Page)
class PageAdmin(SideBySidePreview, VersionAdmin, MarkdownAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}

    class Media:
        js = ["js/admin-previews.js"]
        css = {"all": ["css/admin-preview.css"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


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


NO_REVIEWER_PROFILE = gettext_lazy(
    "Your account has no active reviewer profile, so it cannot record a clinical review. An administrator "
    "adds one under Blog → Reviewer profiles.")


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


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "post", "created_at"]
    search_fields = ["old_slug", "post__title"]
    list_select_related = ["post"]

    def has_add_permission(self, request):
        return False  # made when a published article's slug changes

    def has_change_permission(self, request, obj=None):
        return False
