"""Engage's content: engage/programmes.yaml, programmes with their sessions.

A seeded session is dated relative to the day of the import (`in_days` days later, at `at` in
its time zone), so seeded sessions are always in the future when they are imported. An import on
a later day moves an unedited seeded session to its new date; one an editor changed is kept."""

from __future__ import annotations

import datetime
import zoneinfo
from pathlib import Path

from django.utils import timezone

from core.content import ContentError, Report, check_keys, records, sync, text_field, validate
from engage.models import DEFAULT_TIME_ZONE, Programme, Session

PROGRAMME_KEYS = {"slug", "title", "kind", "summary", "description", "audience", "led_by", "cost", "example",
                  "listed", "sessions"}
PROGRAMME_REQUIRED = {"slug", "title", "kind", "summary", "description", "audience"}
PROGRAMME_FIELDS = ["title", "kind", "summary", "description", "audience", "led_by", "cost", "example", "listed"]
SESSION_KEYS = {"slug", "in_days", "at", "minutes", "time_zone", "mode", "place", "capacity", "example"}
SESSION_REQUIRED = {"slug", "in_days", "at", "minutes", "mode", "place", "capacity"}
SESSION_FIELDS = ["programme", "starts_at", "ends_at", "time_zone", "mode", "place", "capacity", "example"]


def content_steps(content_dir: Path) -> list:
    return [(content_dir / "engage" / "programmes.yaml", _import_programmes)]


def _import_programmes(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    for number, record in enumerate(records(path, "programmes"), 1):
        where = f"programme #{number}: "
        check_keys(record, PROGRAMME_KEYS, PROGRAMME_REQUIRED, where=where)
        flags = {key: _flag(record, key, default, where) for key, default in (("example", False), ("listed", True))}
        programme = Programme(**{key: text_field(record, key) for key in PROGRAMME_KEYS - {"example", "listed",
                                                                                          "sessions", "cost"}},
                              cost=text_field(record, "cost") or "Free", **flags)
        _validate(programme, where)
        sync("programme", Programme, programme, PROGRAMME_FIELDS, report, force=force)
        saved = Programme.objects.get(slug=programme.slug)
        sessions = record.get("sessions") or []
        if not isinstance(sessions, list) or not all(isinstance(s, dict) for s in sessions):
            raise ContentError(f"{where}sessions must be a list, each as 'key: value' lines")
        for index, session_record in enumerate(sessions, 1):
            _import_session(saved, session_record, report, force=force, where=f"{where}session #{index}: ")


def _import_session(programme: Programme, record: dict, report: Report, *, force: bool, where: str) -> None:
    check_keys(record, SESSION_KEYS, SESSION_REQUIRED, where=where)
    time_zone = text_field(record, "time_zone") or DEFAULT_TIME_ZONE
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ContentError(f"{where}time_zone {time_zone!r} is not a time zone such as Asia/Kolkata") from exc
    in_days, minutes, capacity = (_whole(record, key, where) for key in ("in_days", "minutes", "capacity"))
    if in_days < 1 or minutes < 1:
        raise ContentError(f"{where}in_days and minutes must be 1 or more: seeded sessions lie in the future")
    day = timezone.localdate(timezone=zone) + datetime.timedelta(days=in_days)
    starts_at = datetime.datetime.combine(day, _clock(record.get("at"), where), tzinfo=zone)
    session = Session(
        programme=programme, slug=text_field(record, "slug"), starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes), time_zone=time_zone,
        mode=text_field(record, "mode"), place=text_field(record, "place"), capacity=capacity,
        example=_flag(record, "example", programme.example, where),
    )
    _validate(session, where, exclude=["slug"])  # an existing seed slug is what sync looks for
    sync("session", Session, session, SESSION_FIELDS, report, force=force)


def _validate(instance, where: str, exclude=None) -> None:
    try:
        validate(instance, exclude=exclude)
    except ContentError as exc:
        raise ContentError(f"{where}{exc}") from exc


def _flag(record: dict, key: str, default: bool, where: str) -> bool:
    value = record.get(key, default)
    if not isinstance(value, bool):
        raise ContentError(f"{where}{key} must be true or false")
    return value


def _whole(record: dict, key: str, where: str) -> int:
    value = record.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ContentError(f"{where}{key} must be a whole number")
    return value


def _clock(value, where: str) -> datetime.time:
    """'18:30'. (YAML 1.1 reads an unquoted 18:30 as the number 1110: that is accepted too.)"""
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value // 60}:{value % 60:02d}"
    try:
        return datetime.datetime.strptime(str(value), "%H:%M").time()
    except ValueError as exc:
        raise ContentError(f"{where}at must be a time of day like \"18:30\"") from exc
