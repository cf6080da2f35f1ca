"""The active crisis helplines, kept outside the database (core/snapshots.py) so that /help/, the
503 page and the articles' help box show every active number even while the database is down."""

from __future__ import annotations

import datetime
import re

from django.db import DatabaseError
from django.db.models import Prefetch
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from core import snapshots
from support import hours
from support.models import Helpline, HelplineChannel, OpeningPeriod

NAME = "helplines"
SHORT_NAME = re.compile(r"\s*\(.*\)\s*$")  # "Tele-MANAS (Ministry of …)" → "Tele-MANAS"


def build() -> list[dict]:
    return [
        {
            "name": line.name, "short_name": SHORT_NAME.sub("", line.name) or line.name,
            "slug": line.slug, "lead": line.lead, "urgency": line.urgency,
            "dial_links": [list(link) for link in line.dial_links], "hours": line.hours, "cost": line.cost,
            "round_the_clock": line.round_the_clock, "periods": [period.as_data() for period in line.periods.all()],
            "free_to_call": line.free_to_call,
            "languages": line.languages, "language_names": [language.name for language in line.served_languages.all()],
            "channel_note": line.channel_note, "channels": [channel.as_data() for channel in line.channels.all()],
            "audience": line.audience,
            "last_verified_on": line.last_verified_on.isoformat(), "verified_by": line.verified_by,
        }
        for line in Helpline.objects.active().prefetch_related(
            "periods", "served_languages", Prefetch("channels", HelplineChannel.objects.filter(active=True)),
        )
    ]


def active_helplines(*, allow_database: bool = True) -> list[dict]:
    """Every active helpline, most urgent first, from the snapshot. Empty only when there is no
    snapshot yet and the database may not be asked (or does not answer)."""
    try:
        lines = snapshots.get(NAME, allow_database=allow_database) or []
    except DatabaseError:
        return []
    return [{**line, "last_verified_on": datetime.date.fromisoformat(line["last_verified_on"])} for line in lines]


def with_status(lines: list[dict], now=None) -> list[dict]:
    """Each line with `status` (open now or not, and until when: support.hours) at `now`, and
    `silent_channels`, the ways to reach it without speaking."""
    now = now or timezone.now()
    today = now.astimezone(hours.INDIA).date()
    annotated = []
    for line in lines:
        status = hours.status_at(line, now)
        annotated.append({
            **line, "status": status,
            # "today" holds until the change itself, which is as long as a copy of the page is kept
            "changes_today": status.changes_at is not None and status.changes_at.date() == today,
            "silent_channels": [channel for channel in line.get("channels", []) if channel["silent"]],
        })
    return annotated


def next_change(lines: list[dict]):
    """When the first of these lines opens or closes (lines from `with_status`)."""
    return hours.next_change([line["status"] for line in lines])


def summarize(lines: list[dict]) -> dict:
    """What is true of the lines together, said from their own hours and costs."""
    return {
        "round_the_clock": [line for line in lines if line["round_the_clock"]],
        "set_hours": [line for line in lines if not line["round_the_clock"]],
        "free": [line for line in lines if line["free_to_call"]],
        "charged": [line for line in lines if not line["free_to_call"]],
        "free_now": [line for line in lines if line["round_the_clock"] and line["free_to_call"]],
    }


def _changed(sender, **kwargs) -> None:
    snapshots.refresh_on_commit(NAME)


def connect() -> None:
    snapshots.register(NAME, build)
    post_save.connect(_changed, sender=Helpline, dispatch_uid="support.helplines.saved")
    post_delete.connect(_changed, sender=Helpline, dispatch_uid="support.helplines.deleted")
    for model in (OpeningPeriod, HelplineChannel):
        post_save.connect(_changed, sender=model, dispatch_uid=f"support.helplines.{model.__name__}.saved")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"support.helplines.{model.__name__}.deleted")
    m2m_changed.connect(_changed, sender=Helpline.served_languages.through, dispatch_uid="support.helplines.langs")
