"""The crisis helplines on /help/: each line, its opening hours and the ways to reach it."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ImportedContent

REVERIFY_AFTER_DAYS = 90


PHONE_NUMBER = re.compile(r"^\+?[0-9][0-9 ()-]{1,24}$")


class HelplineQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def needing_verification(self, today=None):
        today = today or timezone.localdate()
        return self.filter(last_verified_on__lt=today - datetime.timedelta(days=REVERIFY_AFTER_DAYS))


class Helpline(ImportedContent):
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
    hours = models.CharField(max_length=150, help_text=_("The hours in words, as readers see them."))
    round_the_clock = models.BooleanField(
        _("open 24/7"), default=False,
        help_text=_("Tick only when the line answers day and night, every day. Otherwise give its opening periods "
                    "below, or leave both empty when the hours are not confirmed: the page then says so."),
    )
    cost = models.CharField(max_length=100)
    languages = models.CharField(max_length=200, blank=True, help_text=_("The languages in words, e.g. "
                                                                          "“About 20 languages”."))
    served_languages = models.ManyToManyField(
        "Language", blank=True, related_name="+", verbose_name=_("languages served"),
        help_text=_("Each language the line is known to answer in. Leave out any not confirmed."),
    )
    channel_note = models.CharField(
        _("how, in words"), max_length=200, blank=True,
        help_text=_("How the line can be reached, in words, e.g. “Voice, with callback”. The addresses go in the "
                    "channels below."),
    )
    audience = models.CharField("who it is for", max_length=250)
    source = models.TextField(help_text="Where the details were read or confirmed. Shown to staff only.")
    last_verified_on = models.DateField(help_text="When the details were last checked.")
    verified_by = models.CharField(max_length=150, help_text="Who checked, and how (e.g. called the line).")
    active = models.BooleanField(
        default=True, help_text="Only active lines are shown. Keep a line inactive until its number is confirmed."
    )
    editor_note = models.TextField(blank=True, help_text="For staff only, e.g. why a line is inactive.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = HelplineQuerySet.as_manager()

    class Meta:
        ordering = ["urgency", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name="") & ~Q(numbers=""), name="helpline_has_name_and_number",
                                   violation_error_message=_("Give the helpline a name and at least one number.")),
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
    def free_to_call(self) -> bool:
        return self.cost.strip().lower() == "free"

    def needs_verification(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.last_verified_on < today - datetime.timedelta(days=REVERIFY_AFTER_DAYS)

    def hours_data(self) -> dict:
        """The hours as support.hours reads them (and the snapshot keeps them)."""
        return {"round_the_clock": self.round_the_clock, "periods": [period.as_data() for period in self.periods.all()]}

    def fingerprint_parts(self, periods=None, channels=None, language_names=None) -> list[str]:
        """Also over the line's periods, channels and languages: an editor's change to any of them is kept."""
        if periods is None:
            periods = [period.as_data() for period in self.periods.all()]
        if channels is None:
            channels = [(channel.kind, channel.address, channel.active) for channel in self.channels.all()]
        if language_names is None:
            language_names = [language.name for language in self.served_languages.all()]
        return [
            self.name, self.slug, self.numbers, str(self.urgency), self.lead, self.hours, self.cost,
            self.languages, self.channel_note, self.audience, self.source, self.last_verified_on.isoformat(),
            self.verified_by, str(self.active), self.editor_note, str(self.round_the_clock),
            repr(sorted((p["days"], p["opens"], p["closes"]) for p in periods)),
            repr([tuple(channel) for channel in channels]), "|".join(sorted(language_names)),
        ]


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningPeriod(models.Model):
    """When a line answers, in India's time (Asia/Kolkata): from a day to a day (Monday to Saturday,
    or Saturday to Monday across the weekend), from a time to a time; a period that closes at or
    before it opens ends the next day (22:00 to 02:00)."""

    helpline = models.ForeignKey(Helpline, on_delete=models.CASCADE, related_name="periods")
    first_day = models.PositiveSmallIntegerField(_("from"), choices=Weekday.choices)
    last_day = models.PositiveSmallIntegerField(_("to"), choices=Weekday.choices,
                                                help_text=_("The same day for a single day."))
    opens = models.TimeField(_("opens at"), help_text=_("India time, e.g. 10:00."))
    closes = models.TimeField(_("closes at"), help_text=_("India time. Earlier than the opening time: the next "
                                                          "day."))

    class Meta:
        ordering = ["first_day", "opens"]
        verbose_name = _("opening period")
        constraints = [
            models.CheckConstraint(condition=Q(first_day__lte=6) & Q(last_day__lte=6), name="period_days_known",
                                   violation_error_message=_("Choose the days from the list, Monday to Sunday.")),
            models.CheckConstraint(condition=~Q(opens=models.F("closes")), name="period_opens_and_closes",
                                   violation_error_message=_(
                                       "The closing time must differ from the opening time: for all day, choose 00:00 "
                                       "to 23:59.")),
        ]

    def __str__(self):
        return f"{self.get_first_day_display()}–{self.get_last_day_display()} {self:%H:%M}"

    def __format__(self, spec):
        return f"{self.opens:{spec}}–{self.closes:{spec}}" if spec else str(self)

    def clean(self):
        if self.opens is not None and self.opens == self.closes:
            raise ValidationError(_("The opening and closing times are the same. For a line open day and night, "
                                    "tick “open 24/7” instead."))

    @property
    def days(self) -> list[int]:
        """From the first day to the last, wrapping over Sunday."""
        return [(self.first_day + step) % 7 for step in range((self.last_day - self.first_day) % 7 + 1)]

    def as_data(self) -> dict:
        return {"days": self.days, "opens": f"{self.opens:%H:%M}", "closes": f"{self.closes:%H:%M}"}


class ChannelKind(models.TextChoices):
    """How a line is reached besides a call to its numbers: only these need no speaking but video."""

    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("E-mail")
    VIDEO = "video", _("Video")


SILENT_KINDS = {ChannelKind.SMS, ChannelKind.WHATSAPP, ChannelKind.CHAT, ChannelKind.EMAIL}


INTERNATIONAL_NUMBER = re.compile(r"^\+[0-9][0-9 ()-]{6,24}$")


class HelplineChannel(models.Model):
    """One way to reach a line other than calling its numbers, with its own address. Add one only
    with an address that was read or confirmed: nothing is guessed."""

    helpline = models.ForeignKey(Helpline, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(max_length=10, choices=ChannelKind.choices)
    address = models.CharField(
        max_length=300,
        help_text=_("SMS: the number. WhatsApp: the number with its country code (+91 …). Chat and video: the "
                    "web address (https://…). E-mail: the address."),
    )
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Lower comes first."))
    active = models.BooleanField(default=True, help_text=_("Only active channels are shown."))

    class Meta:
        ordering = ["position", "kind"]
        verbose_name = _("channel")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ChannelKind.values), name="channel_kind_known",
                                   violation_error_message=_("Choose one of the kinds of channel listed.")),
            models.CheckConstraint(condition=~Q(address=""), name="channel_has_address",
                                   violation_error_message=_("Give the channel's number or address.")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.address}"

    def clean(self):
        address = self.address.strip()
        self.address = address
        if self.kind == ChannelKind.SMS and not PHONE_NUMBER.match(address):
            raise ValidationError({"address": _("Enter the number to text, made of digits, spaces and hyphens.")})
        if self.kind == ChannelKind.WHATSAPP and not INTERNATIONAL_NUMBER.match(address):
            raise ValidationError({"address": _("Enter the WhatsApp number with its country code, "
                                                "e.g. +91 98765 43210.")})
        if self.kind in (ChannelKind.CHAT, ChannelKind.VIDEO):
            try:
                URLValidator(schemes=["https"])(address)
            except ValidationError:
                raise ValidationError({"address": _("Enter the web address of the page, starting with https://.")}
                                      ) from None
        if self.kind == ChannelKind.EMAIL:
            try:
                EmailValidator()(address)
            except ValidationError:
                raise ValidationError({"address": _("Enter an e-mail address, like help@example.org.")}) from None

    @property
    def link(self) -> str:
        """What the reader's device opens."""
        digits = re.sub(r"[^0-9]", "", self.address)
        return {
            ChannelKind.SMS: "sms:" + re.sub(r"[^0-9+]", "", self.address),
            ChannelKind.WHATSAPP: "https://wa.me/" + digits,
            ChannelKind.EMAIL: "mailto:" + self.address,
        }.get(self.kind, self.address)

    def as_data(self) -> dict:
        return {"kind": self.kind, "address": self.address, "link": self.link, "silent": self.kind in SILENT_KINDS}

