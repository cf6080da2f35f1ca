"""What happens to an enquiry or a contact message once it is sent: the private links the person
gets (a confirmation page and a way to withdraw), the e-mails, and deletion after the retention
period.

Nothing a person typed ever goes into a URL, a log line or a staff e-mail: links carry a signed
reference, staff are sent a link to the admin, and the person's own confirmation has a neutral
subject and repeats nothing they wrote."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from support.models import ContactMessage, Enquiry, Inbound, ReplyBy, SupportText

logger = logging.getLogger(__name__)

CONFIRMATION_PAGE_MAX_AGE = 60 * 60  # the thank-you page's link works for an hour
NEUTRAL_SUBJECT = "We have received your message"


@dataclass(frozen=True)
class Kind:
    """One kind of thing people send us, and the names its pages and permission go by."""

    model: type[Inbound]
    noun: str  # "enquiry"
    a_noun: str  # "an enquiry"
    permission: str  # "support.handle_enquiry"
    received_url: str  # URL names: the confirmation page, withdrawing, and the page after it
    withdraw_url: str
    withdrawn_url: str

    def signer_salt(self, purpose: str) -> str:
        return f"support.{self.model._meta.model_name}.{purpose}"


ENQUIRY = Kind(Enquiry, "enquiry", "an enquiry", "support.handle_enquiry", "support:enquiry_received",
               "support:enquiry_withdraw", "support:enquiry_withdrawn")
CONTACT = Kind(ContactMessage, "message", "a message", "support.handle_contact_message", "contact:received",
               "contact:withdraw", "contact:withdrawn")


# --- private links ------------------------------------------------------------------------------

def confirmation_path(kind: Kind, record: Inbound) -> str:
    token = signing.dumps(record.reference, salt=kind.signer_salt("received"))
    return reverse(kind.received_url, args=[token])


def withdraw_path(kind: Kind, record: Inbound) -> str:
    token = signing.dumps(record.reference, salt=kind.signer_salt("withdraw"))
    return reverse(kind.withdraw_url, args=[token])


def from_token(kind: Kind, token: str, purpose: str, max_age: int | None = None) -> Inbound | None:
    """The record a signed link names; None when the link is forged, expired or its record gone."""
    try:
        reference = signing.loads(token, salt=kind.signer_salt(purpose), max_age=max_age)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(reference, str):
        return None
    return kind.model.objects.filter(reference=reference).first()


# --- e-mails ------------------------------------------------------------------------------------

def staff_with_permission(permission: str):
    """Active staff who may read this kind of record: given the permission, through a group, or superusers."""
    app_label, codename = permission.split(".")
    granted = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label) | Q(
        groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label
    )
    return get_user_model().objects.filter(Q(is_superuser=True) | granted, is_active=True, is_staff=True).distinct()


def staff_addresses(permission: str) -> list[str]:
    return sorted(set(staff_with_permission(permission).exclude(email="").values_list("email", flat=True)))


def _send(subject: str, template: str, context: dict, recipients: list[str], what: str) -> bool:
    """Sends one plain-text e-mail. A failure is logged by its kind only (an SMTP error can quote the
    address) and never reaches the person, whose record is already safe."""
    if not recipients:
        logger.warning("No one to send the %s to.", what)
        return False
    body = render_to_string(template, {"SITE_URL": settings.SITE_URL, **context})
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception as exc:  # noqa: BLE001 - any mail failure: the record is stored, staff see it in the admin
        logger.error("Could not send the %s (%s).", what, exc.__class__.__name__)
        return False
    return True


def tell_staff(kind: Kind, record: Inbound) -> None:
    admin_url = settings.SITE_URL + reverse(
        f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk]
    )
    _send(f"New {kind.noun} received", "support/email/staff_new.txt", {"kind": kind, "admin_url": admin_url},
          staff_addresses(kind.permission), f"staff notice of {kind.a_noun}")


def tell_staff_withdrawn(kind: Kind, reference: str) -> None:
    _send(f"{kind.a_noun.capitalize()} was withdrawn",
          "support/email/staff_withdrawn.txt", {"kind": kind, "reference": reference},
          staff_addresses(kind.permission), f"staff notice of a withdrawal of {kind.a_noun}")


def confirm_to_sender(kind: Kind, record: Inbound) -> None:
    """Only to an e-mail address the person chose as their way to hear from us."""
    if record.reply_by != ReplyBy.EMAIL or not record.email:
        return
    next_steps = SupportText.for_places(SupportText.Place.NEXT_STEPS).get(SupportText.Place.NEXT_STEPS)
    _send(NEUTRAL_SUBJECT, "support/email/confirmation.txt",
          {"kind": kind, "reference": record.reference, "withdraw_url": settings.SITE_URL + withdraw_path(kind, record),
           "next_steps": next_steps if kind is ENQUIRY else None},
          [record.email], f"confirmation of {kind.a_noun}")


# --- retention ----------------------------------------------------------------------------------

def purge_closed(retention_days: int) -> dict[str, int]:
    """Deletes enquiries and messages closed more than `retention_days` ago; counts per kind."""
    counts = {}
    for kind in (ENQUIRY, CONTACT):
        _, deleted = kind.model.objects.purgeable(retention_days).delete()
        counts[kind.noun] = deleted.get(kind.model._meta.label, 0)
    return counts
