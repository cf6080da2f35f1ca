import hashlib

from django.db import models
from markdownx.models import MarkdownxField

from idare.markdown import render_markdown


class DailySalt(models.Model):
    """The secret that turns a visitor's network into a rate-limit key for one day. Yesterday's is
    deleted, so a stored key cannot be traced back to an address once the day is over."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self):
        return f"salt for {self.day}"


class RateLimitCounter(models.Model):
    """Requests from one network in one window of one scope. In the database so that every worker
    and every server counts together."""

    scope = models.CharField(max_length=40)
    bucket = models.CharField(max_length=64, help_text="An HMAC of the network under the day's salt.")
    window_start = models.BigIntegerField(help_text="Seconds since the epoch.")
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "bucket", "window_start"], name="one_counter_per_window"),
        ]

    def __str__(self):
        return f"{self.scope}: {self.hits} hits"


class ContentVersion(models.Model):
    """One number that every change readers can see moves on: kept pages made under an older
    number are out of date (idare/pagecache.py)."""

    version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"content version {self.version}"


class Snippet(models.Model):
    """A short piece of site-wide copy that editors change in the admin, such as the call to action
    closing every article. Templates name it by its slug; readers see its sanitized HTML."""

    slug = models.SlugField(max_length=60, unique=True,
                            help_text="The name templates use to show it. Changing it hides the snippet.")
    description = models.CharField(max_length=200, help_text="Where it appears, for editors.")
    body = MarkdownxField(
        help_text="Markdown. In the article call to action, write {topic} where an article's own topic goes: it "
                  "becomes e.g. “trust issues, ” (with its comma and space), or nothing when the article has none."
    )
    body_html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)
    imported_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["slug"]
        constraints = [models.CheckConstraint(condition=~models.Q(slug=""), name="snippet_has_slug")]

    def __str__(self):
        return self.description or self.slug

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def fingerprint(self) -> str:
        return hashlib.sha256("\x1f".join([self.slug, self.description, self.body]).encode()).hexdigest()
