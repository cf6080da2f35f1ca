"""Who a voter is: a random 128-bit id in a signed first-party cookie, set on a first vote only.

The database never sees the id itself, only a keyed hash of it, so the rows cannot be matched to
a browser's cookie without the site's secret key."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

VOTER_COOKIE = "idare_voter"
SIGNING_SALT = "idare.voter-cookie"
ONE_YEAR = 365 * 24 * 60 * 60
VISITOR_ID = re.compile(r"^[0-9a-f]{32}$")


def voter_of(request: HttpRequest) -> str | None:
    """This visitor's id, or None for a visitor who never voted. A cookie that was tampered with,
    expired or is plain garbage counts as no cookie: a new visitor, never an error."""
    value = request.get_signed_cookie(VOTER_COOKIE, default=None, salt=SIGNING_SALT, max_age=ONE_YEAR)
    return value if value and VISITOR_ID.match(value) else None


def voter_key(visitor: str | None) -> str | None:
    if visitor is None:
        return None
    return salted_hmac("idare.voter-key", visitor, algorithm="sha256").hexdigest()


def remember_voter(request: HttpRequest, response: HttpResponse, visitor: str) -> None:
    response.set_signed_cookie(
        VOTER_COOKIE, visitor, salt=SIGNING_SALT, max_age=ONE_YEAR, httponly=True, samesite="Lax",
        secure=request.is_secure(),
    )
