"""The blog's content: authors.yaml, blog/*.md (articles) and pages/*.md (standing pages)."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.text import slugify

from blog.models import Author, Page, Post, Tag
from idare.content import (
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
from idare.images import reencode_image, store_image

POST_KEYS = {
    "title", "slug", "subtitle", "author", "date", "tags", "description", "hero_image", "hero_alt",
    "hero_credit", "cta_topic", "featured", "status",
}
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
    tag_names = meta.get("tags") or []
    if not isinstance(tag_names, list) or not all(isinstance(t, str) and t.strip() for t in tag_names):
        raise ContentError("tags must be a list of names, like [Trust, Healing]")
    status = text_field(meta, "status") or Post.Status.PUBLISHED
    if status not in Post.Status.values:
        raise ContentError(f"status must be one of {', '.join(Post.Status.values)}, not {status!r}")
    featured = meta.get("featured", False)
    if not isinstance(featured, bool):
        raise ContentError("featured must be true or false")
    post = Post(
        title=text_field(meta, "title"), slug=text_field(meta, "slug"), subtitle=text_field(meta, "subtitle"),
        author=author, body=body, excerpt=text_field(meta, "description"), hero_alt=text_field(meta, "hero_alt"),
        hero_credit=text_field(meta, "hero_credit"), cta_topic=text_field(meta, "cta_topic"), status=status,
        featured=featured, published_at=aware_moment(meta.get("date")),
    )
    if not body.strip():
        raise ContentError("the article has no body below its front matter")
    if meta.get("hero_image"):
        if not (post.hero_alt and post.hero_credit):
            raise ContentError("hero_image needs hero_alt (what it shows) and hero_credit (who made it)")
        post.hero_image.name = _hero_image(content_dir, text_field(meta, "hero_image"))
    validate(post, exclude=["hero_image", "body_html"])
    tags = [" ".join(name.split()) for name in tag_names]

    def set_tags(saved: Post) -> None:
        saved.tags.set([_tag(name) for name in tags])

    fields = ["title", "subtitle", "author", "body", "excerpt", "hero_image", "hero_alt", "hero_credit",
              "cta_topic", "status", "featured", "published_at"]
    sync("post", Post, post, fields, report, force=force, after_save=set_tags,
          incoming_fingerprint=post.fingerprint(tag_names=tags))
    if not dry_run:
        _ensure_card(post.slug)


def _ensure_card(slug: str) -> None:
    """Every imported article has its title card on disk, also when the database outlived the media
    folder or predates cards."""
    saved = Post.objects.get(slug=slug)
    if saved.card_image and default_storage.exists(saved.card_image.name):
        return
    saved.refresh_card(force=True)
    Post.objects.filter(pk=saved.pk).update(card_image=saved.card_image.name, card_fingerprint=saved.card_fingerprint)


def _hero_image(content_dir: Path, relative: str) -> str:
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
    return store_image(clean, "posts")


def _tag(name: str) -> Tag:
    tag = Tag.objects.filter(name__iexact=name).first()
    return tag or Tag.objects.create(name=name, slug=slugify(name))


def _import_page(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    meta, body = read_front_matter(path)
    check_keys(meta, PAGE_KEYS, {"title", "slug"})
    page = Page(title=text_field(meta, "title"), slug=text_field(meta, "slug"),
                description=text_field(meta, "description"), body=body)
    validate(page, exclude=["body_html"])
    sync("page", Page, page, ["title", "description", "body"], report, force=force)
