"""Autosave of the article form and who else is editing it (issue 15).

The working copy lives in blog.Autosave, one row per editor and post, updated in place: it never
touches the Post row, so nothing of it reaches readers, feeds, search or the page cache.

A new article (the add page) has nothing on the server to attach a copy to, so its first autosave
with a title and an author makes it: a draft (create_draft), never published or scheduled whatever
the form says, with the form's text, author and address. The script then treats the page as that
article's form (its address and the form's action become the article's change page), so later
autosaves keep a working copy of it and Save saves it; a key the page sends with each try names the
draft it made in the session, so a retry after a lost answer never makes a second one. (Keeping the
text in the browser's localStorage instead would leave it on a shared office computer after
sign-out.)

Presence (blog.EditingPresence) is a heartbeat from static/js/admin-autosave.js (each autosave is one
too); opening the form counts as one, so a second editor is told on load."""

from __future__ import annotations

from datetime import timedelta

import reversion
from anyascii import anyascii
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from blog.models import Author, Autosave, EditingPresence, Post
from core.lookups import row_id

# The form's text fields worth keeping: what a person types at length. Choices, ticks, dates and
# images are quick to set again and are not part of a working copy.
FIELDS = ["title", "subtitle", "excerpt", "body", "content_note", "sources"]
PRESENCE_SECONDS = 120  # a presence silent this long has ended (a closed tab sends nothing)
MIN_SECONDS = 2  # the script saves at most every 10 s; faster than this is a loop, not typing


class BadInput(Exception):
    """A sentence for the editor; the endpoint answers it with 400."""


def field_limit(name: str) -> int:
    field = Post._meta.get_field(name)
    return field.max_length or settings.IDARE_MARKDOWN_MAX_CHARS


def max_request_bytes() -> int:
    """The largest body an autosave can need: every field at its limit, 4 bytes a character
    (multipart keeps UTF-8 as it is), and room for the token and the part headers."""
    return sum(field_limit(name) for name in FIELDS) * 4 + 16 * 1024


def clean_text(data) -> dict[str, str]:
    """The fields the request sent, each within the site's limits; a missing field is an error (the
    script always sends all of them), an unknown one is ignored."""
    text = {}
    for name in FIELDS:
        values = data.getlist(name)
        if len(values) != 1:
            raise BadInput(_("The autosave is missing part of the article; it was not saved."))
        value = values[0].replace("\r\n", "\n")
        if len(value) > field_limit(name):
            label = Post._meta.get_field(name).verbose_name
            raise BadInput(_("The %(field)s is longer than %(limit)s characters, so it was not autosaved.")
                           % {"field": label, "limit": f"{field_limit(name):,}"})
        text[name] = value
    return text


class NotYet(Exception):
    """The new article lacks what a draft needs (a title, an author): nothing is made, and the
    sentence says what would start autosaving."""


NEW_DRAFTS_KEY = "autosave_new_drafts"  # in the session: the page's key -> the draft it made
NEW_KEY_MAX = 64


def made_by_page(session, key: str) -> int | None:
    """The draft this add page already made, by the key it sends (a retry after a lost answer)."""
    return session.get(NEW_DRAFTS_KEY, {}).get(key) if key else None


def free_slug(wanted: str, title: str) -> str:
    """The form's address when it is a valid one no other article has, else one made from the title
    as the admin makes it (ASCII, "-2", "-3" added until it is free)."""
    limit = Post._meta.get_field("slug").max_length
    wanted = wanted.strip()
    try:
        validate_slug(wanted)
    except ValidationError:
        wanted = ""
    base = (wanted or slugify(anyascii(title)) or "article")[:limit].strip("-") or "article"
    slug, number = base, 1
    while Post.objects.filter(slug=slug).exists():
        number += 1
        suffix = f"-{number}"
        slug = base[:limit - len(suffix)].rstrip("-") + suffix
    return slug


def create_draft(user, text: dict[str, str], *, author_id: str, slug: str) -> Post:
    """The new article as a draft, from the add form's text (clean_text), author and address:
    never published, scheduled or featured, whoever asks. NotYet without a title or an author,
    BadInput for an author that is not in the list or a text the article's rules refuse; nothing is
    written then. The history records who made it (django-reversion)."""
    if not text["title"].strip():
        raise NotYet(_("Give the article a title and it is autosaved as a draft."))
    if not author_id:
        raise NotYet(_("Choose the author and the article is autosaved as a draft."))
    author = Author.objects.filter(pk=pk).first() if (pk := row_id(author_id)) else None
    if author is None:
        raise BadInput(_("That author is not in the list, so the article was not autosaved: choose another."))
    post = Post(**text, author=author, status=Post.Status.DRAFT, published_at=None, featured=False)
    post.publisher = user  # Post.clean's rules for the signed-in account
    try:
        with transaction.atomic(), reversion.create_revision():
            post.slug = free_slug(slug, text["title"])
            # A half-written article: a field still empty (the meta description, say) is the final
            # Save's to require, not a reason to lose the text.
            post.full_clean(exclude=[name for name in FIELDS if not text[name].strip()])
            post.save()
            reversion.set_user(user)
            reversion.set_comment(str(_("Autosaved as a new draft.")))
    except ValidationError as problem:
        sentences = [message for messages in problem.message_dict.values() for message in messages]
        raise BadInput(_("The article was not autosaved: %(problem)s") % {"problem": " ".join(sentences)}) from None
    except IntegrityError:  # the address was taken a moment ago, by another tab or another writer
        raise BadInput(_("The article was not autosaved this time; it is tried again in a moment.")) from None
    return post


def post_text(post: Post) -> dict[str, str]:
    return {name: (getattr(post, name) or "").replace("\r\n", "\n") for name in FIELDS}


def save(post: Post, user, text: dict[str, str]) -> tuple[Autosave, bool]:
    """Keeps the working copy; False (nothing written) when the last one is under MIN_SECONDS old."""
    now = timezone.now()
    autosave = Autosave.objects.filter(post=post, user=user).first()
    if autosave is not None:
        if now - autosave.saved_at < timedelta(seconds=MIN_SECONDS):
            return autosave, False
        Autosave.objects.filter(pk=autosave.pk).update(text=text, saved_at=now)
        autosave.text, autosave.saved_at = text, now
        return autosave, True
    try:
        with transaction.atomic():
            return Autosave.objects.create(post=post, user=user, text=text, saved_at=now), True
    except IntegrityError:  # the same editor's other tab made it a moment ago
        Autosave.objects.filter(post=post, user=user).update(text=text, saved_at=now)
        return Autosave.objects.get(post=post, user=user), True


def pending(post: Post, user) -> Autosave | None:
    """The editor's autosave worth offering: newer than the article's last save, and different."""
    autosave = Autosave.objects.filter(post=post, user=user).first()
    if autosave is None or autosave.saved_at <= post.updated_at:
        return None
    if {name: autosave.text.get(name, "") for name in FIELDS} == post_text(post):
        return None
    return autosave


def discard(post: Post, user) -> None:
    Autosave.objects.filter(post=post, user=user).delete()


def seen(post: Post, user) -> None:
    now = timezone.now()
    if not EditingPresence.objects.filter(post=post, user=user).update(seen_at=now):
        try:
            with transaction.atomic():
                EditingPresence.objects.create(post=post, user=user, seen_at=now)
        except IntegrityError:
            EditingPresence.objects.filter(post=post, user=user).update(seen_at=now)


def others(post: Post, user) -> list[EditingPresence]:
    since = timezone.now() - timedelta(seconds=PRESENCE_SECONDS)
    return list(EditingPresence.objects.filter(post=post, seen_at__gte=since).exclude(user=user)
                .select_related("user").order_by("-seen_at"))


def clock(moment) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


def others_sentence(presences: list[EditingPresence]) -> str:
    return " ".join(_("%(name)s is also editing this article (last active %(time)s).")
                    % {"name": presence.user.get_username(), "time": clock(presence.seen_at)}
                    for presence in presences)


def saved_sentence(autosave: Autosave) -> str:
    return _("Autosaved at %(time)s") % {"time": clock(autosave.saved_at)}
