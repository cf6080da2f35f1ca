"""content/ → database. Creates what is missing, updates what changed in its file unless an
editor changed it in the admin since the last import, and never half-imports a file.

Content is shared by the blog (posts, pages, authors) and Support (the crisis helplines): this is
the one cross-app job, kept in one plain function that the `import_content` command calls."""

from __future__ import annotations

import datetime
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from blog.images import reencode_image, store_image
from blog.models import Author, Page, Post, Tag
from support.models import Helpline

CREATED, UPDATED, UNCHANGED, KEPT = "created", "updated", "unchanged", "kept"
IMPORT_LOCK_ID = 0x1DA4E  # any fixed number: the advisory lock that serializes imports

POST_KEYS = {
    "title", "slug", "subtitle", "author", "date", "tags", "description", "hero_image", "hero_alt",
    "hero_credit", "cta_topic", "featured", "status",
}
POST_REQUIRED = {"title", "slug", "author", "date", "description"}
PAGE_KEYS = {"title", "slug", "description"}
AUTHOR_KEYS = {"name", "slug", "bio"}
HELPLINE_KEYS = {
    "name", "slug", "numbers", "urgency", "lead", "hours", "cost", "languages", "channels", "audience",
    "source", "last_verified_on", "verified_by", "active", "editor_note",
}
HELPLINE_REQUIRED = {"name", "numbers", "urgency", "hours", "cost", "audience", "source", "last_verified_on",
                     "verified_by"}


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


def import_content(content_dir: Path, *, dry_run: bool = False, force: bool = False) -> Report:
    report = Report()
    steps = [(content_dir / "authors.yaml", _import_authors)]
    steps += [(path, _import_post) for path in sorted((content_dir / "blog").glob("*.md"))]
    steps += [(path, _import_page) for path in sorted((content_dir / "pages").glob("*.md"))]
    steps.append((content_dir / "helplines.yaml", _import_helplines))
    with transaction.atomic():
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
    return report


def _wait_for_other_imports() -> None:
    """Several app servers may import at once when they start: on PostgreSQL the second waits for
    the first to commit, then finds everything unchanged. (SQLite serializes writers itself.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_ID])


# --- reading files ----------------------------------------------------------------------------

def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise ContentError(f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc


def read_front_matter(path: Path) -> tuple[dict, str]:
    text = _read(path)
    if not text.startswith("---\n"):
        raise ContentError("the file must start with a '---' line opening its front matter")
    end = text.find("\n---\n", 4)
    if end == -1:
        raise ContentError("the front matter is never closed with a '---' line")
    meta = _load_yaml(text[4:end])
    if not isinstance(meta, dict):
        raise ContentError("the front matter must be 'key: value' lines")
    return meta, text[end + 5:].strip() + "\n"


def _load_yaml(text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ContentError(f"the YAML cannot be read ({exc.__class__.__name__}: {exc})") from exc


def _check_keys(meta: dict, allowed: set[str], required: set[str], where: str = "") -> None:
    unknown = sorted(set(meta) - allowed)
    if unknown:
        raise ContentError(
            f"{where}unknown field(s) {', '.join(unknown)}; expected some of {', '.join(sorted(allowed))}"
        )
    missing = sorted(k for k in required if meta.get(k) in (None, ""))
    if missing:
        raise ContentError(f"{where}missing required field(s): {', '.join(missing)}")


def _text(meta: dict, key: str) -> str:
    value = meta.get(key)
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)):
        raise ContentError(f"{key} must be text, not {type(value).__name__}")
    return str(value).strip()


def _published_at(value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    else:
        raise ContentError(f"date must be a date like 2024-06-04, not {value!r}")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # in the site's time zone, Asia/Kolkata
    return moment


def _validate(instance, exclude=None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        problems = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
        raise ContentError(problems) from exc


# --- the one rule -----------------------------------------------------------------------------

def _decide(current: str | None, imported: str, incoming: str, force: bool) -> str:
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


def _sync(kind: str, model, incoming, fields: list[str], report: Report, *, force: bool, after_save=None,
          incoming_fingerprint: str | None = None) -> None:
    existing = model.objects.filter(slug=incoming.slug).first()
    fingerprint = incoming_fingerprint or incoming.fingerprint()
    current = existing.fingerprint() if existing else None
    outcome = _decide(current, existing.imported_fingerprint if existing else "", fingerprint, force)
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
    report.record(kind, outcome, incoming.slug)


# --- importers --------------------------------------------------------------------------------

def _records(path: Path, what: str) -> list[dict]:
    records = _load_yaml(_read(path)) or []
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ContentError(f"expected a list of {what}, each as 'key: value' lines")
    return records


def _import_authors(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    for number, record in enumerate(_records(path, "authors"), 1):
        _check_keys(record, AUTHOR_KEYS, {"name", "slug"}, where=f"author #{number}: ")
        author = Author(name=_text(record, "name"), slug=_text(record, "slug"), bio=_text(record, "bio"))
        _validate(author)
        _sync("author", Author, author, ["name", "bio"], report, force=force)


def _import_post(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    meta, body = read_front_matter(path)
    _check_keys(meta, POST_KEYS, POST_REQUIRED)
    author = Author.objects.filter(slug=_text(meta, "author")).first()
    if author is None:
        raise ContentError(f"author {_text(meta, 'author')!r} is not in authors.yaml")
    tag_names = meta.get("tags") or []
    if not isinstance(tag_names, list) or not all(isinstance(t, str) and t.strip() for t in tag_names):
        raise ContentError("tags must be a list of names, like [Trust, Healing]")
    status = _text(meta, "status") or Post.Status.PUBLISHED
    if status not in Post.Status.values:
        raise ContentError(f"status must be one of {', '.join(Post.Status.values)}, not {status!r}")
    featured = meta.get("featured", False)
    if not isinstance(featured, bool):
        raise ContentError("featured must be true or false")
    post = Post(
        title=_text(meta, "title"), slug=_text(meta, "slug"), subtitle=_text(meta, "subtitle"), author=author,
        body=body, excerpt=_text(meta, "description"), hero_alt=_text(meta, "hero_alt"),
        hero_credit=_text(meta, "hero_credit"), cta_topic=_text(meta, "cta_topic"), status=status, featured=featured,
        published_at=_published_at(meta.get("date")),
    )
    if not body.strip():
        raise ContentError("the article has no body below its front matter")
    if meta.get("hero_image"):
        if not (post.hero_alt and post.hero_credit):
            raise ContentError("hero_image needs hero_alt (what it shows) and hero_credit (who made it)")
        post.hero_image.name = _hero_image(content_dir, _text(meta, "hero_image"), dry_run=dry_run)
    _validate(post, exclude=["hero_image", "body_html"])
    tags = [" ".join(name.split()) for name in tag_names]

    def set_tags(saved: Post) -> None:
        saved.tags.set([_tag(name) for name in tags])

    fields = ["title", "subtitle", "author", "body", "excerpt", "hero_image", "hero_alt", "hero_credit",
              "cta_topic", "status", "featured", "published_at"]
    _sync("post", Post, post, fields, report, force=force, after_save=set_tags,
          incoming_fingerprint=post.fingerprint(tag_names=tags))


def _hero_image(content_dir: Path, relative: str, *, dry_run: bool) -> str:
    source = (content_dir / relative).resolve()
    if not source.is_relative_to(content_dir.resolve()):
        raise ContentError(f"hero_image {relative!r} points outside content/")
    if not source.is_file():
        raise ContentError(f"hero_image {relative!r} does not exist")
    upload = io.BytesIO(source.read_bytes())
    upload.name, upload.size = source.name, source.stat().st_size
    try:
        clean = reencode_image(upload)
    except ValidationError as exc:
        raise ContentError(f"hero_image {relative!r}: {' '.join(exc.messages)}") from exc
    return f"posts/{clean.name}" if dry_run else store_image(clean, "posts")


def _tag(name: str) -> Tag:
    tag = Tag.objects.filter(name__iexact=name).first()
    return tag or Tag.objects.create(name=name, slug=slugify(name))


def _import_page(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    meta, body = read_front_matter(path)
    _check_keys(meta, PAGE_KEYS, {"title", "slug"})
    page = Page(title=_text(meta, "title"), slug=_text(meta, "slug"), description=_text(meta, "description"),
                body=body)
    _validate(page, exclude=["body_html"])
    _sync("page", Page, page, ["title", "description", "body"], report, force=force)


def _import_helplines(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    for number, record in enumerate(_records(path, "helplines"), 1):
        where = f"helpline #{number}: "
        _check_keys(record, HELPLINE_KEYS, HELPLINE_REQUIRED, where=where)
        if not isinstance(record["last_verified_on"], datetime.date):
            raise ContentError(f"{where}last_verified_on must be a date like 2026-11-26")
        if not isinstance(record.get("active", True), bool) or not isinstance(record["urgency"], int):
            raise ContentError(f"{where}active must be true or false and urgency a whole number")
        values = {key: _text(record, key) for key in HELPLINE_KEYS - {"last_verified_on", "active", "urgency"}}
        helpline = Helpline(**values, urgency=record["urgency"], last_verified_on=record["last_verified_on"],
                            active=record.get("active", True))
        helpline.slug = helpline.slug or slugify(helpline.name)
        _validate(helpline)
        _sync("helpline", Helpline, helpline, sorted(HELPLINE_KEYS - {"slug"}), report, force=force)
