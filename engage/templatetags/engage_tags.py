"""Engage's pieces for other apps' templates: the home page asks here whether any session can be
booked, instead of importing Engage's models."""

from django import template

from engage.models import Session

register = template.Library()


@register.inclusion_tag("engage/_home_tile.html")
def engage_tile() -> dict:
    """The home page's Engage tile: it offers registration only while a real session takes it."""
    return {"bookable": Session.objects.bookable().exists()}
