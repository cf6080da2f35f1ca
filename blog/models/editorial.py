"""The editorial workflow around an article: old addresses, clinical reviews and reviewers,
preview links, the review's history, corrections, acknowledged checks, autosaves and who
else is editing."""

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from blog.models import new_nonce  # PKG
from blog.models.articles import Post, text_digest


class SlugRedirect(models.Model):
    """An address a published post had before its slug changed: it answers 301 to the post's address
    now, in one hop however many times the slug changed."""

    old_slug = models.SlugField(max_length=200, unique=True)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="old_addresses")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"/blog/{self.old_slug}/ → {self.post_id}"


class ReviewerProfile(models.Model):
    """A clinical reviewer as readers see them: one per account, maintained by administrators only.
    Only an account with an active profile can record a review, and always as itself."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile",
                                verbose_name=gettext_lazy("account"))
    name = models.CharField(gettext_lazy("name"), max_length=120,
                            help_text=gettext_lazy("As readers will see it, e.g. “Dr Asha Rao”."))
    credentials = models.CharField(
        gettext_lazy("credentials"), max_length=200,
        help_text=gettext_lazy("Qualification and registration, e.g. “M.Phil. Clinical Psychology, RCI-registered”."))
    active = models.BooleanField(
        gettext_lazy("active"), default=True,
        help_text=gettext_lazy("Untick when iDare no longer stands behind this name and credential: the account can "
                               "no longer record reviews, and readers no longer see its reviews."))

    class Meta:
        ordering = ["name"]
        verbose_name = gettext_lazy("reviewer profile")
        constraints = [models.CheckConstraint(condition=~Q(name="") & ~Q(credentials=""),
                                              name="reviewer_profile_has_name_and_credentials",
                                              violation_error_message=_(
                                                  "Give the reviewer's name and credentials as readers see them."))]

    def __str__(self):
        return f"{self.name}, {self.credentials}"


class Review(models.Model):
    """A clinical review of one version of an article, by the account that recorded it. Readers see
    the latest one only while it covers the text as it is (see Post.current_review)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 editable=False, related_name="clinical_reviews")
    # What readers saw: copied from the reviewer's profile when the review was recorded, so a later
    # change to the profile does not rewrite what the reviewer held then (reviews from before profiles,
    # and from content files, have only these).
    reviewer_name = models.CharField(max_length=120, editable=False)
    reviewer_credentials = models.CharField(max_length=200, editable=False)
    reviewed_on = models.DateField(help_text="The day the reviewer finished reviewing this version.")
    next_review_due = models.DateField(help_text="When the article should be checked again (usually within a year).")
    notes = models.TextField(blank=True, help_text="For editors only; never shown to readers.")
    # The version reviewed: the digest of its reviewed text (empty: unknown, so never current) and,
    # where django-reversion kept it, the saved version itself.
    text_digest = models.CharField(max_length=64, blank=True, editable=False)
    version = models.ForeignKey(Version, null=True, blank=True, on_delete=models.SET_NULL, editable=False,
                                related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    editable=False, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reviewer_name="") & ~Q(reviewer_credentials=""),
                                   name="review_names_reviewer_and_credentials",
                                   violation_error_message=_("A review names its reviewer and their credentials.")),
            models.CheckConstraint(condition=Q(next_review_due__gt=F("reviewed_on")),
                                   name="next_review_after_review",
                                   violation_error_message=_(
                                       "The next review is due after the day of this review: choose a later date.")),
        ]

    def __str__(self):
        return f"{self.reviewer_name} on {self.reviewed_on}"

    def clean(self):
        if self.reviewed_on and self.reviewed_on > timezone.localdate():
            raise ValidationError({"reviewed_on": "A review is recorded once it has happened, not before."})
        if self.reviewed_on and self.next_review_due and self.next_review_due <= self.reviewed_on:
            raise ValidationError({"next_review_due": "The next review comes after this one."})
        changed = self.post.text_changed_at if self.post_id else None
        if self.reviewed_on and changed and self.reviewed_on < timezone.localdate(changed):
            raise ValidationError({"reviewed_on": _(
                "The article's text last changed on %(day)s: a review of this version cannot be dated before it."
            ) % {"day": f"{timezone.localdate(changed):%-d %b %Y}"}})

    def record_by(self, user) -> None:
        """Makes this the review by `user` (who must have an active reviewer profile) of the article as
        it is stored now: the name readers see, the text's digest and the saved version."""
        profile = user.reviewer_profile
        self.reviewer, self.recorded_by = user, user
        self.reviewer_name, self.reviewer_credentials = profile.name, profile.credentials
        self.text_digest = Post.objects.values_list("text_digest", flat=True).get(pk=self.post_id)
        latest = Version.objects.get_for_object_reference(Post, self.post_id).first()
        self.version = latest if latest is not None and text_digest(latest.field_dict) == self.text_digest else None

    def covers(self, post: Post) -> bool:
        """Current for `post` as it is in memory: the same reviewed text, by a reviewer still active."""
        if not self.text_digest or self.text_digest != post.reviewed_text_digest() or self.reviewer_id is None:
            return False
        profile = getattr(self.reviewer, "reviewer_profile", None)
        return profile is not None and profile.active


def has_active_reviewer_profile(user) -> bool:
    return ReviewerProfile.objects.filter(user_id=user.pk, active=True).exists()


PREVIEW_SALT = "blog.preview-link"


PREVIEW_MAX_DAYS = 30


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def from_token(self, token: str):
        """The active link a token names, or None: forged, expired or revoked tokens are all None."""
        try:
            pk, nonce = signing.loads(token, salt=PREVIEW_SALT, max_age=datetime.timedelta(days=PREVIEW_MAX_DAYS))
        except (signing.BadSignature, ValueError, TypeError):
            return None
        return self.active().select_related("post").filter(pk=pk, nonce=nonce).first()


class PreviewLink(models.Model):
    """A private, signed, expiring and revocable address at which someone without an account (a clinical
    reviewer) can read a draft or scheduled post. Never listed anywhere, never indexed."""

    shown_to_readers = False  # preview pages are never kept

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="preview_links")
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"preview of {self.post_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("blog:preview", args=[signing.dumps([self.pk, self.nonce], salt=PREVIEW_SALT)])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class EditorialEvent(models.Model):
    """One move of a post between review states, by whom, when and why: appended, never edited
    (the admin shows them on the post's page and offers no way to change one)."""

    shown_to_readers = False  # the review is for staff only

    class Publication(models.TextChoices):
        PUBLISHED = "published", _("Published")
        SCHEDULED = "scheduled", _("Scheduled")
        UNPUBLISHED = "unpublished", _("Unpublished")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="editorial_events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    from_state = models.CharField(_("from"), max_length=20, choices=Post.EditorialState)
    to_state = models.CharField(_("to"), max_length=20, choices=Post.EditorialState)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    publication = models.CharField(_("publication"), max_length=20, choices=Publication, blank=True,
                                   help_text=_("Empty for a move in the review."))

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_state__in=["draft", "ready_for_review", "changes_requested", "approved"])
                & Q(from_state__in=["draft", "ready_for_review", "changes_requested", "approved"]),
                name="editorial_event_states_known",
                violation_error_message=_("Choose one of the review states: draft, ready for review, changes "
                                          "requested or approved.")),
            models.CheckConstraint(
                condition=~Q(to_state="changes_requested") | ~Q(note="") | ~Q(publication=""),
                name="changes_requested_with_note",
                violation_error_message=_("Say what should change: the writer reads your note.")),
            models.CheckConstraint(
                condition=Q(publication__in=["", "published", "scheduled", "unpublished"]),
                name="editorial_event_publication_known",
                violation_error_message=_("Choose published, scheduled or unpublished, or leave it empty.")),
        ]

    def __str__(self):
        if self.publication:
            return self.get_publication_display()
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


class Correction(models.Model):
    """A dated note to readers when a correction changes what an article says (the editorial policy's
    promise). Its date is when it was recorded, never typed: a correction cannot be backdated."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="corrections")
    note = models.TextField(
        _("what was corrected"), max_length=600,
        help_text=_("For readers, in a sentence or two: what the article said before and what it says now, e.g. "
                    "“An earlier version gave the wrong hours for the helpline.”"),
    )
    corrected_at = models.DateTimeField(_("corrected on"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    editable=False, related_name="+")

    class Meta:
        ordering = ["corrected_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(note=""), name="correction_has_note",
                                              violation_error_message=_("Say what was corrected."))]

    def __str__(self):
        return _("Correction of %(day)s") % {"day": f"{timezone.localtime(self.corrected_at):%-d %b %Y}"} \
            if self.corrected_at else str(_("New correction"))


class CheckAcknowledgementQuerySet(models.QuerySet):
    def current(self):
        """The acknowledgements in force: not withdrawn (the only ones check_acknowledged_once bounds)."""
        return self.filter(withdrawn_at__isnull=True)

    def withdrawn(self):
        return self.filter(withdrawn_at__isnull=False)


class CheckAcknowledgement(models.Model):
    """An editor's or clinical reviewer's decision that one warning of the editorial checks
    (blog/checks.py) is right as written, and why. It names the warning by its code and a
    fingerprint of its excerpt, so rewording the passage raises the warning again. Withdrawn, it is
    kept with who withdrew it and when, and the warning is open again."""

    shown_to_readers = False  # the desk's decisions, for staff only

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="check_acknowledgements")
    code = models.CharField(_("check"), max_length=40)
    fingerprint = models.CharField(max_length=64)
    excerpt = models.CharField(_("excerpt"), max_length=300, blank=True)
    reason = models.TextField(_("reason"), max_length=1000)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), default=timezone.now)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("withdrawn by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = CheckAcknowledgementQuerySet.as_manager()

    class Meta:
        verbose_name = _("check acknowledgement")
        verbose_name_plural = _("check acknowledgements")
        ordering = ["-acknowledged_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "code", "fingerprint"], condition=Q(withdrawn_at__isnull=True),
                                    name="check_acknowledged_once",
                                    violation_error_message=_("This warning is already acknowledged.")),
            models.CheckConstraint(condition=~Q(reason=""), name="check_acknowledgement_has_reason",
                                   violation_error_message=_("Say why the wording is right as it is.")),
        ]

    def __str__(self):
        return f"{self.code}: {self.excerpt}"

    def clean(self):
        if not self.reason.strip():
            raise ValidationError({"reason": _("Say why the wording is right as it is.")})


# --- Autosave and editing presence (issue 15; blog/autosave.py has the rules) ---------------------
class Autosave(models.Model):
    """One editor's working copy of one article's text, saved while they type: never published, never
    shown to readers, never written to the Post row. One row per editor and post, updated in place;
    deleted when that editor really saves the article."""

    shown_to_readers = False  # saved every few seconds while someone types; readers never see it

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="autosaves")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.JSONField(default=dict)  # {field name: value} for blog.autosave.FIELDS only
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["post", "user"], name="one_autosave_per_editor",
            violation_error_message=_("You already have an autosaved copy of this article: reload the page."))]

    def __str__(self):
        return str(_("Autosave"))


class EditingPresence(models.Model):
    """Who has an article's form open: the autosave script's heartbeat; silent for
    blog.autosave.PRESENCE_SECONDS, it no longer counts."""

    shown_to_readers = False  # a heartbeat every 30 s: emptying the page cache at each would be waste

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["post", "user"], name="one_presence_per_editor",
            violation_error_message=_("You are already shown as editing this article."))]

    def __str__(self):
        return str(_("Editing"))

