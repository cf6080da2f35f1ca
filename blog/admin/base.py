"""What the blog's admin modules share."""


from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from blog.models import (
    Post,
)


class SideBySidePreview:
    """The Markdown body and its live preview side by side on a wide screen, the preview in the site's
    article styles (static/js/admin-previews.js, static/css/admin-preview.css); the label is worded here
    so that it is translated."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "body" and field is not None:
            field.widget.attrs["data-preview-label"] = _("Preview, as readers will see it")
        return field



def post_or_404(posts, object_id: str) -> Post:
    """The post an admin address names; an id that is not a post's number is a 404, not a 500."""
    try:
        return get_object_or_404(posts, pk=unquote(object_id))
    except (ValueError, ValidationError) as exc:
        raise Http404(_("No such article.")) from exc

