"""Signed links to one registration: its page, calendar file and cancellation, and the link in the
first e-mail that confirms it.

The registration's token is the reference signed with the site's secret, so it cannot be guessed or
altered, and it travels in the query string, which the access log leaves out. The confirmation
token is signed with a salt of its own (a registration's page never confirms anything) and travels
in the path, as `<token>`, which every log redacts (serving.logging_privacy)."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

SALT = "engage.registration"
CONFIRM_SALT = "engage.registration.confirm"


def token_for(reference: str) -> str:
    return signing.Signer(salt=SALT).sign(reference)


def reference_from(token: str) -> str | None:
    """The reference in a genuine token; None for anything else."""
    try:
        return signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None


def registration_url(registration, view: str = "engage:registration") -> str:
    return f"{reverse(view)}?token={token_for(registration.reference)}"


def confirmation_path(registration) -> str:
    """The e-mail's link: the reference and the session (so an expired link can still offer that
    session's form), signed."""
    token = signing.Signer(salt=CONFIRM_SALT).sign(f"{registration.reference}.{registration.session_id}")
    return reverse("engage:confirm", args=[token])


def confirmation_from(token: str) -> tuple[str, int] | None:
    """(reference, session id) from a genuine confirmation token; None for anything else."""
    try:
        reference, _, session_id = signing.Signer(salt=CONFIRM_SALT).unsign(token).rpartition(".")
    except signing.BadSignature:
        return None
    return (reference, int(session_id)) if reference and session_id.isdigit() else None
