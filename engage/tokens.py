"""Signed links to one registration: its confirmation page, calendar file and cancellation.

The token is the reference signed with the site's secret, so it cannot be guessed or altered, and
it travels in the query string, which the access log leaves out."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

SALT = "engage.registration"


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
