import hashlib
import math
import re

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from markdownx.models import MarkdownxField

from blog.cards import CARD_DESIGN, CARD_SIZE, render_card
from idare.images import hashed_file, store_image
from idare.markdown import render_markdown

WORDS_PER_MINUTE = 200
WORD = re.compile(r"\w+")


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    bio = models.TextField("short bio", max_length=600, blank=True)
    imported_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="author_has_name")]

    def __str__(self):
        return self.name

    def fingerprint(self) -> str:
        return digest([self.name, self.slug, self.bio])


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name="") & ~Q(slug=""), name="tag_has_name_and_slug")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:tag", args=[self.slug])


class PostQuerySet(models.QuerySet):
    def published(self):
        """The one rule for what readers see."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        return self.select_related("author").prefetch_related("tags").order_by("-published_at", "-pk")

    def most_upvoted(self):
        return self.filter(upvote_count__gt=0).order_by("-upvote_count", "-published_at")

    def with_upvoted_by(self, voter: str | None):
        """Annotates `upvoted`: whether this voter (a voter key, or None) upvoted each post."""
        if voter is None:
            return self.annotate(upvoted=models.Value(False))
        return self.annotate(upvoted=Exists(Vote.objects.filter(post=OuterRef("pk"), voter=voter)))

    def related_to(self, post, limit=3):
        """Published posts sharing the most tags with `post`, newest first among equals."""
        tag_ids = [tag.pk for tag in post.tags.all()]
        return (
            self.published()
            .exclude(pk=post.pk)
            .filter(tags__in=tag_ids)
            .annotate(shared_tags=Count("tags", filter=Q(tags__in=tag_ids)))
            .select_related("author")
            .order_by("-shared_tags", "-published_at")[:limit]
        )


def hero_upload_to(instance, filename):
    return f"posts/{filename}"


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="The article's address: /blog/<slug>/")
    subtitle = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="posts")
    body = MarkdownxField(help_text="Markdown. Start sections with ## (the title is the page's only top heading).")
    body_html = models.TextField(editable=False, default="")
    excerpt = models.CharField(
        "excerpt / meta description", max_length=300,
        help_text="One or two sentences for lists, search engines and link previews (about 155 characters).",
    )
    hero_image = models.ImageField(
        upload_to=hero_upload_to, blank=True, width_field="hero_width", height_field="hero_height"
    )
    hero_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_alt = models.CharField(
        "hero image alt text", max_length=250, blank=True,
        help_text="What the image shows, for people who cannot see it. Required with an image.",
    )
    hero_credit = models.CharField(
        "hero image credit", max_length=200, blank=True,
        help_text="Who made the image, shown as “Image credit: …”. Required with an image.",
    )
    cta_topic = models.CharField(
        "call-to-action topic", max_length=80, blank=True,
        help_text="Completes “If you or someone you know is struggling with …, mental health challenges” "
                  "after the article, e.g. “trust issues”. Leave empty for the general wording.",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    featured = models.BooleanField(default=False, help_text="Feature on the home page.")
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    # Fingerprint of what the importer last wrote: lets it tell an editor's change from its own.
    imported_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    upvote_count = models.PositiveIntegerField(
        "upvotes", default=0, editable=False, help_text="Kept equal to the votes' rows, in the same transaction."
    )
    card_image = models.ImageField(upload_to="cards/", blank=True, editable=False)
    card_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    social_image = models.ImageField(
        "own link-preview image", upload_to="social/", blank=True,
        help_text="Optional. Replaces the generated title card shown when the article is shared; cropped to "
                  "1200×630 pixels.",
    )
    social_image_alt = models.CharField(
        "link-preview image alt text", max_length=250, blank=True,
        help_text="What your own link-preview image shows. Required with that image.",
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title="") & ~Q(slug=""), name="post_has_title_and_slug"),
            models.CheckConstraint(condition=Q(status__in=["draft", "published"]), name="post_status_known"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="published_post_has_date"
            ),
            models.CheckConstraint(
                condition=Q(hero_image="") | (~Q(hero_alt="") & ~Q(hero_credit="")),
                name="hero_image_has_alt_and_credit",
            ),
            models.CheckConstraint(
                condition=Q(social_image="") | ~Q(social_image_alt=""), name="social_image_has_alt"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.reading_minutes = reading_minutes(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        replaced_card = self.refresh_card()
        if kwargs.get("update_fields") is not None and replaced_card is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "card_image", "card_fingerprint"}
        super().save(*args, **kwargs)
        if replaced_card:
            transaction.on_commit(lambda: delete_card_unless_used(replaced_card))

    def get_absolute_url(self):
        return reverse("blog:post", args=[self.slug])

    @property
    def canonical_url(self) -> str:
        """The article's one public address, from SITE_URL, never from the request's Host."""
        return settings.SITE_URL + self.get_absolute_url()

    def card_signature(self) -> str:
        return digest([CARD_DESIGN, self.title, self.subtitle])

    def refresh_card(self, *, force: bool = False) -> str | None:
        """Draws the title card again when its text or design changed (or `force`). Returns the
        name of the card it replaced ("" when there was none), or None when nothing changed."""
        signature = self.card_signature()
        if not force and self.card_image and self.card_fingerprint == signature:
            return None
        previous = self.card_image.name or ""
        name = store_image(hashed_file(render_card(self.title, self.subtitle), "png"), "cards")
        self.card_image.name, self.card_fingerprint = name, signature
        return previous if previous != name else None

    @property
    def share_image(self) -> dict:
        """The image link previews show: the editor's own, or the generated title card."""
        if self.social_image:
            return {"url": self.social_image.url, "width": CARD_SIZE[0], "height": CARD_SIZE[1],
                    "alt": self.social_image_alt}
        return {"url": self.card_image.url if self.card_image else "", "width": CARD_SIZE[0],
                "height": CARD_SIZE[1], "alt": f"Title card: “{self.title}”, an article from iDare"}

    def fingerprint(self, tag_names=None) -> str:
        if tag_names is None:
            tag_names = [tag.name for tag in self.tags.all()]
        parts = [
            self.title, self.slug, self.subtitle, self.author.slug if self.author_id else "", self.body,
            self.excerpt, self.hero_image.name or "", self.hero_alt, self.hero_credit, self.cta_topic, self.status,
            str(self.published_at.timestamp()) if self.published_at else "", str(self.featured),
            "|".join(sorted(tag_names)),
        ]
        return digest(parts)


class Page(models.Model):
    """A standing page kept as content: about, contact, privacy, terms, accessibility."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    body = MarkdownxField()
    body_html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)
    imported_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["title"]
        constraints = [models.CheckConstraint(condition=~Q(title="") & ~Q(slug=""), name="page_has_title_and_slug")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pages:detail", args=[self.slug])

    def fingerprint(self) -> str:
        return digest([self.title, self.slug, self.description, self.body])


class VoteQuerySet(models.QuerySet):
    def toggle(self, post_id: int, voter: str) -> tuple[bool, int]:
        """Adds this voter's upvote, or takes it back. Returns (upvoted, the post's count).

        The post's row is locked first, so one post's toggles run one at a time (another post's are
        not held up), and the counter moves in the same transaction as the rows it counts."""
        with transaction.atomic():
            Post.objects.select_for_update().filter(pk=post_id).values_list("pk").get()
            removed, _ = self.filter(post_id=post_id, voter=voter).delete()
            if not removed:
                self.create(post_id=post_id, voter=voter)
            Post.objects.filter(pk=post_id).update(upvote_count=F("upvote_count") + (-1 if removed else 1))
            count = Post.objects.filter(pk=post_id).values_list("upvote_count", flat=True).get()
        return not removed, count


class Vote(models.Model):
    """One visitor's upvote of one post. The visitor is known only by a keyed hash of the random id
    in their voter cookie; the day is kept for the editors' chart, not the moment."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    voter = models.CharField(max_length=64)
    created_on = models.DateField(default=timezone.localdate, db_index=True)

    objects = VoteQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "voter"], name="one_vote_per_visitor_and_post")]

    def __str__(self):
        return f"upvote of {self.post_id} on {self.created_on}"


class ShareQuerySet(models.QuerySet):
    def record(self, post_id: int, network: str) -> None:
        """Adds exactly one click to today's count for this post and network."""
        day = timezone.localdate()
        row = self.filter(post_id=post_id, network=network, day=day)
        if row.update(clicks=F("clicks") + 1):
            return
        try:
            with transaction.atomic():
                self.create(post_id=post_id, network=network, day=day, clicks=1)
        except IntegrityError:  # another request made today's row first
            row.update(clicks=F("clicks") + 1)


class ShareCount(models.Model):
    """Share clicks per post, network and day: counts only, nothing about who shared."""

    class Network(models.TextChoices):
        WHATSAPP = "whatsapp", "WhatsApp"
        X = "x", "X"
        FACEBOOK = "facebook", "Facebook"
        LINKEDIN = "linkedin", "LinkedIn"
        TELEGRAM = "telegram", "Telegram"
        EMAIL = "email", "E-mail"
        COPY = "copy", "Copy link"
        DEVICE = "device", "Device share menu"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="share_counts")
    network = models.CharField(max_length=20, choices=Network.choices)
    day = models.DateField(db_index=True)
    clicks = models.PositiveIntegerField(default=0)

    objects = ShareQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "network", "day"], name="one_share_count_per_day"),
            models.CheckConstraint(condition=Q(network__in=[
                "whatsapp", "x", "facebook", "linkedin", "telegram", "email", "copy", "device",
            ]), name="share_network_known"),
        ]

    def __str__(self):
        return f"{self.network} shares of {self.post_id} on {self.day}"


def delete_card_unless_used(name: str) -> None:
    """A replaced title card goes, unless another post shows the very same image (same title)."""
    if name and not Post.objects.filter(card_image=name).exists():
        default_storage.delete(name)


def digest(parts: list[str]) -> str:
    """A digest of what a content file sets, as the database holds it now."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def reading_minutes(markdown_text: str) -> int:
    return max(1, math.ceil(len(WORD.findall(markdown_text or "")) / WORDS_PER_MINUTE))
