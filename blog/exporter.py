"""Database → content/: published articles, standing pages, their authors and their images, written
in the format the importer reads, so that the site can be rebuilt from its files (export, then
import into an empty database, gives the same pages)."""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from blog.models import SAFE_MESSAGING_CHECKLIST, Author, Page, Post
from core.content import ContentError, read_front_matter

MEDIA_IMAGE = re.compile(rf"(!\[[^\]]*\]\(){re.escape(settings.MEDIA_URL)}([\w/.-]+)")


@dataclass
class ExportReport:
    posts: int = 0
    pages: int = 0
    images: int = 0
    files: list[str] = field(default_factory=list)


def export_content(content_dir: Path) -> ExportReport:
    report = ExportReport()
    (content_dir / "blog").mkdir(parents=True, exist_ok=True)
    (content_dir / "pages").mkdir(parents=True, exist_ok=True)
    _write(content_dir / "authors.yaml", _authors_yaml(), report)
    post_files = _files_by_slug(content_dir / "blog")
    posts = Post.objects.filter(status=Post.Status.PUBLISHED).select_related("author").prefetch_related(
        "tags", "reviews").order_by("published_at", "pk")
    for post in posts:
        path = post_files.get(post.slug) or content_dir / "blog" / f"{post.slug}.md"
        meta = _post_meta(post, content_dir, path, report)
        _write(path, _document(meta, _export_images(post.body, content_dir, report)), report)
        report.posts += 1
    page_files = _files_by_slug(content_dir / "pages")
    for page in Page.objects.order_by("slug"):
        meta = {"title": page.title, "slug": page.slug}
        if page.description:
            meta["description"] = page.description
        path = page_files.get(page.slug) or content_dir / "pages" / f"{page.slug}.md"
        _write(path, _document(meta, _export_images(page.body, content_dir, report)), report)
        report.pages += 1
    return report


def _post_meta(post: Post, content_dir: Path, path: Path, report: ExportReport) -> dict:
    meta = {"title": post.title, "slug": post.slug}
    if post.subtitle:
        meta["subtitle"] = post.subtitle
    meta["author"] = post.author.slug
    meta["date"] = _moment(post.published_at)
    meta["tags"] = [tag.name for tag in post.tags.all()]
    meta["description"] = post.excerpt
    if post.hero_image:
        meta["hero_image"] = _hero_reference(post, content_dir, path, report)
        if post.hero_alt:
            meta["hero_alt"] = post.hero_alt
        if post.hero_decorative:
            meta["hero_decorative"] = True
        meta["hero_credit"] = post.hero_credit
    optional = {"cta_topic": post.cta_topic, "featured": post.featured, "sensitive": post.sensitive,
                "content_note": post.content_note,
                "safe_messaging_checked": post.sensitive and all(getattr(post, n) for n in SAFE_MESSAGING_CHECKLIST),
                "sources": [line.strip() for line in post.sources.splitlines() if line.strip()]}
    meta.update({key: value for key, value in optional.items() if value})
    reviews = [{"reviewer": r.reviewer_name, "credentials": r.reviewer_credentials, "reviewed_on": r.reviewed_on,
                "next_review_due": r.next_review_due} for r in reversed(post.reviews.all())]
    if reviews:
        meta["reviews"] = reviews
    return meta


def _moment(moment: datetime.datetime) -> datetime.date | datetime.datetime:
    local = timezone.localtime(moment)
    if local.time() == datetime.time():
        return local.date()  # as people write it: 2024-06-04
    return local


def _hero_reference(post: Post, content_dir: Path, path: Path, report: ExportReport) -> str:
    """Keeps the file's own hero image when it is still the one the article shows; otherwise writes
    the stored image under its content-hash name."""
    if path.exists():
        try:
            meta, _ = read_front_matter(path)
        except ContentError:
            meta = {}
        current = meta.get("hero_image")
        if isinstance(current, str) and (content_dir / current).is_file() and post.hero_source_digest \
                and hashlib.sha256((content_dir / current).read_bytes()).hexdigest() == post.hero_source_digest:
            return current
    return _copy_image(post.hero_image.name, content_dir, "images", report)


def _export_images(body: str, content_dir: Path, report: ExportReport) -> str:
    def copy(match: re.Match) -> str:
        name = match.group(2)
        if not default_storage.exists(name):
            return match.group(0)
        return match.group(1) + _copy_image(name, content_dir, "images/body", report)

    return MEDIA_IMAGE.sub(copy, body)


def _copy_image(name: str, content_dir: Path, folder: str, report: ExportReport) -> str:
    relative = f"{folder}/{PurePosixPath(name).name}"
    target = content_dir / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name) as stored:
            target.write_bytes(stored.read())
        report.images += 1
    return relative


def _authors_yaml() -> str:
    authors = [{"name": a.name, "slug": a.slug, **({"bio": a.bio} if a.bio else {})}
               for a in Author.objects.order_by("slug")]
    return "# Authors of the content. Editors add and change authors in the admin.\n" + _yaml(authors)


def _document(meta: dict, body: str) -> str:
    return f"---\n{_yaml(meta)}---\n\n{body.strip()}\n"


def _yaml(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=None)


def _files_by_slug(folder: Path) -> dict[str, Path]:
    """The file that already holds each slug, so an export updates it instead of adding a twin."""
    found = {}
    for path in sorted(folder.glob("*.md")):
        try:
            meta, _ = read_front_matter(path)
        except ContentError:
            continue
        if isinstance(meta.get("slug"), str):
            found.setdefault(meta["slug"], path)
    return found


def _write(path: Path, text: str, report: ExportReport) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
        report.files.append(str(path))
