"""Authors, tags, articles and standing pages: what readers read, and the rules that keep it
right (the published rule, the safe-messaging checklist, reviews bound to the text)."""

import html
import math
import re

import reversion
from anyascii import anyascii
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import get_resolver, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext_lazy, ngettext
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField
from PIL import Image, UnidentifiedImageError

from blog.cards import (
    CARD_DESIGN,
    CARD_SIZE,
    HERO_CARD_DESIGN,
    NEUTRAL_CARD_DESIGN,
    render_card,
    render_hero_card,
    render_neutral_card,
)
from blog.models import FOCAL_RANGE_MESSAGE, focal_in_range, hero_upload_to  # PKG
from core.images import hashed_file, store_image
from core.markdown import render_markdown
from core.models import ImportedContent, content_digest
from core.renditions import (
    HERO_RATIO,
    make_renditions,
    media_names,
    picture,
    responsive_images,
)

WORDS_PER_MINUTE = 200


# Letters, digits and "_" (Unicode): static/js/admin-words.js counts with [\p{L}\p{N}_]+, the same set.
WORD = re.compile(r"\w+")


class Author(ImportedContent):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    bio = models.TextField("short bio", max_length=600, blank=True)
    fingerprint_fields = ("name", "slug", "bio")

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="author_has_name",
                                              violation_error_message=_("Give the author a name."))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:author", args=[self.slug])


def tag_slug(name: str) -> str:
    """An ASCII address for any tag name: "चिंता" is transliterated ("cimta") rather than dropped, so
    a tag in any script gets an archive page that every browser and chat app can link to."""
    return slugify(anyascii(name))[:60].strip("-")


def seen_by_readers(through: str = "") -> Q:
    """The one rule for what readers see: published, and its time has come (a scheduled article is
    not seen until then). `through` applies it from another model: "posts__" from a tag, "post__"
    from a tag link. `Post.is_visible` is the same rule for one article already loaded."""
    return Q(**{f"{through}status": Post.Status.PUBLISHED, f"{through}published_at__lte": timezone.now()})


class TagQuerySet(models.QuerySet):
    def with_published_posts(self):
        """Tags readers can follow, the most used first."""
        return self.annotate(post_count=Count("posts", filter=seen_by_readers("posts__"))).filter(
            post_count__gt=0).order_by("-post_count", "name")


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(
        max_length=60, unique=True, blank=True,
        help_text="The tag's archive address, /blog/tag/your-slug/. Leave empty to make it from the name.",
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name="") & ~Q(slug=""), name="tag_has_name_and_slug",
                                              violation_error_message=_(
                                                  "Give the tag a name and a web address (slug)."))]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = tag_slug(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:tag", args=[self.slug])


# The long texts of an article: a listing or a related-articles box never shows them.
ARTICLE_TEXTS = ("body", "body_html", "body_text", "sources", "sources_html")


# The Markdown sources: the article page shows their rendered HTML.
MARKDOWN_SOURCES = ("body", "sources")


# How many of the newest tag links `related_to` ranks (see there).
RELATED_WINDOW = 500


class PostQuerySet(models.QuerySet):
    def published(self):
        """What readers see (`seen_by_readers`)."""
        return self.filter(seen_by_readers())

    def for_listing(self):
        return self.select_related("author").defer(*ARTICLE_TEXTS).order_by("-published_at", "-pk")

    def next_publication(self):
        """When the next scheduled article appears to readers (None if none is scheduled)."""
        return self.scheduled().aggregate(moment=models.Min("published_at"))["moment"]

    def scheduled(self):
        """Published, with a time still to come: readers see it then (`seen_by_readers`)."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())

    def featured(self):
        """The home page's featured article: never a sensitive one, which is only offered on its topic."""
        return self.filter(featured=True, sensitive=False)

    def most_upvoted(self):
        """Ranked by readers' upvotes; a sensitive topic is never ranked by popularity."""
        return self.filter(upvote_count__gt=0, sensitive=False).order_by("-upvote_count", "-published_at")

    def with_review_dates(self):
        """Annotates, from the latest clinical review: `last_reviewed_on`, `next_review_due`,
        `changed_since_review` (the reviewed text changed after it) and `review_current` (it covers
        today's text and its reviewer's profile is active: only then is it shown to readers)."""
        from blog.models.editorial import Review  # here: that module imports this one
        latest = Review.objects.filter(post=OuterRef("pk")).order_by("-reviewed_on", "-pk")
        covers = Q(latest_review_digest=F("text_digest"))
        return self.annotate(
            last_reviewed_on=models.Subquery(latest.values("reviewed_on")[:1]),
            next_review_due=models.Subquery(latest.values("next_review_due")[:1]),
            latest_review_digest=models.Subquery(latest.values("text_digest")[:1]),
            latest_reviewer_active=models.Subquery(latest.values("reviewer__reviewer_profile__active")[:1]),
        ).annotate(
            changed_since_review=models.Case(
                models.When(Q(last_reviewed_on__isnull=False) & ~covers, then=True), default=False),
            review_current=models.Case(models.When(covers & Q(latest_reviewer_active=True), then=True),
                                       default=False),
        )

    def needing_review(self):
        """The clinical reviewers' queue: sensitive articles whose latest review is missing, out of
        date or by a reviewer no longer active."""
        return self.with_review_dates().filter(sensitive=True, review_current=False)

    def with_upvoted_by(self, voter: str | None):
        """Annotates `upvoted`: whether this voter (a voter key, or None) upvoted each post."""
        from blog.models.engagement import Vote  # here: that module imports this one
        if voter is None:
            return self.annotate(upvoted=models.Value(False))
        return self.annotate(upvoted=Exists(Vote.objects.filter(post=OuterRef("pk"), voter=voter)))

    def with_uncounted_upvote_by(self, voter: str | None):
        """Annotates `upvote_uncounted`: whether this voter's upvote is kept for them only (its
        network had used up the day's allowance for the post)."""
        from blog.models.engagement import Vote  # here: that module imports this one
        if voter is None:
            return self.annotate(upvote_uncounted=models.Value(False))
        return self.annotate(upvote_uncounted=Exists(
            Vote.objects.filter(post=OuterRef("pk"), voter=voter, counted=False)))

    def related_to(self, post, limit=3, window=RELATED_WINDOW) -> list:
        """Published posts sharing the most tags with `post`, newest first among equals; when too
        few share a tag, the newest others fill the places. Two queries whatever the archive.

        Candidates are the `window` newest tag links to published posts: counting shared tags over
        every post of a popular tag would grow with the archive, and an article's neighbours are
        wanted among recent writing anyway."""
        tag_ids = [tag.pk for tag in post.tags.all()]
        recent_links = (
            Post.tags.through.objects
            .filter(seen_by_readers("post__"), tag_id__in=tag_ids)
            .exclude(post_id=post.pk)
            .order_by("-post__published_at", "-post_id")
            .values("post_id")[:window]
        )
        sharing = list(
            self.published()
            .filter(pk__in=models.Subquery(recent_links), tags__in=tag_ids)
            .annotate(shared_tags=Count("tags", filter=Q(tags__in=tag_ids)))
            .select_related("author")
            .defer(*ARTICLE_TEXTS)
            .order_by("-shared_tags", "-published_at")[:limit]
        ) if tag_ids else []
        if len(sharing) < limit:
            others = self.fill_ins_for(post).exclude(pk__in=[p.pk for p in sharing])
            others = others.select_related("author").defer(*ARTICLE_TEXTS).order_by("-published_at")
            sharing += list(others[: limit - len(sharing)])
        return sharing

    def fill_ins_for(self, post):
        """Posts that may stand next to `post` without sharing a topic with it: never a sensitive
        one (suicide, self-harm, abuse, eating disorders), which is only ever offered on its topic."""
        return self.published().exclude(pk=post.pk).exclude(sensitive=True)


SENSITIVE_NOT_FEATURED = _("A sensitive article is never featured on the home page: untick “Featured”, or "
                           "untick “Sensitive topic” if the article is not about suicide, self-harm, abuse or "
                           "eating disorders.")


SAFE_MESSAGING_CHECKLIST = {
    "checked_no_method_detail": "No detail of methods or means of self-harm or suicide",
    "checked_no_sensational_headline": "No sensational or alarming headline, subtitle or image",
    "checked_help_resources": "Help resources are present (the help box and a link to /help/ near any mention "
                              "of suicide or self-harm)",
}


# What a clinical review covers: a change to any of these, however small, puts the review out of date.
REVIEWED_FIELDS = ("title", "subtitle", "body", "sources", "content_note")


# What the safe-messaging check reads: a change to any of these after the check calls for a new one.
SAFE_MESSAGING_READS = ("title", "subtitle", "body", "content_note", "hero_image", "hero_alt")


def text_digest(values: dict) -> str:
    """The digest of the reviewed text (REVIEWED_FIELDS), from a post's values or a saved version's."""
    return content_digest(["reviewed-text-1", *(values.get(name) or "" for name in REVIEWED_FIELDS)])


PAGE_TITLE_SUFFIX = " · iDare"  # after an article's title in its page's <title>


@reversion.register(exclude=["upvote_count", "card_image", "card_fingerprint", "imported_fingerprint",
                             "hero_source_digest", "hero_renditions", "text_digest", "text_changed_at",
                             "published_by", "editorial_state", "first_published_at"])
class Post(ImportedContent):
    markdown_texts = ("sources",)  # Markdown in a plain field: core.uploads looks in it for images

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published (scheduled when its time is in the future)"

    class EditorialState(models.TextChoices):
        """Where a draft is in the review between writer and editor (blog/workflow.py moves it);
        publishing is `status`, an editor's decision from any of these."""
        DRAFT = "draft", _("Draft")
        READY_FOR_REVIEW = "ready_for_review", _("Ready for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True,
        help_text="The article's address: /blog/<slug>/. Changing it once published keeps the old address "
                  "working: it redirects to the new one.",
    )
    subtitle = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="posts")
    body = MarkdownxField(help_text="Markdown. Start sections with ## (the title is the page's only top heading).")
    body_html = models.TextField(editable=False, default="")
    body_text = models.TextField(editable=False, default="", help_text="The body as plain text, for search.")
    excerpt = models.CharField(
        "excerpt / meta description", max_length=300,
        help_text="One or two sentences for lists, search engines and link previews. Search engines show "
                  "about 155 characters; 300 at most.",
    )
    first_published_at = models.DateTimeField(
        _("first published"), null=True, blank=True, editable=False,
        help_text=_("Kept when a published article is unpublished, so that readers of a later publication see the "
                    "first date and “Updated”."),
    )
    hero_image = models.ImageField(
        upload_to=hero_upload_to, blank=True, width_field="hero_width", height_field="hero_height"
    )
    hero_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_alt = models.CharField(
        "hero image alt text", max_length=250, blank=True,
        help_text="What the image shows, for people who cannot see it. Required with an image, unless you "
                  "tick “decorative”.",
    )
    hero_decorative = models.BooleanField(
        "the hero image is decorative", default=False,
        help_text="Tick only when the image adds nothing a reader would miss: screen readers then skip it "
                  "(alt=\"\").",
    )
    hero_focal_x = models.SmallIntegerField(
        _("focal point across (%)"), default=50, validators=[focal_in_range],
        help_text=_("Where the image's subject is, from 0 (left edge) to 100 (right edge); 50 is the middle. "
                    "Crops of the image (a tall photo's banner, the link preview) keep that point in frame. "
                    "Click the image to set it."))
    hero_focal_y = models.SmallIntegerField(
        _("focal point down (%)"), default=50, validators=[focal_in_range],
        help_text=_("From 0 (top edge) to 100 (bottom edge); 50 is the middle."))
    hero_renditions = models.JSONField(default=dict, blank=True, editable=False)
    # What the importer last read for the hero: an unchanged file is not decoded and encoded again.
    hero_source_digest = models.CharField(max_length=64, blank=True, editable=False)
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
    sources = models.TextField(
        blank=True,
        help_text="Optional. One source per line, shown as a numbered list at the end of the article. Markdown "
                  "links work: World Health Organization, [ICD-11: QD85 Burnout](https://icd.who.int/), 2019.",
    )
    sources_html = models.TextField(editable=False, default="")
    sensitive = models.BooleanField(
        "sensitive topic", default=False,
        help_text="Suicide, self-harm, abuse or eating disorders. An editor must tick the safe-messaging "
                  "checklist before it is published, and it is never ranked by popularity.",
    )
    content_note = models.CharField(
        max_length=200, blank=True,
        help_text="Optional. A short note shown before the article, e.g. “This article talks about suicide.”",
    )
    checked_no_method_detail = models.BooleanField(SAFE_MESSAGING_CHECKLIST["checked_no_method_detail"],
                                                   default=False)
    checked_no_sensational_headline = models.BooleanField(
        SAFE_MESSAGING_CHECKLIST["checked_no_sensational_headline"], default=False)
    checked_help_resources = models.BooleanField(SAFE_MESSAGING_CHECKLIST["checked_help_resources"], default=False)
    safe_messaging_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False,
        related_name="+",
    )
    safe_messaging_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False,
        related_name="+", help_text=gettext_lazy("Who last published it (empty: the content import)."),
    )
    # Kept by save(): what a clinical review is compared with, in a query as well as on one post.
    text_digest = models.CharField(max_length=64, blank=True, editable=False)
    text_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    featured = models.BooleanField(
        default=False, help_text=_("Feature on the home page. A sensitive article is never featured."))
    published_at = models.DateTimeField(
        "publication time", null=True, blank=True, db_index=True,
        help_text="Readers see the article from this minute on: a future time schedules it, and it appears by "
                  "itself then. Empty: the moment it is saved as published.",
    )
    editorial_state = models.CharField(_("review state"), max_length=20, choices=EditorialState,
                                       default=EditorialState.DRAFT, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
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
        permissions = [("publish_post", "Can publish, schedule and unpublish articles")]
        constraints = [
            models.CheckConstraint(condition=~Q(title="") & ~Q(slug=""), name="post_has_title_and_slug",
                                   violation_error_message=_("Give the article a title and a web address (slug).")),
            models.CheckConstraint(
                condition=Q(hero_focal_x__gte=0, hero_focal_x__lte=100, hero_focal_y__gte=0, hero_focal_y__lte=100),
                name="hero_focal_point_in_image", violation_error_message=FOCAL_RANGE_MESSAGE),
            models.CheckConstraint(condition=Q(status__in=["draft", "published"]), name="post_status_known",
                                   violation_error_message=_("Choose Draft or Published.")),
            models.CheckConstraint(
                condition=Q(editorial_state__in=["draft", "ready_for_review", "changes_requested", "approved"]),
                name="post_editorial_state_known",
                violation_error_message=_("Choose one of the review states: draft, ready for review, changes "
                                          "requested or approved.")),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="published_post_has_date",
                violation_error_message=_(
                    "A published article needs a publication time: leave it empty to publish now."),
            ),
            models.CheckConstraint(
                condition=Q(hero_image="") | ((~Q(hero_alt="") | Q(hero_decorative=True)) & ~Q(hero_credit="")),
                name="hero_image_has_alt_and_credit",
                violation_error_message=_(
                    "An image at the top needs a description (or “decorative” ticked) and a credit saying who "
                    "made it."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(sensitive=False) | Q(
                    checked_no_method_detail=True, checked_no_sensational_headline=True, checked_help_resources=True),
                name="sensitive_post_published_after_safe_messaging_check",
                violation_error_message=_(
                    "A sensitive article is published only after an editor ticks every item of the safe-messaging "
                    "checklist."),
            ),
            models.CheckConstraint(
                condition=Q(social_image="") | ~Q(social_image_alt=""), name="social_image_has_alt",
                violation_error_message=_("Describe your link-preview image for people who cannot see it."),
            ),
            models.CheckConstraint(
                condition=~(Q(featured=True) & Q(sensitive=True)), name="sensitive_post_not_featured",
                violation_error_message=SENSITIVE_NOT_FEATURED,
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        from blog.models.editorial import SlugRedirect  # here: that module imports this one
        from blog.models.media import (  # here: that module imports this one
            delete_card_unless_used,
            delete_images_unless_used,
        )
        previous = (Post.objects.filter(pk=self.pk).values(
            "slug", "status", "hero_image", "social_image", "text_digest", "editorial_state", "published_at",
            *SAFE_MESSAGING_READS, *SAFE_MESSAGING_CHECKLIST).first() if self.pk else None)
        if kwargs.get("update_fields") is None:
            self._follow_safe_messaging_check(previous)
        unpublished = previous is not None and previous["status"] == self.Status.PUBLISHED \
            and self.status == self.Status.DRAFT
        if unpublished:  # back to the writers' side: the next publication goes through review again
            self.editorial_state = self.EditorialState.DRAFT
            if previous["published_at"] is not None and previous["published_at"] <= timezone.now():
                # Readers saw it from that day: a later publication shows it as updated, not as new.
                self.first_published_at = self.first_published_at or previous["published_at"]
            self.published_at = None  # published again with no time means then, not a stale past date
        published = previous is None or previous["status"] != self.Status.PUBLISHED
        published = published and self.status == self.Status.PUBLISHED
        approval_lapsed = self._approval_lapses(previous)
        if approval_lapsed:
            self.editorial_state = self.EditorialState.DRAFT
        reviewed_text = self.reviewed_text_digest()
        if previous is None or previous["text_digest"] != reviewed_text:
            self.text_digest, self.text_changed_at = reviewed_text, timezone.now()
        if self.status == self.Status.PUBLISHED and self._publishes(previous):
            self.published_by = getattr(self, "publisher", None)
        self.body_html = responsive_images(render_markdown(self.body))
        self.sources_html = render_sources(self.sources)
        self.body_text = plain_text(self.body_html)
        self.reading_minutes = reading_minutes(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.hero_image and not self.hero_image._committed:  # renditions are made from the stored file
            self.hero_image.save(self.hero_image.name, self.hero_image.file, save=False)
        if not self.hero_image:
            self.hero_renditions = {}
        elif self.hero_renditions.get("source") != self.hero_image.name \
                or self.hero_renditions.get("focal") != list(self.hero_focal):  # a new focal point: new crops
            self.hero_renditions = self.make_hero_renditions()
        replaced_card = self.refresh_card()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "text_digest", "text_changed_at", "published_by",
                                       "editorial_state", "first_published_at"}
            if unpublished:
                kwargs["update_fields"].add("published_at")
            if replaced_card is not None:
                kwargs["update_fields"] |= {"card_image", "card_fingerprint"}
        super().save(*args, **kwargs)
        self._log_publication(previous, published=published, unpublished=unpublished, approval_lapsed=approval_lapsed)
        if replaced_card:
            transaction.on_commit(lambda: delete_card_unless_used(replaced_card))
        if previous:
            self._keep_old_address(previous["slug"], was_published=previous["status"] == self.Status.PUBLISHED)
            dropped = {previous["hero_image"], previous["social_image"], *media_names(previous["body"])}
            dropped -= {self.hero_image.name, self.social_image.name, *media_names(self.body), ""}
            if dropped:
                transaction.on_commit(lambda: delete_images_unless_used(dropped))
        SlugRedirect.objects.filter(old_slug=self.slug).delete()  # a live address never redirects

    def get_absolute_url(self):
        return reverse("blog:post", args=[self.slug])

    def get_staff_preview_url(self):
        return reverse("admin:blog_post_preview", args=[self.pk])

    def clean(self):
        # "Published" with no time means now: set before any rule that needs a date reads it.
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        errors = {}  # every problem at once, each next to its field where it has one
        if self.hero_image and not (self.hero_alt or self.hero_decorative):
            errors["hero_alt"] = ("Describe the image for people who cannot see it, or tick “decorative” if it adds "
                                  "nothing they would miss.")
        if self.status == self.Status.PUBLISHED and self.sensitive and not self.safe_messaging_checked:
            # Next to the first unticked item, which also spares the editor the constraint's repeat of it.
            unticked = next(name for name in SAFE_MESSAGING_CHECKLIST if not getattr(self, name))
            errors[unticked] = _("A sensitive article is published only after an editor ticks every item of the "
                                 "safe-messaging checklist: tick this one once it is true, or save it as a draft.")
        if self.featured and self.sensitive:
            errors["featured"] = SENSITIVE_NOT_FEATURED
        if hasattr(self, "publisher") and (problems := self.publication_problems(self.publisher)):
            errors["status"] = problems
        if hasattr(self, "publisher"):  # the admin's form; an imported sensitive article is a draft until reviewed
            for field, problem in self.open_safe_messaging_problems():
                errors.setdefault(field, [])
                if not isinstance(errors[field], list):
                    errors[field] = [errors[field]]
                errors[field].append(problem)
        if errors:
            raise ValidationError(errors)

    def _approval_lapses(self, previous: dict | None) -> bool:
        """An approval is of the text the editor read: a change to it by someone who may not publish
        (a writer revising after approval) sends the draft back to be submitted again. An editor's own
        change keeps it: they approve what they write."""
        if previous is None or previous["editorial_state"] != self.EditorialState.APPROVED \
                or self.status != self.Status.DRAFT or previous["text_digest"] == self.reviewed_text_digest():
            return False
        editor = getattr(self, "publisher", None)
        return editor is None or not editor.has_perm("blog.publish_post")

    def _log_publication(self, previous: dict | None, *, published: bool, unpublished: bool,
                         approval_lapsed: bool) -> None:
        """The review history also shows when the article went out, came back, or lost its approval.
        The content import (no `publisher`) publishes as nobody and logs nothing."""
        from blog.models.editorial import EditorialEvent  # here: that module imports this one
        if not hasattr(self, "publisher"):
            return
        before = previous["editorial_state"] if previous else self.editorial_state
        if approval_lapsed:
            EditorialEvent.objects.create(
                post=self, actor=self.publisher, from_state=before, to_state=self.editorial_state,
                note=str(_("The text changed after it was approved: submit it for review again.")))
        if unpublished:
            EditorialEvent.objects.create(post=self, actor=self.publisher, from_state=before,
                                          to_state=self.editorial_state,
                                          publication=EditorialEvent.Publication.UNPUBLISHED)
        elif published:
            scheduled = self.published_at is not None and self.published_at > timezone.now()
            EditorialEvent.objects.create(
                post=self, actor=self.publisher, from_state=before, to_state=self.editorial_state,
                publication=EditorialEvent.Publication.SCHEDULED if scheduled else EditorialEvent.Publication.PUBLISHED,
                note=str(_("For %(moment)s.") % {"moment": f"{timezone.localtime(self.published_at):%-d %b %Y, %H:%M}"})
                if scheduled else "")

    @property
    def updated_for_readers(self):
        """When an article readers saw before was published again, the day they see as “Updated”
        next to the first publication's; None when it has been out once."""
        if self.first_published_at is None or self.published_at is None:
            return None
        if timezone.localdate(self.published_at) == timezone.localdate(self.first_published_at):
            return None
        return self.published_at

    @property
    def reader_date(self):
        """The publication date readers see: the first, when it was published again."""
        return self.first_published_at or self.published_at

    def _follow_safe_messaging_check(self, previous: dict | None) -> None:
        """The checklist's ticks say an editor read these words. Saved by an account that may publish, a
        change to the ticks records who ticked them all and when; saved by one that may not (a writer),
        a change to what the check read clears them, since the check no longer covers what is written.
        Only for a save by a known account (`publisher`, set by the admin's form and by autosave):
        imports and scripts set the ticks themselves."""
        saver = getattr(self, "publisher", None)
        if saver is None:
            return
        def changed(names):
            return previous is None or any(str(previous[name]) != str(getattr(self, name)) for name in names)
        if saver.has_perm("blog.publish_post"):
            if changed(SAFE_MESSAGING_CHECKLIST):
                self.safe_messaging_checked_by = saver if self.safe_messaging_checked else None
                self.safe_messaging_checked_at = timezone.now() if self.safe_messaging_checked else None
        elif self.sensitive and previous is not None and changed(SAFE_MESSAGING_READS):
            for name in SAFE_MESSAGING_CHECKLIST:
                setattr(self, name, False)
            self.safe_messaging_checked_by = self.safe_messaging_checked_at = None

    def reviewed_text_digest(self) -> str:
        return text_digest({name: getattr(self, name) for name in REVIEWED_FIELDS})

    def _publishes(self, previous: dict | None) -> bool:
        """Saving it published now is a publication: it was a draft, or the reviewed text changed."""
        return previous is None or previous["status"] != self.Status.PUBLISHED \
            or previous["text_digest"] != self.reviewed_text_digest()

    def publication_problems(self, publisher) -> list[str]:
        """Why saving this article as published is refused, in plain sentences (none: it may be).

        The four-eyes rule: a sensitive article is published, or published again after a change to
        its reviewed text (or after it was first flagged sensitive), only with a current clinical
        review by someone other than `publisher` (None: the content import, which is nobody).
        Every path that publishes asks this: the admin's form (through clean) and the importer."""
        if self.status != self.Status.PUBLISHED or not self.sensitive:
            return []
        previous = (Post.objects.filter(pk=self.pk).values("status", "text_digest", "sensitive").first()
                    if self.pk else None)
        if not self._publishes(previous) and previous["sensitive"]:
            return []
        review = self.current_review()
        if review is None:
            return [_("A sensitive article is published only once a clinical reviewer has reviewed this version "
                      "of its text. Save it as a draft and ask a clinical reviewer to record a review.")]
        if publisher is not None and review.reviewer_id == publisher.pk:
            return [_("You reviewed this article, so someone else publishes it: ask another editor.")]
        return []

    def open_safe_messaging_problems(self) -> list[tuple[str, str]]:
        """On a sensitive article being published (a draft, or a change to its reviewed text): each
        safe-messaging warning of the editorial checks (blog/checks.py) not reworded nor acknowledged,
        as (the field it is in, a sentence saying what to do)."""
        from blog import checks

        if self.status != self.Status.PUBLISHED or not self.sensitive:
            return []
        previous = (Post.objects.filter(pk=self.pk).values("status", "text_digest", "sensitive").first()
                    if self.pk else None)
        if not self._publishes(previous) and previous["sensitive"]:
            return []
        warnings = [warning for warning in checks.check_fields(checks.post_fields(self))
                    if warning.group == checks.SAFE_MESSAGING]
        return [(warning.field, _(
            "On a sensitive article every safe-messaging warning is reworded or acknowledged before it is "
            "published: %(message)s (“%(excerpt)s”; suggestion: %(suggestion)s). Reword it, acknowledge it with "
            "a reason under Checks, or save it as a draft.") % {"message": warning.message, "excerpt": warning.excerpt,
                                                       "suggestion": warning.suggestion})
            for warning in checks.open_warnings(warnings, checks.acknowledgements(self))]

    def current_review(self):
        """The latest clinical review if it covers the text as it is now, else None.

        An out-of-date review shows readers nothing rather than “reviewed …; changed since”: a
        qualified line still lends a clinician's name and authority to words they never saw. A
        review whose reviewer's profile an administrator deactivated shows nothing either:
        deactivating says iDare no longer stands behind that name and credential, and readers
        cannot tell a past credential from a present one."""
        from blog.models.editorial import Review  # here: that module imports this one
        if not self.pk:
            return None
        review = Review.objects.filter(post_id=self.pk).select_related("reviewer__reviewer_profile").first()
        return review if review is not None and review.covers(self) else None

    def _keep_old_address(self, old_slug: str, *, was_published: bool) -> None:
        from blog.models.editorial import SlugRedirect  # here: that module imports this one
        if old_slug != self.slug and was_published:
            SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"post": self})

    @property
    def is_visible(self) -> bool:
        """Readers can see it now: published, and its time has come."""
        return self.status == self.Status.PUBLISHED and self.published_at is not None \
            and self.published_at <= timezone.now()

    @property
    def publication_state(self) -> str:
        if self.status == self.Status.DRAFT:
            return "draft"
        return "published" if self.is_visible else "scheduled"

    @property
    def safe_messaging_checked(self) -> bool:
        return all(getattr(self, name) for name in SAFE_MESSAGING_CHECKLIST)

    @property
    def hero_focal(self) -> tuple[int, int]:
        return (self.hero_focal_x, self.hero_focal_y)

    def make_hero_renditions(self) -> dict:
        return make_renditions(self.hero_image.name, ratio=HERO_RATIO, focal=self.hero_focal)

    @property
    def hero_picture(self) -> dict | None:
        return picture(self.hero_renditions)

    @property
    def hero_alt_text(self) -> str:
        return "" if self.hero_decorative else self.hero_alt

    @property
    def canonical_url(self) -> str:
        """The article's one public address, from SITE_URL, never from the request's Host."""
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def page_title(self) -> str:
        """The article page's <title>: the link a search result shows."""
        return self.title + PAGE_TITLE_SUFFIX

    @property
    def meta_description(self) -> str:
        """The page's meta description and og:description: what a search result and a link card show
        under the title."""
        return self.excerpt

    def link_preview(self) -> dict:
        """What a search result and a link card show of this article, from the same properties the
        article page's <head> uses (templates/blog/post_detail.html): the admin's "how it will look"
        cannot drift from the page. The address is the canonical one; `url_prefix` and `url_suffix`
        surround the slug, for a live preview while the slug is typed."""
        prefix, suffix = reverse("blog:post", args=["slug"]).rsplit("slug", 1)
        prefix = settings.SITE_URL + prefix
        image = self.share_image
        return {"page_title": self.page_title, "title_suffix": PAGE_TITLE_SUFFIX, "title": self.title,
                "description": self.meta_description,
                "url": prefix + self.slug + suffix, "url_prefix": prefix, "url_suffix": suffix,
                "image": {**image, "absolute_url": settings.SITE_URL + image["url"] if image["url"] else ""}}

    @property
    def card_shows_hero(self) -> bool:
        """A non-sensitive article with a hero is previewed with its photo, as Ghost and WordPress do."""
        return bool(self.hero_image) and not self.sensitive

    def card_signature(self) -> str:
        if self.sensitive:
            return content_digest(["neutral", NEUTRAL_CARD_DESIGN])
        if self.card_shows_hero:
            return content_digest(["hero", HERO_CARD_DESIGN, self.hero_image.name, *map(str, self.hero_focal)])
        return content_digest([CARD_DESIGN, self.title, self.subtitle])

    def _draw_card(self) -> ContentFile | None:
        if self.sensitive:
            return hashed_file(render_neutral_card(), "png")
        if self.card_shows_hero:
            try:
                with self.hero_image.storage.open(self.hero_image.name) as stored, Image.open(stored) as image:
                    return hashed_file(render_hero_card(image, self.hero_focal), "jpg")
            except (FileNotFoundError, UnidentifiedImageError, OSError, ValueError):
                pass  # an unreadable hero: the title card rather than none
        return hashed_file(render_card(self.title, self.subtitle), "png")

    def refresh_card(self, *, force: bool = False) -> str | None:
        """Draws the title card again when its text or design changed (or `force`); a sensitive
        article gets the neutral card, the same for all of them. Returns the name of the card it
        replaced ("" when there was none), or None when nothing changed."""
        signature = self.card_signature()
        if not force and self.card_image and self.card_fingerprint == signature:
            return None
        previous = self.card_image.name or ""
        name = store_image(self._draw_card(), "cards")
        self.card_image.name, self.card_fingerprint = name, signature
        return previous if previous != name else None

    @property
    def share_image(self) -> dict:
        """The image link previews show: the editor's own, or the generated title card. A sensitive
        article's preview is discreet: the neutral card, whatever image the editor chose."""
        if self.sensitive:
            return {"url": self.card_image.url if self.card_image else "", "width": CARD_SIZE[0],
                    "height": CARD_SIZE[1], "alt": str(_("The iDare logo on a plain card"))}
        if self.social_image:
            return {"url": self.social_image.url, "width": CARD_SIZE[0], "height": CARD_SIZE[1],
                    "alt": self.social_image_alt}
        if self.card_shows_hero and self.card_image.name.endswith(".jpg"):  # the hero's photo card
            return {"url": self.card_image.url, "width": CARD_SIZE[0], "height": CARD_SIZE[1],
                    "alt": self.hero_alt_text or f"A photo for “{self.title}”, an article from iDare"}
        return {"url": self.card_image.url if self.card_image else "", "width": CARD_SIZE[0],
                "height": CARD_SIZE[1], "alt": f"Title card: “{self.title}”, an article from iDare"}

    def fingerprint_parts(self, tag_names=None) -> list[str]:
        if tag_names is None:
            tag_names = [tag.name for tag in self.tags.all()]
        parts = [
            self.title, self.slug, self.subtitle, self.author.slug if self.author_id else "", self.body,
            self.excerpt, self.hero_image.name or "", self.hero_alt, self.hero_credit, self.cta_topic, self.status,
            str(self.published_at.timestamp()) if self.published_at else "", str(self.featured),
            "|".join(sorted(tag_names)),
        ]
        # Later fields count only when set, so fingerprints of posts that do not use them stay as they were.
        later = {"hero_decorative": self.hero_decorative, "sources": self.sources, "sensitive": self.sensitive,
                 "content_note": self.content_note,
                 **{name: getattr(self, name) for name in SAFE_MESSAGING_CHECKLIST}}
        return parts + [f"{name}={value}" for name, value in later.items() if value]


@reversion.register(exclude=["imported_fingerprint"])
class Page(ImportedContent):
    """A standing page kept as content: about, contact, privacy, terms, accessibility."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=100, unique=True,
        help_text="The page's address at the top of the site: /your-slug/. Addresses the site itself uses "
                  "(blog, help, admin, support, engage, static, media…) cannot be taken.",
    )
    description = models.CharField(max_length=300, blank=True)
    body = MarkdownxField()
    body_html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)
    fingerprint_fields = ("title", "slug", "description", "body")

    class Meta:
        ordering = ["title"]
        constraints = [models.CheckConstraint(condition=~Q(title="") & ~Q(slug=""), name="page_has_title_and_slug",
                                              violation_error_message=_(
                                                  "Give the page a title and a web address (slug)."))]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        from blog.models.media import delete_images_unless_used  # here: that module imports this one
        previous = Page.objects.filter(pk=self.pk).values_list("body", flat=True).first() if self.pk else None
        self.body_html = responsive_images(render_markdown(self.body))
        super().save(*args, **kwargs)
        if previous and (dropped := media_names(previous) - media_names(self.body)):
            transaction.on_commit(lambda: delete_images_unless_used(dropped))

    def get_absolute_url(self):
        return reverse("pages:detail", args=[self.slug])

    def clean(self):
        if self.slug in reserved_page_slugs():
            raise ValidationError({"slug": f"/{self.slug}/ belongs to the site itself, so a page there could never "
                                           "be reached. Choose another address."})


def reserved_page_slugs() -> set[str]:
    """First path segments the site's own URLs use, read from the URL configuration (so a new app's
    prefix is reserved the day it is added), plus where static files and uploads are served and the
    health probes, which a middleware answers before any URL is resolved."""
    from serving.middleware import ProbesMiddleware

    reserved = {settings.STATIC_URL.strip("/").split("/")[0], settings.MEDIA_URL.strip("/").split("/")[0]}
    reserved |= {probe.strip("/") for probe in ProbesMiddleware.PROBES}
    for pattern in get_resolver().url_patterns:
        route = str(pattern.pattern).lstrip("^")
        segment = re.match(r"[\w.-]*", route).group(0)
        if segment:
            reserved.add(segment)
    return reserved - {""}


def render_sources(text: str) -> str:
    lines = [line.strip().removeprefix("- ").removeprefix("* ") for line in (text or "").splitlines()]
    items = [line for line in lines if line]
    return render_markdown("\n".join(f"1. {item}" for item in items)) if items else ""


def plain_text(html_text: str) -> str:
    return " ".join(html.unescape(strip_tags(html_text)).split())


def word_count(markdown_text: str) -> int:
    return len(WORD.findall(markdown_text or ""))


def reading_minutes(markdown_text: str) -> int:
    return max(1, math.ceil(word_count(markdown_text) / WORDS_PER_MINUTE))


def length_wording(words: int) -> str:
    """One wording for the server and the live count under the text box (static/js/admin-words.js
    fills in the numbers)."""
    return ngettext("%(words)s word · about %(minutes)s min read", "%(words)s words · about %(minutes)s min read",
                    words)


def length_note(markdown_text: str) -> str:
    words = word_count(markdown_text)
    return length_wording(words) % {"words": words, "minutes": reading_minutes(markdown_text)}

