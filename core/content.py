"""content/ → database, for every app that has content. Creates what is missing, updates what
changed in its file unless an editor changed it in the admin since the last import, and never
half-imports a file.

Each app imports its own content: its AppConfig names a function (`content_steps`) that lists the
files it reads and the step that imports each one; this module runs them all in one transaction,
in the order of INSTALLED_APPS, with the rules every step shares."""

from __future__ import annotations

import contextlib
import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from core.models import ImportedContent

CREATED, UPDATED, UNCHANGED, KEPT = "created", "updated", "unchanged", "kept"
IMPORT_LOCK_ID = 0x1DA4E  # any fixed number: the advisory lock that serializes imports

class ContentError(Exception):
    """A content file that cannot be imported; the message names the file and the problem."""


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def record(self, kind: str, outcome: str, label: str) -> None:
        self.counts[(kind, outcome)] += 1
        if outcome != UNCHANGED:
            self.lines.append(f"{outcome:>9}  {kind} {label}")

    def summary(self) -> str:
        kinds = sorted({kind for kind, _ in self.counts})
        return "\n".join(
            f"{kind}: " + ", ".join(f"{self.counts[(kind, o)]} {o}" for o in (CREATED, UPDATED, UNCHANGED, KEPT))
            for kind in kinds
        )


Step = Callable[..., None]  # step(path, content_dir, report, *, force, dry_run)


def import_content(content_dir: Path, *, dry_run: bool = False, force: bool = False) -> Report:
    report = Report()
    steps: list[tuple[Path, Step]] = []
    for app in apps.get_app_configs():
        if getattr(app, "content_steps", None):
            steps += import_string(app.content_steps)(content_dir)
    files_before = _stored_files() if dry_run else set()
    with transaction.atomic(), _unhurried():
        _wait_for_other_imports()
        for path, step in steps:
            if not path.exists():
                continue
            try:
                with transaction.atomic():  # a savepoint: a bad file leaves nothing behind
                    step(path, content_dir, report, force=force, dry_run=dry_run)
            except ContentError as exc:
                report.errors.append(f"{path.relative_to(content_dir)}: {exc}")
        if dry_run:
            transaction.set_rollback(True)
            # Saving wrote files (images, title cards) that the rollback cannot take back. (An editor's
            # upload during a dry run would go too: dry runs are a maintainer's tool, run by hand.)
            for name in _stored_files() - files_before:
                default_storage.delete(name)
    return report


def _stored_files(folder: str = "") -> set[str]:
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return set()
    names = {f"{folder}{name}" for name in files}
    for sub in folders:
        names |= _stored_files(f"{folder}{sub}/")
    return names


@contextlib.contextmanager
def _unhurried():
    """Lifts the client-side answer deadline (serving.postgresql) for the import: a reader's request
    gives up on a silent database after a few seconds, but an import waits for another server's
    import to commit, and that one may work longer than a request."""
    raw = connection.connection
    kept = getattr(raw, "answer_timeout", None)
    if kept is not None:
        raw.answer_timeout = None
    try:
        yield
    finally:
        if kept is not None:
            raw.answer_timeout = kept


def _wait_for_other_imports() -> None:
    """Several app servers may import at once when they start: on PostgreSQL the second waits for
    the first to commit, then finds everything unchanged. (SQLite serializes writers itself.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The site's statement timeout guards readers; an import may wait and work longer than that.
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_ID])


# --- reading files ----------------------------------------------------------------------------

def read_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise ContentError(f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc


def read_front_matter(path: Path) -> tuple[dict, str]:
    text = read_file(path)
    if not text.startswith("---\n"):
        raise ContentError("the file must start with a '---' line opening its front matter")
    end = text.find("\n---\n", 4)
    if end == -1:
        raise ContentError("the front matter is never closed with a '---' line")
    meta = load_yaml(text[4:end])
    if not isinstance(meta, dict):
        raise ContentError("the front matter must be 'key: value' lines")
    return meta, text[end + 5:].strip() + "\n"


def load_yaml(text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ContentError(f"the YAML cannot be read ({exc.__class__.__name__}: {exc})") from exc


def check_keys(meta: dict, allowed: set[str], required: set[str], where: str = "") -> None:
    unknown = sorted(set(meta) - allowed)
    if unknown:
        raise ContentError(
            f"{where}unknown field(s) {', '.join(unknown)}; expected some of {', '.join(sorted(allowed))}"
        )
    missing = sorted(k for k in required if meta.get(k) in (None, ""))
    if missing:
        raise ContentError(f"{where}missing required field(s): {', '.join(missing)}")


def text_field(meta: dict, key: str) -> str:
    value = meta.get(key)
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)):
        raise ContentError(f"{key} must be text, not {type(value).__name__}")
    return str(value).strip()


def aware_moment(value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    else:
        raise ContentError(f"date must be a date like 2024-06-04, not {value!r}")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # in the site's time zone, Asia/Kolkata
    return moment


def validate(instance, exclude=None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        problems = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
        raise ContentError(problems) from exc


# --- the one rule -----------------------------------------------------------------------------

def decide(current: str | None, imported: str, incoming: str, force: bool) -> str:
    """created / updated / unchanged / kept, from what the database holds now (`current`, None when
    missing), what the last import wrote (`imported`) and what the file says now (`incoming`)."""
    if current is None:
        return CREATED
    if current == incoming:
        return UNCHANGED
    if incoming == imported and not force:
        return UNCHANGED  # the file did not change; whatever an editor did stays
    if current == imported or force:
        return UPDATED
    return KEPT  # both the file and the post changed: the editor's work wins unless --force


def sync(kind: str, model: type[ImportedContent], incoming: ImportedContent, fields: list[str], report: Report,
         *, force: bool, after_save=None, incoming_fingerprint: str | None = None, key: str = "slug") -> None:
    """`model` is an ImportedContent (core.models: the stored fingerprint and the digest over its
    declared fields); `key` names the field that identifies a record from one import to the next."""
    existing = model.objects.filter(**{key: getattr(incoming, key)}).first()
    fingerprint = incoming_fingerprint or incoming.fingerprint()
    current = existing.fingerprint() if existing else None
    outcome = decide(current, existing.imported_fingerprint if existing else "", fingerprint, force)
    if outcome in (CREATED, UPDATED):
        target = incoming if existing is None else existing
        for name in fields:
            setattr(target, name, getattr(incoming, name))
        target.imported_fingerprint = fingerprint
        target.save()
        if after_save:
            after_save(target)
    elif current == fingerprint != existing.imported_fingerprint:
        # The editor's version and the file agree again: remember that as the imported state.
        model.objects.filter(pk=existing.pk).update(imported_fingerprint=fingerprint)
    report.record(kind, outcome, getattr(incoming, key))


def records(path: Path, what: str) -> list[dict]:
    records = load_yaml(read_file(path)) or []
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ContentError(f"expected a list of {what}, each as 'key: value' lines")
    return records
