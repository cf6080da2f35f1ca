"""Reading settings from the environment: one reader per kind of value, each refusing a bad value
with a sentence that names the variable and what it holds, rather than a traceback.

The parsers for rate limits and proxy ranges live here too, because settings check those values at
start-up and must not import app code to do it; `core.ratelimit` uses the same parsers at run time.
Nothing here imports Django's settings or any app."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ImproperlyConfigured

RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|sec|second|m|min|minute|h|hour|d|day)s?\s*$", re.I)
UNIT_SECONDS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
                "d": 86400, "day": 86400}

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


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


def parse_ranges(value: str) -> tuple[IPNetwork, ...]:
    """'10.0.0.0/8, 2001:db8::/32, 192.0.2.7' → networks; anything else is a ValueError naming it."""
    ranges = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            ranges.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"{item!r} is not an address or a range such as 10.0.0.0/8 or 2001:db8::/32") from None
    return tuple(ranges)


def env_bool(name: str, default: bool) -> bool:
    """Unset or blank is the default, so `FOO=` in a compose file means "as usual"."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if value.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_list(name: str, default: str) -> list[str]:
    """Comma-separated; blank items are dropped, so a trailing comma is harmless."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int, *, minimum: int = 0, unit: str = "") -> int:
    """A whole number of `unit` (days, bytes...), `minimum` or more."""
    value = os.environ.get(name, str(default))
    if not value.strip().isdecimal() or int(value) < minimum:
        of_unit = f" of {unit}" if unit else ""
        raise ImproperlyConfigured(f"{name} must be a whole number{of_unit} ({minimum} or more), not {value!r}")
    return int(value)


def env_seconds(name: str, default: float, *, zero: str = "for no limit") -> float:
    """A number of seconds, fractions allowed, 0 or more; `zero` says what 0 means for this one."""
    value = os.environ.get(name, str(default))
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise ImproperlyConfigured(f"{name} must be a number of seconds (0 {zero}), not {value!r}")
    return seconds


def env_rate(name: str, default: str) -> str:
    """Kept as written ("30/m"): the code applying the limit parses it again, from a cache."""
    value = os.environ.get(name, default)
    try:
        parse_rate(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc
    return value


def env_ranges(name: str, default: str = "") -> tuple[IPNetwork, ...]:
    try:
        return parse_ranges(os.environ.get(name, default))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc
