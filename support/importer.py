"""Support's content: helplines.yaml, the crisis helplines shown on /help/."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.utils.text import slugify

from idare import snapshots
from idare.content import ContentError, Report, check_keys, records, sync, text_field, validate
from support import snapshot
from support.models import Helpline

HELPLINE_KEYS = {
    "name", "slug", "numbers", "urgency", "lead", "hours", "cost", "languages", "channels", "audience",
    "source", "last_verified_on", "verified_by", "active", "editor_note",
}
HELPLINE_REQUIRED = {"name", "numbers", "urgency", "hours", "cost", "audience", "source", "last_verified_on",
                     "verified_by"}


def content_steps(content_dir: Path) -> list:
    return [(content_dir / "helplines.yaml", _import_helplines)]


def _import_helplines(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    for number, record in enumerate(records(path, "helplines"), 1):
        where = f"helpline #{number}: "
        check_keys(record, HELPLINE_KEYS, HELPLINE_REQUIRED, where=where)
        if not isinstance(record["last_verified_on"], datetime.date):
            raise ContentError(f"{where}last_verified_on must be a date like 2026-11-26")
        if not isinstance(record.get("active", True), bool) or not isinstance(record["urgency"], int):
            raise ContentError(f"{where}active must be true or false and urgency a whole number")
        values = {key: text_field(record, key) for key in HELPLINE_KEYS - {"last_verified_on", "active", "urgency"}}
        helpline = Helpline(**values, urgency=record["urgency"], last_verified_on=record["last_verified_on"],
                            active=record.get("active", True))
        helpline.slug = helpline.slug or slugify(helpline.name)
        validate(helpline)
        sync("helpline", Helpline, helpline, sorted(HELPLINE_KEYS - {"slug"}), report, force=force)
    # Also when nothing changed: a fresh server gets its copy for /help/ and the 503 page.
    snapshots.refresh_on_commit(snapshot.NAME)
