"""Site-wide snippets: content/snippets.yaml seeds them, editors change them in the admin, and
templates show them from a snapshot (core/snapshots.py) that every save rebuilds, so showing one
costs no query and an edit shows at once."""

from __future__ import annotations

from pathlib import Path

from django.db.models.signals import post_delete, post_save

from core import snapshots
from core.content import Report, check_keys, records, sync, text_field, validate
from core.models import Snippet

NAME = "snippets"
SNIPPET_KEYS = {"slug", "description", "body"}


def build() -> dict[str, str]:
    return dict(Snippet.objects.values_list("slug", "body_html"))


def snippet_html(slug: str) -> str:
    """The snippet's sanitized HTML, or "" when there is no such snippet."""
    return (snapshots.get(NAME) or {}).get(slug, "")


def content_steps(content_dir: Path) -> list:
    return [(content_dir / "snippets.yaml", _import_snippets)]


def _import_snippets(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    for number, record in enumerate(records(path, "snippets"), 1):
        check_keys(record, SNIPPET_KEYS, SNIPPET_KEYS, where=f"snippet #{number}: ")
        snippet = Snippet(**{key: text_field(record, key) for key in SNIPPET_KEYS})
        validate(snippet)
        sync("snippet", Snippet, snippet, ["description", "body"], report, force=force)
    snapshots.refresh_on_commit(NAME)


def _changed(sender, **kwargs) -> None:
    snapshots.refresh_on_commit(NAME)


def connect() -> None:
    snapshots.register(NAME, build)
    post_save.connect(_changed, sender=Snippet, dispatch_uid="core.snippets.saved")
    post_delete.connect(_changed, sender=Snippet, dispatch_uid="core.snippets.deleted")
