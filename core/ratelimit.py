"""Rate limits per visitor network, shared by every worker and server.

A visitor's network is never stored: requests are counted under an HMAC of it, keyed with a salt
that changes every day and is deleted the day after. Counters live in the database (one upsert per
counted request), so several gunicorn workers or app servers enforce one limit together, whatever
the cache is."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import re
import secrets
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, connection, transaction

# Settings check rates and proxy ranges at start-up with these same parsers, and settings may not
# import app code; the apps keep importing them from here.
from idare.env import Rate, parse_ranges, parse_rate  # noqa: F401

if TYPE_CHECKING:
    from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# "203.0.113.7:4711" and "[2001:db8::7]:443": some load balancers append the peer's port too.
WITH_PORT = re.compile(r"^\[(?P<v6>[0-9a-fA-F:.]+)\](?::\d+)?$|^(?P<v4>[0-9.]+):\d+$")


def _address(entry: str) -> IPAddress | None:
    entry = entry.strip()
    if match := WITH_PORT.match(entry):
        entry = match.group("v6") or match.group("v4")
    try:
        ip = ipaddress.ip_address(entry)
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:  # ::ffff:192.0.2.7 is 192.0.2.7, from a dual-stack socket
        return ip.ipv4_mapped
    return ip


def client_address(request: HttpRequest) -> IPAddress | None:
    """Who sent the request, as far as the proxies we trust (IDARE_TRUSTED_PROXY_RANGES) can tell.

    The connecting address, unless it is a trusted proxy: then X-Forwarded-For from the right, each
    entry being what the trusted hop to its right saw connecting to it, until the first address
    outside the trusted ranges. Anything left of that was written by the client and is ignored, so a
    client cannot choose its network. An entry that is not an address ends the walk at the trusted
    hop that passed it on (and so does a chain of trusted addresses only): junk in the header lands
    a client in that proxy's bucket, shared with everyone else who sends junk, never in a fresh one."""
    trusted = settings.IDARE_TRUSTED_PROXY_RANGES
    client = _address(request.META.get("REMOTE_ADDR", ""))
    if client is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for entry in reversed(forwarded):
        if not any(client in network for network in trusted):
            break
        claimed = _address(entry)
        if claimed is None:
            break
        client = claimed
    return client


def client_network(request: HttpRequest) -> str:
    """The visitor's network: the client's address as a /32 for IPv4 and a /64 for IPv6, where one
    household or phone usually holds a whole /64."""
    ip = client_address(request)
    if ip is None:
        return "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def network_key(request: HttpRequest) -> str:
    network = client_network(request)
    return hmac.new(_salt_for(datetime.now(UTC).date()).encode(), network.encode(), hashlib.sha256).hexdigest()[:32]


def _salt_for(day) -> str:
    """The day's salt, made by whichever process needs it first; older salts are deleted with it."""
    from core.models import DailySalt  # here, not at the top: settings import this module to check rates

    salt = DailySalt.objects.filter(day=day).values_list("salt", flat=True).first()
    if salt is None:
        try:
            with transaction.atomic():
                salt = DailySalt.objects.create(day=day, salt=secrets.token_hex(32)).salt
            DailySalt.objects.filter(day__lt=day).delete()
        except IntegrityError:  # another process made it a moment ago
            salt = DailySalt.objects.get(day=day).salt
    return salt


def clock() -> float:
    """Seconds since the epoch: the one clock every window reads (a test moves it to a later hour)."""
    return time.time()


def over_limit(request: HttpRequest, scope: str, rate: Rate | None) -> int | None:
    """Count this request against `scope`; None when it is allowed, else the seconds to wait."""
    if rate is None:
        return None
    return count_hit(scope, network_key(request), rate)


def count_hit(scope: str, bucket: str, rate: Rate) -> int | None:
    """One more hit for `bucket` in the current window; None while within the rate, else the seconds
    until the window ends."""
    now = clock()
    hits = _hit(scope, bucket, rate, now)
    return _seconds_left(rate, now) if hits > rate.limit else None


def within_allowance(scope: str, network: str, rate: Rate | None) -> bool:
    """Takes one of `network`'s (a network_key) allowance in `scope` for this window: False once it
    is used up. For counts that stay honest (upvotes, shares, registrations of one thing), where the
    request is still answered but what it adds is bounded. The upsert is atomic, so simultaneous
    requests never take more than the allowance between them."""
    return rate is None or _hit(scope, network, rate, clock()) <= rate.limit


def period_words(rate: Rate) -> str:
    """The rate's window in words for a sentence: "a day", "every 2 hours"."""
    from django.utils.translation import gettext as _

    for seconds, one, many in ((86400, _("a day"), _("every %(n)d days")), (3600, _("an hour"), _("every %(n)d hours")),
                               (60, _("a minute"), _("every %(n)d minutes"))):
        if rate.period % seconds == 0:
            count = rate.period // seconds
            return one if count == 1 else many % {"n": count}
    return _("every %(n)d seconds") % {"n": rate.period}


def wait_words(seconds: int) -> str:
    """How long until a window ends, rounded for a person: "about 5 minutes", "about 3 hours"."""
    from django.utils.translation import ngettext

    minutes = max(1, round(seconds / 60))
    if minutes < 90:
        return ngettext("about %(n)d minute", "about %(n)d minutes", minutes) % {"n": minutes}
    hours = round(minutes / 60)
    return ngettext("about %(n)d hour", "about %(n)d hours", hours) % {"n": hours}


def _window_start(rate: Rate, now: float) -> int:
    return int(now // rate.period * rate.period)


def _seconds_left(rate: Rate, now: float) -> int:
    """Until the window holding `now` ends: what Retry-After and the paused pages say."""
    return max(1, math.ceil(_window_start(rate, now) + rate.period - now))


def _hit(scope: str, bucket: str, rate: Rate, now: float) -> int:
    """One more hit for `bucket` in the window holding `now`; the window's hits so far."""
    from core.models import RateLimitCounter

    window_start = _window_start(rate, now)
    expires_at = datetime.fromtimestamp(window_start + rate.period, UTC)
    table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, bucket, window_start, hits, expires_at) VALUES (%s, %s, %s, 1, %s) "
            f"ON CONFLICT (scope, bucket, window_start) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [scope, bucket, window_start, expires_at],
        )
        hits = cursor.fetchone()[0]
    if hits == 1:  # a new window began: a cheap moment to clear the ones that ended
        RateLimitCounter.objects.filter(expires_at__lt=datetime.fromtimestamp(now - 1, UTC)).delete()
    return hits


def window_full(scope: str, bucket: str, rate: Rate) -> int | None:
    """Whether `bucket` has used up the current window, without counting a hit: None when not, else
    the seconds until the window ends."""
    from core.models import RateLimitCounter

    now = clock()
    hits = RateLimitCounter.objects.filter(scope=scope, bucket=bucket, window_start=_window_start(rate, now)) \
        .values_list("hits", flat=True).first() or 0
    return _seconds_left(rate, now) if hits >= rate.limit else None
