"""E-mails to the person who registered, and only to them. Neutral subjects (an inbox preview or
a shared screen reveals nothing about mental health), minimal content: when, the reference, and
a link to the page that shows the rest."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from engage.models import Registration
from engage.tokens import registration_url

logger = logging.getLogger("engage.emails")


def send_after_commit(registration: Registration, kind: str) -> None:
    """`kind`: "confirmation" (they registered) or "promotion" (a place came free for them)."""
    transaction.on_commit(lambda: _send(registration, kind))


def _send(registration: Registration, kind: str) -> None:
    context = {"registration": registration, "session": registration.session,
               "page_url": settings.SITE_URL + registration_url(registration),
               "help_url": settings.SITE_URL + "/help/"}
    subject = f"Your iDare registration {registration.reference}"
    body = render_to_string(f"engage/email/{kind}.txt", context)
    try:
        send_mail(subject, body, None, [registration.email])
    except Exception as exc:  # noqa: BLE001 - the place is held either way; the page shows everything
        # The reference identifies the registration for staff; the address stays out of the log.
        logger.error("%s e-mail for %s not sent (%s)", kind, registration.reference, exc.__class__.__name__)
