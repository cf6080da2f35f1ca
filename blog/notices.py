"""E-mail notices of the review (blog/workflow.py): what waits for whom, as a link to the admin only.

No title, no text and no note goes into a mail: an inbox preview, a shared screen or a forwarded
message shows nothing of an article that may be about suicide or abuse, and the admin asks for a
sign-in before it shows anything."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy

from blog.models import EditorialEvent, Post, ReviewerProfile

logger = logging.getLogger(__name__)
State = Post.EditorialState


def last_submitter(post: Post):
    event = (EditorialEvent.objects.filter(post=post, to_state=State.READY_FOR_REVIEW).select_related("actor")
             .order_by("-at", "-pk").first())
    return event.actor if event else None


def editors_addresses() -> list[str]:
    """Active staff who take publishing decisions (the Editor role, or superusers)."""
    editors = get_user_model().objects.with_perm("blog.publish_post", is_active=True, include_superusers=True,
                                                 backend="django.contrib.auth.backends.ModelBackend")
    return sorted(set(editors.filter(is_staff=True).exclude(email="").values_list("email", flat=True)))


def reviewers_addresses() -> list[str]:
    """Active accounts with an active reviewer profile: those who can record a clinical review."""
    profiles = ReviewerProfile.objects.filter(active=True, user__is_active=True).exclude(user__email="")
    return sorted(set(profiles.values_list("user__email", flat=True)))


NEEDS_CLINICAL_REVIEW = (gettext_lazy("A sensitive article awaits your clinical review"),
                         "blog/email/awaiting_clinical_review.txt")
NOTICES = {
    State.READY_FOR_REVIEW: (gettext_lazy("An article is ready for your review"), "blog/email/ready_for_review.txt"),
    State.CHANGES_REQUESTED: (gettext_lazy("An editor asked for changes to your article"),
                              "blog/email/changes_requested.txt"),
    State.APPROVED: (gettext_lazy("An editor approved your article"), "blog/email/approved.txt"),
}


def tell(event: EditorialEvent) -> None:
    """A notice of what waits for whom: editors when a draft is submitted (and clinical reviewers,
    when it is a sensitive article no current review covers), the writer who last submitted it when
    an editor answers. A link to the admin only: no title, no text, no note (an inbox preview or a
    forwarded mail shows nothing of the article)."""
    actor_address = event.actor.email if event.actor else None
    if event.to_state == State.READY_FOR_REVIEW:
        send(NOTICES[event.to_state], event, [a for a in editors_addresses() if a != actor_address])
        post = event.post
        if post.sensitive and post.current_review() is None:
            send(NEEDS_CLINICAL_REVIEW, event, [a for a in reviewers_addresses() if a != actor_address])
        return
    writer = last_submitter(event.post)
    if writer is not None and writer.email and writer != event.actor:
        send(NOTICES[event.to_state], event, [writer.email])


def send(notice: tuple, event: EditorialEvent, recipients: list[str]) -> None:
    if not recipients:
        return
    subject, template = notice
    admin_url = settings.SITE_URL + reverse("admin:blog_post_change", args=[event.post_id])
    body = render_to_string(template, {"admin_url": admin_url})
    try:
        send_mail(str(subject), body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception as exc:  # noqa: BLE001 - the move is made either way; the desk shows it
        logger.error("Could not send the review notice (%s).", exc.__class__.__name__)
