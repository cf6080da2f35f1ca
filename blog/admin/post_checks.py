"""The article form's editorial checks: the panel, its live update as the editor types, and
acknowledging or withdrawing a warning (blog/checks.py has the checks themselves)."""


from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from blog import checks
from blog.admin.base import post_or_404
from blog.models import (
    Post,
)
from core.lookups import row_id


class EditorialChecksAdmin:
    """PostAdmin's part: the checks panel and the addresses it posts to."""

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
        post = Post.objects.filter(pk=pk).first() if (pk := row_id(post_id)) else None
        if post is None:
            raise Http404(_("No such article."))
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
        post = post_or_404(Post.objects.all(), object_id)
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

