import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from core.crisis import is_devanagari, normalise
from core.crypto import EncryptedTextField
from core.markdown import render_markdown

PLACE = re.compile(r"[a-z_]+\.[a-z_]+(:[-a-z0-9_]+)?", re.IGNORECASE)  # blog.page:privacy, support.provider


def content_digest(parts: list[str]) -> str:
    """The one digest of what a content file sets: SHA-256 over its parts joined by the unit separator."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class ImportedContent(models.Model):
    """A row `import_content` keeps in step with a file in content/ (core.content.sync). It stores the
    file's fingerprint as last imported; `fingerprint()` is the same digest over what the row holds
    now, so an editor's change in the admin is told apart from a changed file and kept.

    A model declares `fingerprint_fields`: the fields a content file sets, in a fixed order (the digest
    depends on it, so reordering them makes every imported row look edited). It extends
    `fingerprint_parts()` for what a field's text does not say: related rows (passed by name while
    the importer's copy is not saved yet), dates as instants, fields that count only when set."""

    fingerprint_fields: tuple[str, ...] = ()
    imported_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    def fingerprint_parts(self) -> list[str]:
        return [str(getattr(self, name)) for name in self.fingerprint_fields]

    def fingerprint(self, **related) -> str:
        return content_digest(self.fingerprint_parts(**related))


class ListingQuerySet(models.QuerySet):
    def listed(self):
        """The one rule for which listings readers see: the listed ones, and invented examples only
        when the site runs as a demo (IDARE_DEMO)."""
        listed = self.filter(listed=True)
        return listed if settings.IDARE_DEMO else listed.filter(example=False)


class Listing(ImportedContent):
    """An entry in one of the site's directories (a provider, a programme): editors hide it without
    deleting it (`listed`), and an invented one that shows how a page looks (`example`) is labelled
    wherever readers see it and shown only on a demo site. Its manager should be built on
    ListingQuerySet."""

    example = models.BooleanField(
        default=False,
        help_text=_("An invented listing that shows how the page looks. Readers see it marked “Example listing”, "
                    "and only on a demo site. Replace it with a real one, then delete it."),
    )
    listed = models.BooleanField(default=True, help_text=_("Shown to readers. Untick to hide it without deleting it."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class DailySalt(models.Model):
    """The secret that turns a visitor's network into a rate-limit key for one day. Yesterday's is
    deleted, so a stored key cannot be traced back to an address once the day is over."""

    shown_to_readers = False  # a secret for hashing networks, never shown

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self):
        return f"salt for {self.day}"


class EncryptionKeyCheck(models.Model):
    """One known value encrypted under IDARE_ENCRYPTION_KEYS, stored the first time the database is
    used: keys that cannot decrypt it are not this database's, and the site refuses to start with
    them (core.crypto.check_keys). Never the key itself; rotate_encryption_keys re-encrypts it."""

    shown_to_readers = False  # a check of the key, never shown

    value = EncryptedTextField()

    def __str__(self):
        return "encryption key check"


class RateLimitCounter(models.Model):
    """Requests from one network in one window of one scope. In the database so that every worker
    and every server counts together."""

    shown_to_readers = False  # counted on every limited request; bumping would empty the cache at each one

    scope = models.CharField(max_length=40)
    bucket = models.CharField(max_length=64, help_text="An HMAC of the network under the day's salt.")
    window_start = models.BigIntegerField(help_text="Seconds since the epoch.")
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "bucket", "window_start"], name="one_counter_per_window",
                                    violation_error_message=_("This counter exists already for this window.")),
        ]

    def __str__(self):
        return f"{self.scope}: {self.hits} hits"


class ContentVersion(models.Model):
    """One number that every change readers can see moves on: kept pages made under an older
    number are out of date (serving/page_cache.py)."""

    shown_to_readers = False  # the version itself: bumping it on its own save would never end

    version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"content version {self.version}"


class Snippet(ImportedContent):
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
    fingerprint_fields = ("slug", "description", "body")

    class Meta:
        ordering = ["slug"]
        constraints = [models.CheckConstraint(condition=~models.Q(slug=""), name="snippet_has_slug",
                                              violation_error_message=_("Give the snippet a short name (slug)."))]

    def __str__(self):
        return self.description or self.slug

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)


class CrisisPhrase(ImportedContent):
    """Words a person in crisis types: a search containing one puts help first, and an article that
    uses one about suicide or self-harm is not published unflagged (core/crisis.py, docs/CRISIS_PHRASES.md)."""

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        HINDI = "hi", _("Hindi, in Devanagari")
        HINGLISH = "hi-latn", _("Hinglish (Hindi in Latin letters)")

    class Kind(models.TextChoices):
        SUICIDAL = "suicidal", _("Suicidal thoughts")
        SELF_HARM = "self-harm", _("Self-harm")
        CRISIS = "crisis", _("Acute crisis, or asking for urgent help")
        # Not a crisis signal: search ignores it; the article checks (blog/checks.py) warn of it.
        WORDING = "wording", _("Wording articles should avoid (not used by search)")

    phrase = models.CharField(
        _("phrase"), max_length=120,
        help_text=_("As people type it, e.g. “want to end it all”. Case, accents, apostrophes, punctuation and "
                    "repeated letters do not matter. Write the shortest words that still mean it: “marna chahta” "
                    "also finds “marna chahta hoon”."),
    )
    normalised = models.CharField(_("normalised"), max_length=120, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=10, choices=Language, default=Language.ENGLISH)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    active = models.BooleanField(
        _("active"), default=True,
        help_text=_("Only active phrases are recognised. Make a phrase inactive rather than deleting it: the next "
                    "import would add a seeded phrase again."),
    )
    editor_note = models.TextField(_("editor's note"), blank=True,
                                   help_text=_("For staff only, e.g. where it came from."))
    suggestion = models.CharField(
        _("suggested wording"), max_length=300, blank=True,
        help_text=_("For wording articles should avoid: what to write instead, as the guidance words it, e.g. "
                    "“died by suicide” for “committed suicide”. Shown to editors next to the article."))
    updated_at = models.DateTimeField(auto_now=True)
    fingerprint_fields = ("normalised", "phrase", "language", "kind", "active", "editor_note")

    class Meta:
        verbose_name = _("crisis phrase")
        verbose_name_plural = _("crisis phrases")
        ordering = ["language", "kind", "normalised"]
        constraints = [models.CheckConstraint(condition=~models.Q(normalised=""), name="crisis_phrase_has_words",
                                              violation_error_message=_(
                                                  "Write the phrase: it needs at least one word."))]

    def __str__(self):
        return self.phrase

    def save(self, *args, **kwargs):
        self.normalised = normalise(self.phrase)
        super().save(*args, **kwargs)

    def clean(self):
        self.normalised = normalise(self.phrase)
        if not self.normalised:
            raise ValidationError({"phrase": _("Write the phrase in words: letters, not only punctuation or spaces.")})
        if len(self.normalised) > self._meta.get_field("normalised").max_length:
            raise ValidationError({"phrase": _("Write a shorter phrase.")})
        devanagari = is_devanagari(self.normalised)
        if self.language == self.Language.HINDI and not devanagari:
            raise ValidationError({"language": _("This phrase is in Latin letters: choose Hinglish, not Hindi.")})
        if self.language != self.Language.HINDI and devanagari:
            raise ValidationError({"language": _("This phrase is in Devanagari: choose Hindi.")})
        if self.kind == self.Kind.WORDING and not self.suggestion.strip():
            raise ValidationError({"suggestion": _("Say what an article should write instead: editors see it next "
                                                   "to the warning.")})

    def fingerprint_parts(self) -> list[str]:
        # The suggestion only when set, so phrases imported before suggestions existed keep their fingerprint.
        return super().fingerprint_parts() + ([self.suggestion] if self.suggestion else [])


class LaunchFactQuerySet(models.QuerySet):
    def missing(self):
        return self.filter(answer="")

    def checklist(self):
        """Missing facts first, then in the order content/launch_facts.yaml gives."""
        return self.order_by(models.F("supplied_at").asc(nulls_first=True), "position", "slug")


class LaunchFact(ImportedContent):
    """A fact only iDare can supply (a registered name, a reply time, a fee) that the site's pages
    leave out until it is known. content/launch_facts.yaml seeds the list; the launch checklist in
    the admin shows what is still missing and where each fact is edited, and `check --deploy` warns
    while any is. Editors write the fact into those pages themselves, then record it here."""

    slug = models.SlugField(max_length=80, unique=True)
    question = models.CharField(_("question"), max_length=300)
    why = models.TextField(_("why it matters"))
    edited_in = models.TextField(
        _("where it is edited"),
        help_text=_("One place a line: a model as app.model, with the slug of the record after a colon where "
                    "it is one record, e.g. blog.page:privacy."),
    )
    position = models.PositiveSmallIntegerField(default=100)
    answer = models.TextField(
        _("the fact as iDare gave it"), blank=True,
        help_text=_("Write the fact into the pages listed above first, then here: filling this in records it as "
                    "supplied, by you and now. Leave it empty while it is missing."),
    )
    supplied_at = models.DateTimeField(_("supplied at"), null=True, blank=True, editable=False)
    supplied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                    on_delete=models.SET_NULL, related_name="+", verbose_name=_("supplied by"))
    fingerprint_fields = ("slug", "question", "why", "edited_in", "position", "answer")

    objects = LaunchFactQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("launch fact")
        verbose_name_plural = _("launch checklist")
        constraints = [
            models.CheckConstraint(condition=~models.Q(slug="") & ~models.Q(question=""),
                                   name="launch_fact_has_question",
                                   violation_error_message=_(
                                       "A launch fact needs a short name (slug) and its question.")),
            # Supplied exactly when there is an answer: the checklist and the deploy check cannot disagree.
            models.CheckConstraint(condition=models.Q(answer="") ^ models.Q(supplied_at__isnull=False),
                                   name="launch_fact_supplied_with_answer",
                                   violation_error_message=_(
                                       "Write the answer, or leave the answer empty if it has not been supplied yet.")),
        ]

    def __str__(self):
        return self.question

    def save(self, *args, **kwargs):
        self.answer = self.answer.strip()
        if not self.answer:
            self.supplied_at, self.supplied_by = None, None
        elif self.supplied_at is None:
            self.supplied_at = timezone.now()
        super().save(*args, **kwargs)

    def clean(self):
        bad = [line for line in self.edited_in.splitlines() if line.strip() and not PLACE.fullmatch(line.strip())]
        if bad or not self.places:
            raise ValidationError({"edited_in": _("Write one place a line, as app.model or app.model:slug.")})

    @property
    def is_supplied(self) -> bool:
        return bool(self.answer)

    @property
    def places(self) -> list[tuple[str, str]]:
        """(model label such as "blog.page", the record's slug or "") for each place it is edited."""
        found = []
        for line in self.edited_in.splitlines():
            label, _colon, slug = line.strip().partition(":")
            if label:
                found.append((label.lower(), slug.strip()))
        return found
