import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from core.crypto import EncryptedTextField
from core.markdown import render_markdown
from core.models import ImportedContent
from core.reference import new_reference

REVERIFY_AFTER_DAYS = 90
PHONE_NUMBER = re.compile(r"^\+?[0-9][0-9 ()-]{1,24}$")
# Editors write a cost of exactly "Free" only when the call itself costs nothing (a toll-free
# number or a short code such as 14416).


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


# --- The provider directory and the Support page ------------------------------------------------

class FeeBand(models.TextChoices):
    """What a session costs. Sliding scale: the fee is agreed with each person according to income."""

    FREE = "free", "Free"
    SLIDING = "sliding", "Sliding scale (agreed according to income)"
    UP_TO_500 = "up-to-500", "₹500 or less a session"
    UP_TO_1500 = "up-to-1500", "₹501 to ₹1,500 a session"
    OVER_1500 = "over-1500", "More than ₹1,500 a session"


# The bands a person who can pay at most N a session can afford. A sliding scale is agreed
# according to income, so it is offered to anyone who can pay something.
AFFORDABLE_BANDS = {
    0: [FeeBand.FREE],
    500: [FeeBand.FREE, FeeBand.SLIDING, FeeBand.UP_TO_500],
    1500: [FeeBand.FREE, FeeBand.SLIDING, FeeBand.UP_TO_500, FeeBand.UP_TO_1500],
}


class Named(models.Model):
    """A short list editors keep (languages, concerns), each a name and its slug for addresses."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name="") & ~Q(slug=""), name="%(class)s_has_name",
                                              violation_error_message=_("Give it a name and a web address (slug)."))]

    def __str__(self):
        return self.name


class Language(Named):
    pass


class Concern(Named):
    """Something people ask for help with, such as anxiety or grief: providers list those they work with."""


class ProviderQuerySet(models.QuerySet):
    def listed(self):
        """The one rule for what readers see: examples only when the site runs as a demo (IDARE_DEMO)."""
        listed = self.filter(listed=True)
        return listed if settings.IDARE_DEMO else listed.filter(example=False)

    def choosable(self):
        """Providers a person may name in an enquiry: real ones, listed, taking new clients."""
        return self.listed().filter(example=False, accepting_new_clients=True)

    def for_directory(self):
        return self.prefetch_related("languages", "concerns").order_by("example", "-accepting_new_clients", "name")

    def affordable_at(self, fee_max: int):
        return self.filter(fee_band__in=AFFORDABLE_BANDS[fee_max])


class Provider(ImportedContent):
    class Gender(models.TextChoices):
        WOMAN = "woman", "Woman"
        MAN = "man", "Man"
        NON_BINARY = "non-binary", "Non-binary"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True, help_text="The provider's address: /support/providers/<slug>/")
    credentials = models.CharField(
        max_length=200, help_text="Qualifications and role, e.g. “M.Phil. Clinical Psychology; clinical psychologist”."
    )
    registration = models.CharField(
        max_length=200, blank=True,
        help_text="Where a registration applies: the register and number, e.g. “RCI CRR No. A12345”. "
                  "Leave empty where none applies.",
    )
    languages = models.ManyToManyField(Language, related_name="providers")
    online = models.BooleanField(default=False, help_text="Offers sessions online (video or phone).")
    in_person = models.BooleanField(default=False, help_text="Offers sessions in person, in the city below.")
    city = models.CharField(max_length=80, blank=True, help_text="Required for in-person sessions.")
    fee_band = models.CharField(max_length=20, choices=FeeBand.choices)
    fee_note = models.CharField(
        max_length=200, blank=True, help_text="Optional detail, e.g. “₹300 to ₹800, according to income”."
    )
    concerns = models.ManyToManyField(Concern, blank=True, related_name="providers",
                                      help_text="What they work with.")
    gender = models.CharField(max_length=20, choices=Gender.choices, blank=True,
                              help_text="As the provider describes themselves; leave empty if not stated.")
    queer_affirmative = models.BooleanField(
        "queer-affirmative", default=False,
        help_text="The provider describes their practice as affirming of LGBTQIA+ people.",
    )
    accepting_new_clients = models.BooleanField(default=True)
    bio = models.TextField("short bio", max_length=1200,
                           help_text="A few sentences in the provider's words. Plain text.")
    photo = models.ImageField(upload_to="providers/", blank=True, width_field="photo_width",
                              height_field="photo_height")
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    example = models.BooleanField(
        default=False,
        help_text="An invented listing that shows how the directory looks. Readers see “Example listing: not a "
                  "real provider” and cannot choose it in an enquiry. Replace these with real providers.",
    )
    listed = models.BooleanField(default=True, help_text="Shown in the directory.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name="") & ~Q(slug=""), name="provider_has_name",
                                   violation_error_message=_("Give the provider a name and a web address (slug).")),
            models.CheckConstraint(condition=Q(online=True) | Q(in_person=True), name="provider_has_a_mode",
                                   violation_error_message=_("Tick online, in person, or both.")),
            models.CheckConstraint(condition=Q(in_person=False) | ~Q(city=""), name="in_person_provider_has_city",
                                   violation_error_message=_("A provider who sees people in person needs a city.")),
            models.CheckConstraint(condition=Q(fee_band__in=FeeBand.values), name="provider_fee_band_known",
                                   violation_error_message=_("Choose one of the fee bands listed.")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("support:provider", args=[self.slug])

    def clean(self):
        if not (self.online or self.in_person):
            raise ValidationError("Choose online, in person, or both.")
        if self.in_person and not self.city.strip():
            raise ValidationError({"city": "Give the city where in-person sessions take place."})

    def fingerprint_parts(self, language_names=None, concern_names=None) -> list[str]:
        if language_names is None:
            language_names = [language.name for language in self.languages.all()]
        if concern_names is None:
            concern_names = [concern.name for concern in self.concerns.all()]
        return [
            self.name, self.slug, self.credentials, self.registration, str(self.online), str(self.in_person),
            self.city, self.fee_band, self.fee_note, self.gender, str(self.queer_affirmative),
            str(self.accepting_new_clients), self.bio, str(self.example), str(self.listed),
            "|".join(sorted(language_names)), "|".join(sorted(concern_names)),
        ]


class Service(ImportedContent):
    """One thing Support offers, shown on /support/ with what it costs."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    summary = MarkdownxField(help_text="Two or three sentences in Markdown.")
    summary_html = models.TextField(editable=False, default="")
    fee_band = models.CharField(max_length=20, choices=FeeBand.choices, blank=True,
                                help_text="Leave empty while the fee is not yet confirmed.")
    fee_detail = models.CharField(max_length=200, blank=True, help_text="Shown after the fee band, e.g. the amounts.")
    position = models.PositiveSmallIntegerField(default=100, help_text="Lower comes first.")
    active = models.BooleanField(default=True, help_text="Only active services are shown.")

    fingerprint_fields = ("title", "slug", "summary", "fee_band", "fee_detail", "position", "active")

    class Meta:
        ordering = ["position", "title"]
        constraints = [
            models.CheckConstraint(condition=~Q(title="") & ~Q(slug=""), name="service_has_title",
                                   violation_error_message=_("Give the service a title and a web address (slug).")),
            models.CheckConstraint(condition=Q(fee_band__in=["", *FeeBand.values]), name="service_fee_band_known",
                                   violation_error_message=_("Choose one of the fee bands listed, or none.")),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.summary_html = render_markdown(self.summary)
        super().save(*args, **kwargs)



class SupportText(ImportedContent):
    """Prose that editors keep on Support's pages, one text per place."""

    class Place(models.TextChoices):
        HOW_IT_WORKS = "how-it-works", "Support page: how it works"
        WHAT_TO_EXPECT = "what-to-expect", "Support page: what to expect"
        NEXT_STEPS = "next-steps", "After an enquiry: what happens next (page and e-mail)"
        CONTACT = "contact", "Contact page: the text around the form"

    slug = models.SlugField("place", max_length=40, unique=True, choices=Place.choices)
    title = models.CharField(max_length=200, help_text="The heading shown above the text.")
    description = models.CharField(max_length=300, blank=True, help_text="For search engines, where the text "
                                                                          "is a page of its own.")
    body = MarkdownxField(help_text=_("Markdown. Leave out any fact iDare has not confirmed, never a placeholder: "
                                       "the launch checklist (Site › Launch checklist) lists what is missing."))
    body_html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)
    fingerprint_fields = ("slug", "title", "description", "body")

    class Meta:
        ordering = ["slug"]
        verbose_name = "Support text"
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="support_text_has_title",
                                              violation_error_message=_("Give the text a title."))]

    def __str__(self):
        return self.get_slug_display()

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    @classmethod
    def for_places(cls, *places: str) -> dict[str, "SupportText"]:
        """The texts for these places in one query, keyed by place; a place without a text is absent."""
        return {text.slug: text for text in cls.objects.filter(slug__in=places)}


# --- What people send us: enquiries and contact messages ----------------------------------------
# Sensitive by design: contact details and free text are encrypted at rest, staff need a dedicated
# permission to see them, every opening is recorded, and closed ones are purged after a while.

class Status(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    REFERRED = "referred", "Referred"
    CLOSED = "closed", "Closed"


class ReplyBy(models.TextChoices):
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone"


class Mode(models.TextChoices):
    ONLINE = "online", "Online"
    IN_PERSON = "in-person", "In person"
    EITHER = "either", "Either is fine"


class Budget(models.TextChoices):
    FREE = "free", "Nothing: I need free support"
    UP_TO_500 = "up-to-500", "Up to ₹500 a session"
    UP_TO_1500 = "up-to-1500", "Up to ₹1,500 a session"
    MORE = "more", "More than ₹1,500 a session"
    UNSURE = "unsure", "I am not sure yet"


class Topic(models.TextChoices):
    GENERAL = "general", "A general question or feedback"
    PRESS = "press", "Press and media"
    PARTNERSHIPS = "partnerships", "Partnerships, and programmes for a school, college or workplace"
    HELPLINE = "helpline", "A helpline that did not connect or has changed"
    SITE = "site", "A problem with this website"


class InboxQuerySet(models.QuerySet):
    def purgeable(self, retention_days: int, now=None):
        """Closed longer ago than the retention period."""
        cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days)
        return self.filter(status=Status.CLOSED, closed_at__lt=cutoff)


class Inbound(models.Model):
    """What enquiries and contact messages share: who to reply to, and the staff's triage."""

    reference_prefix = ""

    reference = models.CharField(max_length=16, unique=True, editable=False)
    name = EncryptedTextField("first name or alias")
    reply_by = models.CharField("reply by", max_length=10, choices=ReplyBy.choices)
    email = EncryptedTextField("e-mail", blank=True)
    phone = EncryptedTextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", help_text="Who is looking after this.")
    notes = EncryptedTextField(blank=True, help_text="For staff only. Encrypted like the rest of it.")
    received_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    consented_at = models.DateTimeField(editable=False, help_text="When the person agreed to be contacted.")
    closed_at = models.DateTimeField(null=True, blank=True, editable=False,
                                     help_text="Deleted a retention period after this.")

    objects = InboxQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="%(class)s_status_known",
                                   violation_error_message=_("Choose one of the statuses listed.")),
            models.CheckConstraint(condition=Q(reply_by__in=ReplyBy.values), name="%(class)s_reply_by_known",
                                   violation_error_message=_("Choose how to reply from the list.")),
            models.CheckConstraint(condition=Q(status="closed") ^ Q(closed_at__isnull=True),
                                   name="%(class)s_closed_when_closed",
                                   violation_error_message=_(
                                       "A closed record has a closing time, and an open one has none: set the status "
                                       "again and save.")),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name.capitalize()} {self.reference}"  # never the person's details

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = new_reference(self.reference_prefix, 10)  # about 49 bits
        if self.status == Status.CLOSED and self.closed_at is None:
            self.closed_at = timezone.now()
        elif self.status != Status.CLOSED:
            self.closed_at = None
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "closed_at"}
        super().save(*args, **kwargs)

    @property
    def reply_to(self) -> str:
        return self.email if self.reply_by == ReplyBy.EMAIL else self.phone


class Enquiry(Inbound):
    """A request for help finding support: sensitive health data."""

    shown_to_readers = False  # what people ask for, seen by staff only

    reference_prefix = "E"

    safe_to_leave_message = models.BooleanField(help_text="If not, staff never leave a message.")
    language = models.ForeignKey(Language, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 help_text="Empty: another language (see their words).")
    mode = models.CharField(max_length=12, choices=Mode.choices)
    budget = models.CharField("what they can pay", max_length=12, choices=Budget.choices)
    help_with = EncryptedTextField("what they would like help with", blank=True)
    preferred_provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="+")

    class Meta(Inbound.Meta):
        verbose_name_plural = "enquiries"
        default_permissions = ()  # only the one below: enquiries are not for every editor
        permissions = [("handle_enquiry", "Can read and triage enquiries")]
        constraints = [
            *Inbound.Meta.constraints,
            models.CheckConstraint(condition=Q(mode__in=Mode.values), name="enquiry_mode_known",
                                   violation_error_message=_("Choose online, in person, or either.")),
            models.CheckConstraint(condition=Q(budget__in=Budget.values), name="enquiry_budget_known",
                                   violation_error_message=_("Choose one of the budgets listed.")),
        ]

    def clean(self):
        if self.preferred_provider_id and self.preferred_provider.example:
            raise ValidationError({"preferred_provider": "An example listing is not a real provider and cannot be "
                                                         "chosen."})


class ContactMessage(Inbound):
    shown_to_readers = False  # seen by staff only

    reference_prefix = "C"

    topic = models.CharField(max_length=20, choices=Topic.choices)
    message = EncryptedTextField()

    class Meta(Inbound.Meta):
        default_permissions = ()
        permissions = [("handle_contact_message", "Can read and answer contact messages")]
        constraints = [
            *Inbound.Meta.constraints,
            models.CheckConstraint(condition=Q(topic__in=Topic.values), name="contact_topic_known",
                                   violation_error_message=_("Choose one of the topics listed.")),
        ]


class StaffAccess(models.Model):
    """One time a member of staff opened an enquiry or a message: who and when."""

    shown_to_readers = False  # a staff audit record

    enquiry = models.ForeignKey(Enquiry, null=True, on_delete=models.CASCADE, related_name="accesses")
    contact_message = models.ForeignKey(ContactMessage, null=True, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150, help_text="Kept if the account is deleted.")
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at"]
        default_permissions = ()
        verbose_name_plural = "staff accesses"
        constraints = [
            models.CheckConstraint(condition=Q(enquiry__isnull=True) ^ Q(contact_message__isnull=True),
                                   name="access_to_one_record",
                                   violation_error_message=_(
                                       "An access is to one enquiry or one message, not both or neither.")),
        ]

    def __str__(self):
        return f"opened by {self.username} at {timezone.localtime(self.opened_at):%Y-%m-%d %H:%M}"
