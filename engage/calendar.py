"""An iCalendar (RFC 5545) file for one confirmed place: UTC times, so every calendar program
shows the session at the right moment wherever it is opened."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from engage.models import Registration

MAX_LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """TEXT values: backslash, semicolon and comma are escaped, line breaks become \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on lines that start with a space, never inside a character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        limit = MAX_LINE_OCTETS if not parts else MAX_LINE_OCTETS - 1  # continuation lines start with a space
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_file(registration: Registration) -> str:
    """Calendars are often shared or synced, so the file carries no link that can change the
    registration: only the programme's public page and the reference."""
    session = registration.session
    programme = session.programme
    page_url = settings.SITE_URL + programme.get_absolute_url()
    description = (
        f"{programme.summary}\n\n{session.get_mode_display()}: {session.place}\n"
        f"Your reference: {registration.reference}. To cancel, use the link in your confirmation e-mail.\n\n"
        f"iDare is not an emergency service. If you need to talk to someone now: {settings.SITE_URL}/help/"
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//iDare//Engage//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{registration.reference}@{urlsplit(settings.SITE_URL).hostname}",
        f"DTSTAMP:{utc(timezone.now())}",
        f"DTSTART:{utc(session.starts_at)}",
        f"DTEND:{utc(session.ends_at)}",
        f"SUMMARY:{escape_text(programme.title)}",
        f"LOCATION:{escape_text(session.place)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{page_url}",
        "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
