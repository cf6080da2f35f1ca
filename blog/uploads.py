"""Images uploaded into a text box (the Markdown editor's upload, blog/editor.py) that no saved text
ever came to show: they would otherwise stay on disk for good."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from blog.models import image_in_use
from blog.renditions import delete_with_renditions

UPLOAD_FOLDER = "body"  # MARKDOWNX_MEDIA_PATH's folder, as blog/editor.py stores uploads


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
