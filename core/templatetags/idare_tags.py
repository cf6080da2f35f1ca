from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.snippets import snippet_html

register = template.Library()

CALL_TO_ACTION = "article-call-to-action"


@register.simple_tag
def snippet(slug: str) -> str:
    """A site-wide snippet's sanitized HTML (from the snapshot, no query), or nothing."""
    return mark_safe(snippet_html(slug))  # body_html was sanitized when the snippet was saved


@register.inclusion_tag("includes/_call_to_action.html")
def article_call_to_action(topic: str = "") -> dict:
    """The editable call to action closing every article, completed with the article's own topic."""
    html = snippet_html(CALL_TO_ACTION)
    # body_html is sanitized on save; the topic is escaped here, so the result stays inert.
    return {"html": mark_safe(html.replace("{topic}", f"{escape(topic)}, " if topic else ""))}


@register.filter
def error_links(form) -> list[tuple[str, str]]:
    """(the id of the control to go to, its first error) for a form's error summary. A group of radios
    or boxes has no control of its own to go to (Django gives it no `id_for_label`): its first choice."""
    return [(field.id_for_label or f"{field.auto_id}_0", field.errors[0])
            for field in form.visible_fields() if field.errors]
