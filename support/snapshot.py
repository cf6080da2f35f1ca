"""The active crisis helplines, kept outside the database (idare/snapshots.py) so that /help/, the
503 page and the articles' help box show every active number even while the database is down."""

from __future__ import annotations

import datetime
import re

from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save

from idare import snapshots
from support.models import Helpline

NAME = "helplines"
SHORT_NAME = re.compile(r"\s*\(.*\)\s*$")  # "Tele-MANAS (Ministry of …)" → "Tele-MANAS"


def build() -> list[dict]:
    return [
        {
            "name": line.name, "short_name": SHORT_NAME.sub("", line.name) or line.name,
            "slug": line.slug, "lead": line.lead, "urgency": line.urgency,
            "dial_links": [list(link) for link in line.dial_links], "hours": line.hours, "cost": line.cost,
            "round_the_clock": line.round_the_clock, "free_to_call": line.free_to_call,
            "languages": line.languages, "channels": line.channels, "audience": line.audience,
            "last_verified_on": line.last_verified_on.isoformat(), "verified_by": line.verified_by,
        }
        for line in Helpline.objects.active()
    ]


def active_helplines(*, allow_database: bool = True) -> list[dict]:
    """Every active helpline, most urgent first, from the snapshot. Empty only when there is no
    snapshot yet and the database may not be asked (or does not answer)."""
    try:
        lines = snapshots.get(NAME, allow_database=allow_database) or []
    except DatabaseError:
        return []
    return [{**line, "last_verified_on": datetime.date.fromisoformat(line["last_verified_on"])} for line in lines]


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
