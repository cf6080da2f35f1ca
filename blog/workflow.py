"""The review between writer and editor: a writer submits a draft as ready for review, an editor asks
for changes (saying what) or approves it. Publishing stays an editor's decision from any state
(`Post.status`); unpublishing returns a post to draft (Post.save).

Who may move what is checked here, on the server, from the roles' permissions: submitting is
changing the draft (blog.change_post, which writers have for drafts only); asking for changes and
approving are publishing decisions (blog.publish_post, the Editor role)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blog import notices
from blog.forms import can_publish
from blog.models import EditorialEvent, Post

State = Post.EditorialState
NOTE_MAX = 2000


@dataclass(frozen=True)
class Move:
    action: str  # what the form posts
    label: str  # the button
    sources: tuple[str, ...]  # the states it leaves
    target: str
    needs_note: bool
    editors_only: bool


MOVES = {move.action: move for move in (
    Move("submit", gettext_lazy("Submit for review"), (State.DRAFT, State.CHANGES_REQUESTED, State.APPROVED),
         State.READY_FOR_REVIEW, needs_note=False, editors_only=False),
    Move("request_changes", gettext_lazy("Request changes"), (State.READY_FOR_REVIEW, State.APPROVED),
         State.CHANGES_REQUESTED, needs_note=True, editors_only=True),
    Move("approve", gettext_lazy("Approve"), (State.READY_FOR_REVIEW, State.CHANGES_REQUESTED),
         State.APPROVED, needs_note=False, editors_only=True),
)}


def may_make(user, move: Move, post: Post, *, may_change: bool) -> bool:
    """`may_change`: the admin's answer for this account and this post (writers: drafts only)."""
    return can_publish(user) if move.editors_only else may_change


def moves_for(user, post: Post, *, may_change: bool) -> list[Move]:
    """The moves this account may make on this post now, as the change page offers them."""
    if post.pk is None or post.status != Post.Status.DRAFT:
        return []
    return [move for move in MOVES.values()
            if post.editorial_state in move.sources and may_make(user, move, post, may_change=may_change)]


class Refused(Exception):
    """A move that cannot be made as asked: the message says why, in a sentence for the person."""


def make_move(post: Post, move: Move, user, note: str) -> EditorialEvent:
    """Moves the post and appends the event, in one transaction; the e-mail notice (blog/notices.py)
    goes once it is committed, so a refused or rolled-back move tells nobody.
    The post's row is locked while it is read and moved, so two editors acting at once cannot both win."""
    note = note.strip()
    if move.needs_note and not note:
        raise Refused(_("Say what should change: the writer reads your note."))
    if len(note) > NOTE_MAX:
        raise Refused(_("Keep the note under %(count)d characters.") % {"count": NOTE_MAX})
    with transaction.atomic():
        current = Post.objects.select_for_update().filter(pk=post.pk).values_list("editorial_state", "status").first()
        if current is None or current[1] != Post.Status.DRAFT or current[0] not in move.sources:
            raise Refused(refusal(move, current))
        Post.objects.filter(pk=post.pk).update(editorial_state=move.target)
        event = EditorialEvent.objects.create(post=post, actor=user, from_state=current[0], to_state=move.target,
                                              note=note)
        transaction.on_commit(lambda: notices.tell(event))
    return event


def refusal(move: Move, current: tuple[str, str] | None) -> str:
    if current is None:
        return _("This article no longer exists.")
    state, status = current
    if status != Post.Status.DRAFT:
        return _("This article is published or scheduled: only a draft goes through review. Unpublish it first.")
    return _("This article is “%(state)s” now, so “%(action)s” does not apply: reload the page to see where it "
             "stands.") % {"state": State(state).label, "action": move.label}
