"""The desk: what needs the signed-in person now, by role. Editors see what is ready for review;
writers, the changes asked of them; editors and clinical reviewers, the sensitive articles whose
review is missing, out of date or overdue; everyone, what is scheduled over the next seven days.

One query per section, whatever the number of articles (the page is checked for it)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.forms import can_publish
from blog.models import ARTICLE_TEXTS, EditorialEvent, Post

State = Post.EditorialState
CALENDAR_DAYS = 7


@dataclass
class Section:
    key: str
    title: str
    empty: str
    posts: list = field(default_factory=list)


@dataclass
class Day:
    day: datetime.date
    posts: list


def _latest_move(to_state: str, value: str) -> Subquery:
    events = EditorialEvent.objects.filter(post=OuterRef("pk"), to_state=to_state, publication="")
    events = events.order_by("-at", "-pk")
    return Subquery(events.values(value)[:1])


def _drafts(state: str):
    return (Post.objects.filter(status=Post.Status.DRAFT, editorial_state=state).defer(*ARTICLE_TEXTS)
            .annotate(moved_at=_latest_move(state, "at"), moved_by=_latest_move(state, "actor__username"),
                      submitted_by_id=_latest_move(State.READY_FOR_REVIEW, "actor_id"))
            .order_by("moved_at", "pk"))


def sections_for(user) -> list[Section]:
    """The lists that concern this account, in the order it works through them."""
    sections = []
    if can_publish(user):
        sections.append(Section("ready", _("Ready for review"), _("Nothing is waiting for your review."),
                                list(_drafts(State.READY_FOR_REVIEW))))
    if user.has_perm("blog.change_post"):
        sections.append(Section(
            "changes", _("Changes requested on articles you submitted"),
            _("No editor is waiting for changes from you."),
            list(_drafts(State.CHANGES_REQUESTED).filter(submitted_by_id=user.pk))))
    if can_publish(user) or user.has_perm("blog.add_review"):
        sections += clinical_sections()
    return sections


def clinical_sections() -> list[Section]:
    """Sensitive articles whose clinical review needs someone, from one query: no review yet, a
    review that no longer covers the article (its text changed, or its reviewer is no longer
    active), or a current review whose next check is overdue."""
    today = timezone.localdate()
    awaiting = Section("awaiting", _("Awaiting clinical review"), _("Every sensitive article has a review."))
    out_of_date = Section("out-of-date", _("Review out of date"), _("No review is out of date."))
    overdue = Section("overdue", _("Overdue reviews"), _("No review is overdue."))
    posts = (Post.objects.with_review_dates().filter(sensitive=True)
             .filter(Q(review_current=False) | Q(next_review_due__lt=today)).defer(*ARTICLE_TEXTS)
             .order_by("next_review_due", "updated_at", "pk"))
    for post in posts:
        if post.last_reviewed_on is None:
            awaiting.posts.append(post)
        elif not post.review_current:
            post.why = (_("its text changed after the review") if post.changed_since_review
                        else _("its reviewer is no longer active"))
            out_of_date.posts.append(post)
        else:
            overdue.posts.append(post)
    return [awaiting, out_of_date, overdue]


def scheduled_days(days: int = CALENDAR_DAYS) -> list[Day]:
    """The next `days` days from today, each with the articles scheduled to appear on it (in the
    site's time zone), an empty day included: a calendar read down the page."""
    today = timezone.localdate()
    end = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time()))
    posts = Post.objects.scheduled().filter(published_at__lt=end).defer(*ARTICLE_TEXTS).order_by("published_at", "pk")
    calendar = [Day(today + datetime.timedelta(days=n), []) for n in range(days)]
    for post in posts:
        calendar[(timezone.localdate(post.published_at) - today).days].posts.append(post)
    return calendar
