"""Images uploaded into a text box (the Markdown editor's upload, core/editor.py) that no saved text
ever came to show: they would otherwise stay on disk for good."""

from datetime import timedelta

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from markdownx.models import MarkdownxField

from core.renditions import delete_with_renditions

UPLOAD_FOLDER = "body"  # MARKDOWNX_MEDIA_PATH's folder, as core/editor.py stores uploads


def markdown_fields() -> list[tuple[type[models.Model], str]]:
    """Every stored text that may show an uploaded image: each Markdown field of every app (articles,
    pages, snippets, programmes, support texts…) and the plain fields a model names as Markdown in
    `markdown_texts` (an article's sources)."""
    return [(model, name) for model in apps.get_models()
            for name in [field.name for field in model._meta.get_fields() if isinstance(field, MarkdownxField)]
            + list(getattr(model, "markdown_texts", ()))]


def image_fields() -> list[tuple[type[models.Model], str]]:
    """Every image field of every app: heroes, link-preview images, title cards, providers' photos."""
    return [(model, field.name) for model in apps.get_models() for field in model._meta.get_fields()
            if isinstance(field, models.ImageField)]


def image_in_use(name: str) -> bool:
    """Some saved row shows it: as an image field's file, or in a text by its address."""
    url = default_storage.url(name)
    return any(model._default_manager.filter(**{field: name}).exists() for model, field in image_fields()) or any(
        model._default_manager.filter(**{f"{field}__contains": url}).exists() for model, field in markdown_fields())


def purge_unused_uploads(hours: int, storage=None) -> list[str]:
    """Delete each body upload older than `hours` (by the storage's modification time) that no saved
    text shows, with its renditions; return the names deleted. A younger one may be in a text box
    still being written, so it stays."""
    storage = storage or default_storage
    try:
        _, files = storage.listdir(UPLOAD_FOLDER)
    except FileNotFoundError:
        return []
    cutoff = timezone.now() - timedelta(hours=hours)
    deleted = []
    for file in sorted(files):
        name = f"{UPLOAD_FOLDER}/{file}"
        if storage.get_modified_time(name) < cutoff and not image_in_use(name):
            delete_with_renditions(name, storage)
            deleted.append(name)
    return deleted
