"""The post admin's own pages beside the form: the desk, the media library, upvotes and shares,
the review's moves, previews and preview links, the history and its comparisons."""

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe
from reversion.models import Version

from blog import desk, media_library, stats, workflow
from blog.admin.base import post_or_404
from blog.forms import can_publish
from blog.models import (
    Autosave,
    Post,
    PreviewLink,
    image_in_use,
)
from blog.revisions import field_changes
from blog.views import preview_response
from core.lookups import row_id
from core.renditions import delete_with_renditions

PREVIEW_LINK_DAYS = [1, 3, 7, 14, 30]


class PeriodForm(forms.Form):
    """The engagement page's period: both ends included, at most stats.MAX_DAYS days."""

    start = forms.DateField(label=gettext_lazy("From"), input_formats=["%Y-%m-%d"],
                            widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), input_formats=["%Y-%m-%d"],
                          widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                raise ValidationError(_("The start date must be on or before the end date."))
            if (end - start).days + 1 > stats.MAX_DAYS:
                raise ValidationError(ngettext("Choose a period of at most %(days)d day.",
                                               "Choose a period of at most %(days)d days.",
                                               stats.MAX_DAYS) % {"days": stats.MAX_DAYS})
        return cleaned



class PostPagesAdmin:
    """PostAdmin's part: each page is a view that PostAdmin.get_urls wires."""

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
        post = post_or_404(Post.objects.all(), object_id)
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
        post = post_or_404(Post.objects.select_related("author"), object_id)
        if not self.has_view_or_change_permission(request, post):
            raise PermissionDenied
        return preview_response(request, post, staff=True)


    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    def preview_links_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        post = post_or_404(Post.objects.all(), object_id)
        if not self.has_view_or_change_permission(request, post):
            raise PermissionDenied
        if request.method == "POST":
            return self._change_preview_links(request, post)
        links = list(post.preview_links.select_related("created_by"))
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "original": post, "links": links,
            "title": _("Preview links for “%(title)s”") % {"title": post.title},
            "days": PREVIEW_LINK_DAYS, "site_url": settings.SITE_URL,
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
                messages.error(request, _("Choose how long the link should work."))
                return HttpResponseRedirect(here, status=303)
            link = PreviewLink.objects.create(post=post, created_by=request.user,
                                              expires_at=timezone.now() + timedelta(days=days))
            until = timezone.localtime(link.expires_at)
            messages.success(request, _("Preview link made; it works until %(until)s.")
                             % {"until": f"{until:%-d %b %Y, %H:%M}"})
        elif request.POST.get("action") == "revoke":
            if not request.user.has_perm("blog.change_previewlink"):
                raise PermissionDenied
            try:
                link = int(request.POST.get("link", ""))
            except ValueError:  # not a link's number: nothing to withdraw
                link = None
            revoked = post.preview_links.active().filter(pk=link)
            if revoked.update(revoked_at=timezone.now()):
                messages.success(request, _("The preview link was withdrawn: it no longer opens the article."))
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
        current = post_or_404(Post.objects.all(), object_id)
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
        post = post_or_404(Post.objects.all(), object_id)
        if not self.has_view_or_change_permission(request, post):
            raise PermissionDenied
        versions = Version.objects.get_for_object(post).select_related("revision", "revision__user")
        try:
            older = versions.get(pk=request.GET.get("from", ""))
            newer = versions.get(pk=request.GET.get("to", ""))
        except (Version.DoesNotExist, ValueError):
            messages.error(request, _("Choose two versions of this article to compare."))
            return HttpResponseRedirect(reverse("admin:blog_post_history", args=[post.pk]), status=303)
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        context = {**self.admin_site.each_context(request), "opts": self.opts, "original": post,
                   "title": _("Compare versions of “%(title)s”") % {"title": post.title},
                   "older": older, "newer": newer,
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
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": _("Upvotes and shares"),
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

