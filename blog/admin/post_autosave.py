"""Autosave on the article form: working copies saved while the editor types, restored after a
closed tab, and who else is editing (blog/autosave.py has the rules)."""

import secrets

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blog import autosave
from blog.models import (
    Post,
)


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



class AutosaveAdmin:
    """PostAdmin's part: the autosave addresses and the context the form shows."""

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

