"""The blog's content: authors.yaml, blog/*.md (articles) and pages/*.md (standing pages)."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import reversion
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from blog.models import SAFE_MESSAGING_CHECKLIST, Author, Page, Post, Review, Tag, tag_slug
from core.content import (
    ContentError,
    Report,
    aware_moment,
    check_keys,
    read_front_matter,
    records,
    sync,
    text_field,
    validate,
)
from core.images import clean_content_image, store_image
from core.markdown import render_markdown
from core.renditions import responsive_images

POST_KEYS = {
    "title", "slug", "subtitle", "author", "date", "tags", "description", "hero_image", "hero_alt",
    "hero_decorative", "hero_credit", "cta_topic", "featured", "status", "sources", "sensitive", "content_note",
    "safe_messaging_checked", "reviews",
}
REVIEW_KEYS = {"reviewer", "credentials", "reviewed_on", "next_review_due"}
# A body image in a content file is a path inside content/, e.g. ![A calm sea](images/body/sea.jpg).
CONTENT_IMAGE = re.compile(r"(!\[[^\]]*\]\()(images/[^)\s]+)")
POST_REQUIRED = {"title", "slug", "author", "date", "description"}
PAGE_KEYS = {"title", "slug", "description"}
AUTHOR_KEYS = {"name", "slug", "bio"}


def content_steps(content_dir: Path) -> list:
    steps = [(content_dir / "authors.yaml", _import_authors)]
    steps += [(path, _import_post) for path in sorted((content_dir / "blog").glob("*.md"))]
    steps += [(path, _import_page) for path in sorted((content_dir / "pages").glob("*.md"))]
    return steps


def _import_authors(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    for number, record in enumerate(records(path, "authors"), 1):
        check_keys(record, AUTHOR_KEYS, {"name", "slug"}, where=f"author #{number}: ")
        author = Author(name=text_field(record, "name"), slug=text_field(record, "slug"), bio=text_field(record, "bio"))
        validate(author)
        sync("author", Author, author, ["name", "bio"], report, force=force)


def _import_post(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    meta, body = read_front_matter(path)
    check_keys(meta, POST_KEYS, POST_REQUIRED)
    author = Author.objects.filter(slug=text_field(meta, "author")).first()
    if author is None:
        raise ContentError(f"author {text_field(meta, 'author')!r} is not in authors.yaml")
    tag_names = _text_list(meta, "tags", "tags must be a list of names, like [Trust, Healing]")
    status = text_field(meta, "status") or Post.Status.PUBLISHED
    if status not in Post.Status.values:
        raise ContentError(f"status must be one of {', '.join(Post.Status.values)}, not {status!r}")
    flags = {key: _flag(meta, key) for key in ("featured", "hero_decorative", "sensitive", "safe_messaging_checked")}
    post = Post(
        title=text_field(meta, "title"), slug=text_field(meta, "slug"), subtitle=text_field(meta, "subtitle"),
        author=author, body=_content_images(body, content_dir), excerpt=text_field(meta, "description"),
        hero_alt=text_field(meta, "hero_alt"), hero_decorative=flags["hero_decorative"],
        hero_credit=text_field(meta, "hero_credit"), cta_topic=text_field(meta, "cta_topic"), status=status,
        featured=flags["featured"], published_at=aware_moment(meta.get("date")),
        sources="\n".join(_text_list(meta, "sources", "sources must be a list, one source a line")),
        sensitive=flags["sensitive"], content_note=text_field(meta, "content_note"),
        **dict.fromkeys(SAFE_MESSAGING_CHECKLIST, flags["sensitive"] and flags["safe_messaging_checked"]),
    )
    if not body.strip():
        raise ContentError("the article has no body below its front matter")
    if post.sensitive and status == Post.Status.PUBLISHED and not flags["safe_messaging_checked"]:
        raise ContentError("a sensitive article is published only after an editor's safe-messaging check: import "
                           "it with status: draft, or add safe_messaging_checked: true once that check is done")
    if meta.get("hero_image"):
        if not ((post.hero_alt or post.hero_decorative) and post.hero_credit):
            raise ContentError("hero_image needs hero_alt (what it shows) and hero_credit (who made it)")
        existing = Post.objects.filter(slug=post.slug).only("hero_image", "hero_source_digest").first()
        post.hero_image.name, post.hero_source_digest = _hero_image(
            content_dir, text_field(meta, "hero_image"), existing)
    existing = Post.objects.filter(slug=post.slug).only("pk").first()
    post.pk = existing.pk if existing else None  # the four-eyes rule compares with the stored article
    if post.publication_problems(publisher=None):
        # A file cannot show that a clinician read this text: the article waits as a draft for a review.
        post.status = Post.Status.DRAFT
        report.lines.append(f"{'draft':>9}  post {post.slug}: sensitive, and no clinical review covers this text; "
                            "imported as a draft until one is recorded")
    validate(post, exclude=["hero_image", "body_html"])
    tags = [" ".join(name.split()) for name in tag_names]
    reviews = _reviews(meta)

    def set_tags(saved: Post) -> None:
        saved.tags.set([_tag(name) for name in tags])

    fields = ["title", "subtitle", "author", "body", "excerpt", "hero_image", "hero_source_digest", "hero_alt",
              "hero_decorative", "hero_credit", "cta_topic", "status", "featured", "published_at", "sources",
              "sensitive", "content_note", *SAFE_MESSAGING_CHECKLIST]
    with reversion.create_revision():
        reversion.set_comment(f"Imported from content/{path.relative_to(content_dir)}")
        sync("post", Post, post, fields, report, force=force, after_save=set_tags,
             incoming_fingerprint=post.fingerprint(tag_names=tags))
    saved = Post.objects.get(slug=post.slug)
    if post.hero_image.name and saved.hero_image.name == post.hero_image.name \
            and saved.hero_source_digest != post.hero_source_digest:  # remember the file, also when unchanged
        Post.objects.filter(pk=saved.pk).update(hero_source_digest=post.hero_source_digest)
    for review in reviews:  # reviews only add up: one recorded in the admin is never removed by a file
        if not saved.reviews.filter(reviewer_name=review.reviewer_name, reviewed_on=review.reviewed_on).exists():
            review.post = saved
            review.save()
    if not dry_run:
        _ensure_derived_files(saved)


def _flag(meta: dict, key: str) -> bool:
    value = meta.get(key, False)
    if not isinstance(value, bool):
        raise ContentError(f"{key} must be true or false")
    return value


def _text_list(meta: dict, key: str, problem: str) -> list[str]:
    items = meta.get(key) or []
    if not isinstance(items, list) or not all(isinstance(item, str) and item.strip() for item in items):
        raise ContentError(problem)
    return [item.strip() for item in items]


def _reviews(meta: dict) -> list[Review]:
    records = meta.get("reviews") or []
    if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
        raise ContentError("reviews must be a list of reviewer, credentials, reviewed_on and next_review_due")
    reviews = []
    for number, record in enumerate(records, 1):
        check_keys(record, REVIEW_KEYS, REVIEW_KEYS, where=f"review #{number}: ")
        review = Review(reviewer_name=text_field(record, "reviewer"),
                        reviewer_credentials=text_field(record, "credentials"),
                        reviewed_on=record["reviewed_on"], next_review_due=record["next_review_due"])
        try:
            review.full_clean(exclude=["post"])
        except ValidationError as exc:
            raise ContentError(f"review #{number}: {' '.join(exc.messages)}") from exc
        reviews.append(review)
    return reviews


def _ensure_derived_files(saved: Post) -> None:
    """Every imported article has its title card, its hero renditions and its body HTML as this code
    makes them, also when the database outlived the media folder or predates them."""
    updates = {}
    if not (saved.card_image and default_storage.exists(saved.card_image.name)):
        saved.refresh_card(force=True)
        updates.update(card_image=saved.card_image.name, card_fingerprint=saved.card_fingerprint)
    if saved.hero_image:
        stored = saved.hero_renditions.get("renditions") or []
        names = [name for rendition in stored for name in (rendition["webp"], rendition["fallback"])]
        if saved.hero_renditions.get("source") != saved.hero_image.name \
                or saved.hero_renditions.get("focal") != list(saved.hero_focal) or not names or not all(
                default_storage.exists(name) for name in names):
            updates["hero_renditions"] = saved.make_hero_renditions()
    body_html = responsive_images(render_markdown(saved.body))
    if body_html != saved.body_html:
        updates["body_html"] = body_html
    if updates:
        Post.objects.filter(pk=saved.pk).update(**updates)


def _hero_image(content_dir: Path, relative: str, existing: Post | None) -> tuple[str, str]:
    """The stored name of a hero image and the digest of its file. An unchanged file (same digest as
    last time, still stored) is neither decoded nor encoded again."""
    source = _content_file(content_dir, relative, "hero_image")
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if existing and existing.hero_source_digest == digest and existing.hero_image \
            and default_storage.exists(existing.hero_image.name):
        return existing.hero_image.name, digest
    return _store(source, data, "posts", f"hero_image {relative!r}"), digest


def _content_images(body: str, content_dir: Path) -> str:
    """Body images given as paths inside content/ are stored like uploads and linked from /media/."""

    def store(match: re.Match) -> str:
        relative = match.group(2)
        source = _content_file(content_dir, relative, "image")
        name = _store(source, source.read_bytes(), "body", f"image {relative!r}")
        return match.group(1) + default_storage.url(name)

    return CONTENT_IMAGE.sub(store, body)


def _content_file(content_dir: Path, relative: str, what: str) -> Path:
    source = (content_dir / relative).resolve()
    if not source.is_relative_to(content_dir.resolve()):
        raise ContentError(f"{what} {relative!r} points outside content/")
    if not source.is_file():
        raise ContentError(f"{what} {relative!r} does not exist")
    return source


def _store(source: Path, data: bytes, folder: str, label: str) -> str:
    upload = io.BytesIO(data)
    upload.name, upload.size = source.name, len(data)
    try:
        clean = clean_content_image(upload)
    except ValidationError as exc:
        raise ContentError(f"{label}: {' '.join(exc.messages)}") from exc
    return store_image(clean, folder)


def _tag(name: str) -> Tag:
    """The tag of this name, or a new one. Two names that would share an address ("Self care" and
    "Self-care") are named, not merged silently and not left to fail on the database's constraint."""
    tag = Tag.objects.filter(name__iexact=name).first()
    if tag:
        return tag
    slug = tag_slug(name)
    if not slug:
        raise ContentError(f"tag {name!r} has no letters or digits to make its address from")
    clash = Tag.objects.filter(slug=slug).first()
    if clash:
        raise ContentError(f"tag {name!r} would have the address /blog/tag/{slug}/, which tag {clash.name!r} "
                           "already has: use one spelling")
    return Tag.objects.create(name=name, slug=slug)


def _import_page(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    meta, body = read_front_matter(path)
    check_keys(meta, PAGE_KEYS, {"title", "slug"})
    page = Page(title=text_field(meta, "title"), slug=text_field(meta, "slug"),
                description=text_field(meta, "description"), body=body)
    page.body = _content_images(body, content_dir)
    validate(page, exclude=["body_html"])
    with reversion.create_revision():
        reversion.set_comment(f"Imported from content/{path.relative_to(content_dir)}")
        sync("page", Page, page, ["title", "description", "body"], report, force=force)
