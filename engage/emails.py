"""E-mails to the person who registered, and only to them. Neutral subjects (an inbox preview or
a shared screen reveals nothing about mental health), minimal content: when, the reference, and
a link to the page that shows the rest."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from engage.models import Registration
from engage.tokens import confirmation_path, registration_url

logger = logging.getLogger("engage.emails")


def send_after_commit(registration: Registration, kind: str) -> None:
    """`kind`: "request" (they registered: the link that confirms it), "confirmation" (they
    confirmed: a place or the waiting list) or "promotion" (a place came free for them)."""
    transaction.on_commit(lambda: _send(registration, kind))


def _send(registration: Registration, kind: str) -> None:
    context = {"registration": registration, "session": registration.session,
               "page_url": settings.SITE_URL + registration_url(registration),
               "help_url": settings.SITE_URL + "/help/"}
    subject = f"Your iDare registration {registration.reference}"
    if kind == "request":
        context.update(confirm_url=settings.SITE_URL + confirmation_path(registration),
                       confirm_hours=settings.IDARE_REGISTRATION_CONFIRM_HOURS)
        subject = _("Confirm your iDare registration %(reference)s") % {"reference": registration.reference}
    body = render_to_string(f"engage/email/{kind}.txt", context)
    try:
        send_mail(subject, body, None, [registration.email])
    except Exception as exc:  # noqa: BLE001 - the registration is kept either way; the page says what to do
        # The reference identifies the registration for staff; the address stays out of the log.
        logger.error("%s e-mail for %s not sent (%s)", kind, registration.reference, exc.__class__.__name__)
