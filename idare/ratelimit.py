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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, connection, transaction

if TYPE_CHECKING:
    from django.http import HttpRequest

RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|sec|second|m|min|minute|h|hour|d|day)s?\s*$", re.I)
UNIT_SECONDS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
                "d": 86400, "day": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds


@lru_cache(maxsize=32)
def parse_rate(value: str) -> Rate | None:
    """'30/m', '10/hour', '100/5m' → Rate; 'off' → None (no limit). Anything else is a ValueError."""
    if value.strip().lower() in ("off", "none", "0"):
        return None
    match = RATE.match(value)
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"a rate looks like 30/m, 10/hour or off, not {value!r}")
    multiple = int(match.group(2) or 1)
    return Rate(int(match.group(1)), multiple * UNIT_SECONDS[match.group(3).lower()])


def client_network(request: HttpRequest) -> str:
    """The visitor's network: the address the trusted proxies saw (IDARE_TRUSTED_PROXIES of them
    append to X-Forwarded-For), as a /32 for IPv4 and a /64 for IPv6, where one household or phone
    usually holds a whole /64."""
    hops = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    chain = hops + [request.META.get("REMOTE_ADDR", "")]
    trusted = settings.IDARE_TRUSTED_PROXIES
    address = chain[-(trusted + 1)] if len(chain) > trusted else chain[0]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def network_key(request: HttpRequest) -> str:
    network = client_network(request)
    return hmac.new(_salt_for(datetime.now(UTC).date()).encode(), network.encode(), hashlib.sha256).hexdigest()[:32]


def _salt_for(day) -> str:
    """The day's salt, made by whichever process needs it first; older salts are deleted with it."""
    from idare.models import DailySalt  # here, not at the top: settings import this module to check rates

    salt = DailySalt.objects.filter(day=day).values_list("salt", flat=True).first()
    if salt is None:
        try:
            with transaction.atomic():
                salt = DailySalt.objects.create(day=day, salt=secrets.token_hex(32)).salt
            DailySalt.objects.filter(day__lt=day).delete()
        except IntegrityError:  # another process made it a moment ago
            salt = DailySalt.objects.get(day=day).salt
    return salt


def over_limit(request: HttpRequest, scope: str, rate: Rate | None) -> int | None:
    """Count this request against `scope`; None when it is allowed, else the seconds to wait."""
    if rate is None:
        return None
    now = time.time()
    hits, window_start = _hit(scope, network_key(request), rate, now)
    if hits > rate.limit:
        return max(1, math.ceil(window_start + rate.period - now))
    return None


def within_allowance(scope: str, network: str, rate: Rate | None) -> bool:
    """Takes one of `network`'s (a network_key) allowance in `scope` for this window: False once it
    is used up. For counts that stay honest (upvotes, shares, registrations of one thing), where the
    request is still answered but what it adds is bounded. The upsert is atomic, so simultaneous
    requests never take more than the allowance between them."""
    return rate is None or _hit(scope, network, rate, time.time())[0] <= rate.limit


def _hit(scope: str, bucket: str, rate: Rate, now: float) -> tuple[int, int]:
    from idare.models import RateLimitCounter

    window_start = int(now // rate.period * rate.period)
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
        RateLimitCounter.objects.filter(expires_at__lt=datetime.now(UTC) - timedelta(seconds=1)).delete()
    return hits, window_start
