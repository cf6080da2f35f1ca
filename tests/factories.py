"""Small builders for test data: plain functions over the real models, nothing mocked."""

import datetime
import io
import itertools

from django.utils import timezone
from PIL import Image

from blog.models import Author, Page, Post, Tag
from engage.models import Programme, Session
from idare.models import Snippet
from support.models import Helpline

_numbers = itertools.count(1)


def make_author(**fields) -> Author:
    n = next(_numbers)
    defaults = {"name": f"Writer {n}", "slug": f"writer-{n}", "bio": "Writes with care."}
    return Author.objects.create(**{**defaults, **fields})


def make_tag(name: str) -> Tag:
    return Tag.objects.get_or_create(name=name, defaults={"slug": name.lower().replace(" ", "-")})[0]


def make_post(*, tags=(), **fields) -> Post:
    n = next(_numbers)
    defaults = {
        "title": f"Article {n}",
        "slug": f"article-{n}",
        "excerpt": f"What article {n} is about.",
        "body": f"## Section {n}\n\nSome words about article {n}.",
        "status": Post.Status.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(days=n),
    }
    fields = {**defaults, **fields}
    if "author" not in fields:
        fields["author"] = make_author()
    post = Post.objects.create(**fields)
    post.tags.set([make_tag(name) for name in tags])
    return post


def make_page(**fields) -> Page:
    n = next(_numbers)
    defaults = {"title": f"Page {n}", "slug": f"page-{n}", "body": f"Words of page {n}."}
    return Page.objects.create(**{**defaults, **fields})


def make_helpline(**fields) -> Helpline:
    n = next(_numbers)
    defaults = {
        "name": f"Helpline {n}", "slug": f"helpline-{n}", "numbers": f"1800-000-{n:04d}", "urgency": 10 + n,
        "hours": "24x7", "cost": "Free", "audience": "Anyone", "source": "A test record",
        "last_verified_on": timezone.localdate(), "verified_by": "a test",
    }
    return Helpline.objects.create(**{**defaults, **fields})


def image_bytes(fmt: str = "JPEG", size=(64, 48), color=(200, 120, 90), exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


def make_snippet(**fields) -> Snippet:
    defaults = {"slug": "article-call-to-action", "description": "After every article",
                "body": "Struggling with {topic}something? Try [Support](/support/) and [Engage](/engage/)."}
    return Snippet.objects.create(**{**defaults, **fields})


def make_programme(**fields) -> Programme:
    n = next(_numbers)
    defaults = {"title": f"Programme {n}", "slug": f"programme-{n}", "kind": Programme.Kind.WORKSHOP,
                "summary": f"What programme {n} is.", "description": f"## About\n\nProgramme {n}.",
                "audience": "Adults"}
    return Programme.objects.create(**{**defaults, **fields})


def make_session(programme: Programme | None = None, *, in_days: float = 7, **fields) -> Session:
    starts_at = timezone.now() + datetime.timedelta(days=in_days)
    defaults = {"starts_at": starts_at, "ends_at": starts_at + datetime.timedelta(minutes=90),
                "mode": Session.Mode.ONLINE, "place": "Video call", "capacity": 10}
    return Session.objects.create(programme=programme or make_programme(), **{**defaults, **fields})
