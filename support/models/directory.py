"""Support's directory and offer: providers, the languages and concerns they list, the services
Support offers and the texts editors keep on its pages."""


from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from core.markdown import render_markdown
from core.models import ImportedContent, Listing, ListingQuerySet


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


class ProviderQuerySet(ListingQuerySet):
    def choosable(self):
        """Providers a person may name in an enquiry: real ones, listed, taking new clients."""
        return self.listed().filter(example=False, accepting_new_clients=True)

    def for_directory(self):
        return self.prefetch_related("languages", "concerns").order_by("example", "-accepting_new_clients", "name")

    def affordable_at(self, fee_max: int):
        return self.filter(fee_band__in=AFFORDABLE_BANDS[fee_max])


class Provider(Listing):
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

