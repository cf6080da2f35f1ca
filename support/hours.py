"""Whether a helpline is open at a given moment, and when that next changes.

Pure functions over the hours as the snapshot keeps them (plain data, so that /help/ and the 503
page compute them while the database is down): `{"round_the_clock": bool, "periods": [{"days":
[0..6], "opens": "HH:MM", "closes": "HH:MM"}]}`, Monday being 0 and times in India's time zone. A
period whose closing time is not after its opening time ends the next day (22:00 to 02:00)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

INDIA = ZoneInfo("Asia/Kolkata")
WEEK = 7 * 24 * 3600


@dataclass(frozen=True)
class Status:
    """`open` is None when the hours are not known: then the page claims neither."""

    open: bool | None
    changes_at: datetime.datetime | None = None  # the next opening or closing, in India's time

    @property
    def known(self) -> bool:
        return self.open is not None


UNKNOWN = Status(None)
ALWAYS = Status(True)


def _seconds(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def weekly_intervals(periods: list[dict]) -> list[tuple[int, int]]:
    """Each period as [start, end) in seconds from Monday 00:00, merged where they touch or overlap,
    so that one period closing at 20:00 and the next opening at 20:00 read as one stretch."""
    spans = []
    for period in periods:
        opens, closes = _seconds(period["opens"]), _seconds(period["closes"])
        length = closes - opens if closes > opens else closes + 24 * 3600 - opens
        for day in period["days"]:
            start = day * 24 * 3600 + opens
            spans.append((start, start + length))
    # The week repeats: a span that runs past Sunday midnight also covers the start of the week.
    spans += [(start - WEEK, end - WEEK) for start, end in spans if end > WEEK]
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def status_at(hours: dict, now: datetime.datetime) -> Status:
    if hours.get("round_the_clock"):
        return ALWAYS
    intervals = weekly_intervals(hours.get("periods") or [])
    if not intervals:
        return UNKNOWN
    local = now.astimezone(INDIA)
    week_start = (local - datetime.timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0,
                                                                            microsecond=0)
    position = (local - week_start).total_seconds()
    # This week's spans and next week's: the next boundary may be in either.
    spans = [(start + shift, end + shift) for shift in (0, WEEK) for start, end in intervals]
    for start, end in spans:
        if start <= position < end:
            if end - start >= WEEK:  # periods that cover the whole week
                return ALWAYS
            return Status(True, week_start + datetime.timedelta(seconds=end))
    start = min(start for start, _ in spans if start > position)
    return Status(False, week_start + datetime.timedelta(seconds=start))


def next_change(statuses: list[Status]) -> datetime.datetime | None:
    """The first moment at which any of these would read differently."""
    return min((status.changes_at for status in statuses if status.changes_at is not None), default=None)
