"""Small builders for test data: plain functions over the real models, nothing mocked."""

import datetime
import io
import itertools
from importlib import import_module

from django.utils import timezone
from PIL import Image

from blog.models import Author, Page, Post, Tag, tag_slug
from core.models import Snippet
from engage.models import Programme, Session
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
    return Tag.objects.get_or_create(name=name, defaults={"slug": tag_slug(name)})[0]


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
        "hours": "24x7", "round_the_clock": True, "cost": "Free", "audience": "Anyone", "source": "A test record",
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


STAFF_PASSWORD = "a long staff password"


def make_staff(role: str | None = None, username: str | None = None, *, permissions=(), superuser: bool | None = None,
               password: str = STAFF_PASSWORD, email: str | None = None):
    """The one way tests make a staff account: in one of the editorial roles the data migration made
    (Writer, Editor, Clinical reviewer), with these permissions ("app_label.codename", or a bare
    codename), or neither: a superuser unless superuser=False says otherwise."""
    from django.contrib.auth.models import Permission, User

    n = next(_numbers)
    username = username or f"staff-{n}"
    if superuser is None:
        superuser = role is None and not permissions
    user = User.objects.create_user(username, email or f"staff-{n}@example.com", password,
                                    is_staff=True, is_superuser=superuser)
    if role:
        user.groups.add(role_group(role))
    for name in permissions:
        app_label, _, codename = name.rpartition(".")
        found = Permission.objects.filter(codename=codename)
        user.user_permissions.add(found.get(content_type__app_label=app_label) if app_label else found.get())
    return user


def role_group(role: str):
    """The role's group as blog's migration 0004 makes it. A test on a transactional database (the
    browser's live server) finds it gone: the flush after an earlier one empties every table, and
    only content types and permissions come back."""
    from django.contrib.auth.models import Group, Permission

    group, made = Group.objects.get_or_create(name=role)
    if made:
        for name in import_module("blog.migrations.0004_roles").ROLES[role]:
            app_label, codename = name.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


def stored_image(folder: str = "posts", size=(2000, 1000), color=(90, 140, 160), fmt: str = "JPEG") -> str:
    """An image stored as an upload would be: validated, re-encoded, named by its content."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.images import reencode_image, store_image

    extension = {"JPEG": "jpg", "PNG": "png"}[fmt]
    upload = SimpleUploadedFile(f"picture.{extension}", image_bytes(fmt, size=size, color=color))
    return store_image(reencode_image(upload), folder)


def post_form(post: Post | None = None, **overrides) -> dict:
    """The admin's post form as a browser would send it: a post's current values, or a new draft's."""
    local = timezone.localtime(post.published_at) if post and post.published_at else None
    data = {
        "title": post.title if post else "A new article", "slug": post.slug if post else "a-new-article",
        "subtitle": post.subtitle if post else "", "author": post.author_id if post else make_author().pk,
        "excerpt": post.excerpt if post else "What the new article is about.",
        "body": post.body if post else "## A section\n\nSome careful words.",
        "hero_alt": post.hero_alt if post else "", "hero_credit": post.hero_credit if post else "",
        "hero_focal_x": post.hero_focal_x if post else 50, "hero_focal_y": post.hero_focal_y if post else 50,
        "social_image_alt": post.social_image_alt if post else "", "content_note": post.content_note if post else "",
        "cta_topic": post.cta_topic if post else "", "sources": post.sources if post else "",
        "status": post.status if post else "draft",
        "published_at_0": local.strftime("%Y-%m-%d") if local else "",
        "published_at_1": local.strftime("%H:%M:%S") if local else "",
        "tags": [tag.pk for tag in post.tags.all()] if post else [],
    }
    for flag in ("hero_decorative", "sensitive", "checked_no_method_detail", "checked_no_sensational_headline",
                 "checked_help_resources", "featured"):
        if post is not None and getattr(post, flag):
            data[flag] = "on"
    if post is not None:
        data.update(correction_forms(post))
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def correction_forms(post: Post) -> dict:
    """The corrections inline as the admin shows it on a published article (a draft has none): its
    management form and each correction as it stands, none added."""
    if Post.objects.filter(pk=post.pk, status=Post.Status.PUBLISHED).exists() is False:
        return {}
    corrections = list(post.corrections.all())
    data = {"corrections-TOTAL_FORMS": str(len(corrections)), "corrections-INITIAL_FORMS": str(len(corrections)),
            "corrections-MIN_NUM_FORMS": "0", "corrections-MAX_NUM_FORMS": "1000"}
    for number, correction in enumerate(corrections):
        data |= {f"corrections-{number}-id": str(correction.pk), f"corrections-{number}-post": str(post.pk),
                 f"corrections-{number}-note": correction.note}
    return data


def admin_change_data(response) -> dict:
    """What the admin's change page would post back unchanged: the form's values and every inline
    formset's (management form included), from a GET of that page."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:  # not `in (None, False)`: a formset's count may be 0
                continue
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            data[form.add_prefix(name)] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    return data


def make_sensitive_post(**fields) -> Post:
    """A published article on a sensitive topic (suicide, self-harm, abuse, eating disorders), with
    the safe-messaging checklist ticked as publishing it requires."""
    checklist = {"checked_no_method_detail": True, "checked_no_sensational_headline": True,
                 "checked_help_resources": True}
    return make_post(**{"sensitive": True, **checklist, **fields})


def make_crisis_lines() -> list[Helpline]:
    """The two most urgent lines as content/helplines.yaml has them, and a third after them."""
    return [
        make_helpline(name="Emergency (ERSS)", slug="emergency-112", numbers="112", urgency=1),
        make_helpline(name="Tele-MANAS (Ministry of Health and Family Welfare)", slug="tele-manas",
                      numbers="14416; 1-800-891-4416", urgency=2),
        make_helpline(name="Childline", slug="childline", numbers="1098", urgency=3),
    ]


def make_reviewer(name: str = "Dr Meera Iyer", credentials: str = "MD Psychiatry", *, active: bool = True,
                  role: str | None = "Clinical reviewer", username: str | None = None):
    """A staff account with the reviewer profile an administrator would give it."""
    from blog.models import ReviewerProfile

    user = make_staff(role, username=username)
    ReviewerProfile.objects.create(user=user, name=name, credentials=credentials, active=active)
    return user


def make_review(post: Post, reviewer=None, *, days_ago: int = 0, due_in: int = 365, **fields):
    """A review recorded as the admin records one: by `reviewer`'s account, of the post as stored now."""
    from blog.models import Review

    today = timezone.localdate()
    review = Review(post=post, reviewed_on=today - datetime.timedelta(days=days_ago),
                    next_review_due=today + datetime.timedelta(days=due_in), **fields)
    review.record_by(reviewer or make_reviewer())
    review.save()
    return review


def contact_answers(**overrides) -> dict:
    """What a person sends through the contact form; overrides change single answers."""
    data = {"name": "Ravi", "reply_by": "email", "email": "ravi@example.com", "phone": "", "topic": "press",
            "message": "A question for you", "consent": "on", "website": ""}
    return {**data, **overrides}


def enquiry_answers(**overrides) -> dict:
    """What a person sends through the enquiry form; overrides change single answers."""
    data = {
        "age": "adult", "name": "Asha", "reply_by": "email", "email": "asha@example.com", "phone": "",
        "safe_to_leave_message": "yes", "language": "hindi", "mode": "online", "budget": "up-to-500",
        "help_with": "Worry at work", "preferred_provider": "", "consent": "on", "website": "",
    }
    return {**data, **overrides}


def publish_form(post: Post | None = None, **overrides) -> dict:
    """post_form for publishing now (the admin's date and time fields)."""
    now = timezone.localtime()
    return post_form(post, status="published", published_at_0=f"{now:%Y-%m-%d}", published_at_1=f"{now:%H:%M:%S}",
                     **overrides)


# The safe-messaging ticks a sensitive article needs before it may be published.
CHECKLIST = {"checked_no_method_detail": "on", "checked_no_sensational_headline": "on",
             "checked_help_resources": "on"}
