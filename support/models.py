import datetime
import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

REVERIFY_AFTER_DAYS = 90
PHONE_NUMBER = re.compile(r"^\+?[0-9][0-9 ()-]{1,24}$")
# Editors write "24x7" (or 24/7) for a line that answers day and night, and a cost of exactly "Free"
# only when the call itself costs nothing (a toll-free number or a short code such as 14416).
ROUND_THE_CLOCK = re.compile(r"^\s*24\s*(x|×|/)\s*7\b", re.IGNORECASE)


class HelplineQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def needing_verification(self, today=None):
        today = today or timezone.localdate()
        return self.filter(last_verified_on__lt=today - datetime.timedelta(days=REVERIFY_AFTER_DAYS))


class Helpline(models.Model):
    """A crisis or support line shown on /help/. Editors keep these true: numbers change."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    numbers = models.CharField(
        max_length=200,
        help_text="One or more phone numbers separated by “;”, as readers dial them (e.g. 14416; 1-800-891-4416).",
    )
    urgency = models.PositiveSmallIntegerField(
        default=100, help_text="Lower comes first on /help/: the emergency number is 1."
    )
    lead = models.CharField(
        max_length=200, blank=True,
        help_text="An optional line shown above the name, e.g. “If you or someone else is in immediate danger”.",
    )
    hours = models.CharField(max_length=150)
    cost = models.CharField(max_length=100)
    languages = models.CharField(max_length=200, blank=True)
    channels = models.CharField(max_length=200, blank=True, help_text="Voice, WhatsApp, chat, e-mail, video…")
    audience = models.CharField("who it is for", max_length=250)
    source = models.TextField(help_text="Where the details were read or confirmed. Shown to staff only.")
    last_verified_on = models.DateField(help_text="When the details were last checked.")
    verified_by = models.CharField(max_length=150, help_text="Who checked, and how (e.g. called the line).")
    active = models.BooleanField(
        default=True, help_text="Only active lines are shown. Keep a line inactive until its number is confirmed."
    )
    editor_note = models.TextField(blank=True, help_text="For staff only, e.g. why a line is inactive.")
    updated_at = models.DateTimeField(auto_now=True)
    imported_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    objects = HelplineQuerySet.as_manager()

    class Meta:
        ordering = ["urgency", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name="") & ~Q(numbers=""), name="helpline_has_name_and_number"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        bad = [number for number in self.number_list if not PHONE_NUMBER.match(number)]
        if bad or not self.number_list:
            raise ValidationError(
                {"numbers": "Enter phone numbers made of digits, spaces, hyphens, brackets and an optional +, "
                            "separated by “;”."}
            )

    @property
    def number_list(self) -> list[str]:
        return [number.strip() for number in self.numbers.split(";") if number.strip()]

    @property
    def dial_links(self) -> list[tuple[str, str]]:
        """(what readers see, the tel: URI their phone dials)."""
        return [(number, "tel:" + re.sub(r"[^0-9+]", "", number)) for number in self.number_list]

    @property
    def round_the_clock(self) -> bool:
        return bool(ROUND_THE_CLOCK.match(self.hours))

    @property
    def free_to_call(self) -> bool:
        return self.cost.strip().lower() == "free"

    def needs_verification(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.last_verified_on < today - datetime.timedelta(days=REVERIFY_AFTER_DAYS)

    def fingerprint(self) -> str:
        parts = [
            self.name, self.slug, self.numbers, str(self.urgency), self.lead, self.hours, self.cost,
            self.languages, self.channels, self.audience, self.source, self.last_verified_on.isoformat(),
            self.verified_by, str(self.active), self.editor_note,
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
