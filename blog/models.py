import hashlib
import math
import re

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from markdownx.models import MarkdownxField

from blog.markdown import render_markdown

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
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.reading_minutes = reading_minutes(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:post", args=[self.slug])

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


def digest(parts: list[str]) -> str:
    """A digest of what a content file sets, as the database holds it now."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def reading_minutes(markdown_text: str) -> int:
    return max(1, math.ceil(len(WORD.findall(markdown_text or "")) / WORDS_PER_MINUTE))
