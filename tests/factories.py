"""Small builders for test data: plain functions over the real models, nothing mocked."""

import datetime
import io
import itertools

from django.utils import timezone
from PIL import Image

from blog.models import Author, Page, Post, Tag
from support.models import (
    Concern,
    ContactMessage,
    Enquiry,
    FeeBand,
    Helpline,
    Language,
    Mode,
    Provider,
    ReplyBy,
    Service,
    SupportText,
    Topic,
)

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


def make_language(name: str) -> Language:
    return Language.objects.get_or_create(name=name, defaults={"slug": name.lower().replace(" ", "-")})[0]


def make_concern(name: str) -> Concern:
    return Concern.objects.get_or_create(name=name, defaults={"slug": name.lower().replace(" ", "-")})[0]


def make_provider(*, languages=("English",), concerns=(), **fields) -> Provider:
    n = next(_numbers)
    defaults = {
        "name": f"Provider {n}", "slug": f"provider-{n}", "credentials": "M.A. Psychology; counsellor",
        "online": True, "fee_band": FeeBand.SLIDING, "bio": f"The bio of provider {n}.",
    }
    provider = Provider.objects.create(**{**defaults, **fields})
    provider.languages.set([make_language(name) for name in languages])
    provider.concerns.set([make_concern(name) for name in concerns])
    return provider


def make_service(**fields) -> Service:
    n = next(_numbers)
    defaults = {"title": f"Service {n}", "slug": f"service-{n}", "summary": f"What service {n} is.",
                "fee_band": FeeBand.FREE, "position": n}
    return Service.objects.create(**{**defaults, **fields})


def make_support_text(place: str, **fields) -> SupportText:
    defaults = {"title": f"The {place} text", "body": f"Words for {place}."}
    return SupportText.objects.create(slug=place, **{**defaults, **fields})


def make_enquiry(**fields) -> Enquiry:
    defaults = {
        "name": "Asha", "reply_by": ReplyBy.EMAIL, "email": "asha@example.com", "safe_to_leave_message": True,
        "mode": Mode.ONLINE, "budget": "up-to-500", "help_with": "Worry at work", "consented_at": timezone.now(),
    }
    return Enquiry.objects.create(**{**defaults, **fields})


def make_contact_message(**fields) -> ContactMessage:
    defaults = {"name": "Ravi", "reply_by": ReplyBy.PHONE, "phone": "+91 98450 12345", "topic": Topic.GENERAL,
                "message": "Hello there", "consented_at": timezone.now()}
    return ContactMessage.objects.create(**{**defaults, **fields})


def image_bytes(fmt: str = "JPEG", size=(64, 48), color=(200, 120, 90), exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()
