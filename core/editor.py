"""The admin editor's helpers (markdownx's live preview and image upload), for staff who may edit
any text written in Markdown: articles, pages, snippets, programmes, Support's texts.

They replace markdownx's own views, which answer anyone and trust the browser's idea of what a
file is; the editor's JavaScript calls the same addresses and reads the same answers."""

from functools import wraps

from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.images import reencode_image, store_image
from core.markdown import markdown_problems, render_markdown
from core.renditions import make_renditions, responsive_images
from core.uploads import UPLOAD_FOLDER, image_in_use, markdown_fields


def may_write_markdown(user) -> bool:
    """Staff who may change some model with a Markdown field, in any app: being staff is not enough
    (an inbox handler is staff too), and editing articles is not required (a Support or Engage
    editor writes Markdown as well)."""
    return user.is_active and user.is_staff and any(
        user.has_perm(f"{model._meta.app_label}.{get_permission_codename('change', model._meta)}")
        for model, _field in markdown_fields())


def editors_only(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not may_write_markdown(request.user):
            return HttpResponseForbidden(_("Only staff who may edit a text written in Markdown can use the editor."),
                                         content_type="text/plain")
        return view(request, *args, **kwargs)

    return wrapper


@require_POST
@editors_only
def markdown_preview(request: HttpRequest) -> HttpResponse:
    content = request.POST.get("content")
    if content is None:
        return HttpResponseBadRequest(_("Send the Markdown to preview."), content_type="text/plain")
    if problems := markdown_problems(content):  # the same limits as saving (length included): never run past them
        return HttpResponseBadRequest(" ".join(problems), content_type="text/plain")
    # As Post.save and Page.save make readers' HTML: sanitized, then each image as its <picture>
    # (whose renditions the upload already made), so the preview is the article's own HTML.
    return HttpResponse(responsive_images(render_markdown(content)))


@require_POST
@editors_only
def image_upload(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"image": [_("Choose an image to upload.")]}, status=400)
    try:
        clean = reencode_image(upload)
    except ValidationError as exc:
        return JsonResponse({"image": exc.messages}, status=400)
    stored = f"{UPLOAD_FOLDER}/{clean.name}"
    if default_storage.exists(stored) and not image_in_use(stored):
        # The same image again, shown by no saved text: stored afresh, so that purge_unused_uploads
        # counts its day from this upload, not from the first one.
        default_storage.delete(stored)
    name = store_image(clean, UPLOAD_FOLDER)
    make_renditions(name)  # ready before the article is saved, which then only finds them
    # The alt text placeholder reminds the writer that every image needs one.
    alt = _("Describe this image for people who cannot see it")
    return JsonResponse({"image_code": f"![{alt}]({default_storage.url(name)})"})
