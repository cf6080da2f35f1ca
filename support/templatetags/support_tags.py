"""Support's pieces for other apps' templates: blog's article page and the project's error pages
load these instead of importing support's models."""

from django import template

from support.helpline_snapshot import active_helplines, summarize, with_status

register = template.Library()

HELP_BOX_LINES = 3
SENSITIVE_NOTE_LINES = 2  # 112 and Tele-MANAS: what a reader in danger needs, without a list to read


@register.inclusion_tag("support/_help_box.html")
def help_box(place: str = "") -> dict:
    """The article's help box: the most urgent lines (112 and Tele-MANAS first), from the snapshot,
    which every helpline edit rebuilds. `place` tells two boxes on one page apart (their ids)."""
    return {"helplines": active_helplines()[:HELP_BOX_LINES], "place": place}


@register.inclusion_tag("support/_sensitive_note.html")
def sensitive_note(note: str = "") -> dict:
    """A sensitive article's content note, before everything else in it: the editor's words (or a
    default), the two most urgent numbers to call, and the way to /help/."""
    return {"note": note, "helplines": active_helplines()[:SENSITIVE_NOTE_LINES]}


@register.inclusion_tag("support/_crisis_lines.html")
def crisis_lines() -> dict:
    """For the 503 page: never asks the database, which may be what is down. The page is never kept,
    so it can say which lines are open now."""
    return {"helplines": with_status(active_helplines(allow_database=False))}


@register.inclusion_tag("support/_help_tile.html")
def help_tile() -> dict:
    """The home page's "Get help now" tile, true to each line's hours and cost."""
    return {"summary": summarize(active_helplines())}


CRISIS_BUTTONS = 2


@register.inclusion_tag("support/_crisis_help.html")
def crisis_help() -> dict:
    """Help first, for a search that reads as a person in crisis: the two most urgent active lines as
    big call buttons (112 and Tele-MANAS while they are the most urgent), then the others. From the
    snapshot: no query, and still there while the database is down."""
    lines = sorted(active_helplines(), key=lambda line: line["urgency"])
    buttons = [line for line in lines if line["dial_links"]][:CRISIS_BUTTONS]
    return {
        "buttons": buttons,
        "others": [line for line in lines if line not in buttons],
        "free_now": bool(buttons) and all(line["round_the_clock"] and line["free_to_call"] for line in buttons),
    }
