"""Support's pieces for other apps' templates: blog's article page and the project's error pages
load these instead of importing support's models."""

from django import template

from support.snapshot import active_helplines, summarize, with_status

register = template.Library()

HELP_BOX_LINES = 3


@register.inclusion_tag("support/_help_box.html")
def help_box() -> dict:
    """The article's help box: the most urgent lines (112 and Tele-MANAS first), from the snapshot,
    which every helpline edit rebuilds."""
    return {"helplines": active_helplines()[:HELP_BOX_LINES]}


@register.inclusion_tag("support/_crisis_lines.html")
def crisis_lines() -> dict:
    """For the 503 page: never asks the database, which may be what is down. The page is never kept,
    so it can say which lines are open now."""
    return {"helplines": with_status(active_helplines(allow_database=False))}


@register.inclusion_tag("support/_help_tile.html")
def help_tile() -> dict:
    """The home page's "Get help now" tile, true to each line's hours and cost."""
    return {"summary": summarize(active_helplines())}
