"""The blog's models, one module per job: articles.py (authors, tags, articles, standing pages),
engagement.py (upvotes and shares), editorial.py (reviews, preview links, the review's history,
corrections, acknowledgements, autosaves) and media.py (which uploads are in use). Everything is
importable from here, as `blog.models.X`.

The four functions below are defined here, not in their modules: migrations name them by this
dotted path (`blog.models.focal_in_range`...), so moving them would be a migration for nothing."""

import secrets

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def hero_upload_to(instance, filename):
    return f"posts/{filename}"


FOCAL_RANGE_MESSAGE = _("Give the focal point as a percentage from 0 to 100 (50 is the middle of the image).")


def focal_in_range(value: int) -> None:
    """Next to the field in a form; the database's constraint says the same to any other path."""
    if not 0 <= value <= 100:
        raise ValidationError(FOCAL_RANGE_MESSAGE, code="focal_range")


def new_nonce() -> str:
    return secrets.token_urlsafe(16)



# After the four above, which the modules below import from here.
from blog.models.articles import (  # noqa: E402
    ARTICLE_TEXTS,
    MARKDOWN_SOURCES,
    PAGE_TITLE_SUFFIX,
    RELATED_WINDOW,
    REVIEWED_FIELDS,
    SAFE_MESSAGING_CHECKLIST,
    SAFE_MESSAGING_READS,
    SENSITIVE_NOT_FEATURED,
    WORD,
    WORDS_PER_MINUTE,
    Author,
    Page,
    Post,
    PostQuerySet,
    Tag,
    TagQuerySet,
    length_note,
    length_wording,
    plain_text,
    reading_minutes,
    render_sources,
    reserved_page_slugs,
    seen_by_readers,
    tag_slug,
    text_digest,
    word_count,
)
from blog.models.editorial import (  # noqa: E402
    PREVIEW_MAX_DAYS,
    PREVIEW_SALT,
    Autosave,
    CheckAcknowledgement,
    CheckAcknowledgementQuerySet,
    Correction,
    EditingPresence,
    EditorialEvent,
    PreviewLink,
    PreviewLinkQuerySet,
    Review,
    ReviewerProfile,
    SlugRedirect,
    has_active_reviewer_profile,
)
from blog.models.engagement import (  # noqa: E402
    ShareCount,
    ShareQuerySet,
    Vote,
    VoteQuerySet,
)
from blog.models.media import (  # noqa: E402
    delete_card_unless_used,
    delete_images_unless_used,
    image_in_use,
    markdown_fields,
)

__all__ = [
    "ARTICLE_TEXTS",
    "Author",
    "Autosave",
    "CheckAcknowledgement",
    "CheckAcknowledgementQuerySet",
    "Correction",
    "delete_card_unless_used",
    "delete_images_unless_used",
    "EditingPresence",
    "EditorialEvent",
    "focal_in_range",
    "FOCAL_RANGE_MESSAGE",
    "has_active_reviewer_profile",
    "hero_upload_to",
    "image_in_use",
    "length_note",
    "length_wording",
    "markdown_fields",
    "MARKDOWN_SOURCES",
    "new_nonce",
    "Page",
    "PAGE_TITLE_SUFFIX",
    "plain_text",
    "Post",
    "PostQuerySet",
    "PREVIEW_MAX_DAYS",
    "PREVIEW_SALT",
    "PreviewLink",
    "PreviewLinkQuerySet",
    "reading_minutes",
    "RELATED_WINDOW",
    "render_sources",
    "reserved_page_slugs",
    "Review",
    "REVIEWED_FIELDS",
    "ReviewerProfile",
    "SAFE_MESSAGING_CHECKLIST",
    "SAFE_MESSAGING_READS",
    "seen_by_readers",
    "SENSITIVE_NOT_FEATURED",
    "ShareCount",
    "ShareQuerySet",
    "SlugRedirect",
    "Tag",
    "tag_slug",
    "TagQuerySet",
    "text_digest",
    "Vote",
    "VoteQuerySet",
    "WORD",
    "word_count",
    "WORDS_PER_MINUTE",
]
