import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from core.crypto import EncryptedTextField
from core.markdown import render_markdown
from core.models import ImportedContent, Listing, ListingQuerySet
from core.reference import new_reference as make_reference

DEFAULT_TIME_ZONE = "Asia/Kolkata"
# /engage/<slug>/ would hide these addresses of the registration flow.
RESERVED_SLUGS = {"registration"}


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone name such as Asia/Kolkata or Europe/London.")


def _demo() -> bool:
    """Example programmes and sessions are shown only when the site runs as a demo (IDARE_DEMO)."""
    return settings.IDARE_DEMO


class ProgrammeQuerySet(ListingQuerySet):
    def with_upcoming_count(self):
        upcoming = Q(sessions__starts_at__gt=timezone.now())
        if not _demo():
            upcoming &= Q(sessions__example=False)
        return self.annotate(upcoming=Count("sessions", filter=upcoming))


class Programme(Listing):
    class Kind(models.TextChoices):
        WORKSHOP = "workshop", "Workshop"
        CIRCLE = "circle", "Peer circle"
        CAMPUS = "campus", "Campus programme"
        WORKPLACE = "workplace", "Workplace programme"
        VOLUNTEERING = "volunteering", "Volunteering"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True, help_text="The programme's address: it follows /engage/.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.CharField(max_length=300, help_text="One or two sentences for the list on /engage/.")
    description = MarkdownxField(
        help_text="Markdown: what happens, what to expect, what to bring. Start sections with ##."
    )
    description_html = models.TextField(editable=False, default="")
    audience = models.CharField("who it is for", max_length=250)
    led_by = models.CharField(
        max_length=250, blank=True, help_text="Who facilitates, and their training, e.g. “A trained peer facilitator”."
    )
    cost = models.CharField(max_length=120, default="Free", help_text="What a place costs, e.g. “Free”.")
    fingerprint_fields = ("title", "slug", "kind", "summary", "description", "audience", "led_by", "cost", "example",
                          "listed")

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=~Q(title="") & ~Q(slug=""), name="programme_has_title_and_slug",
                                   violation_error_message=_("Give the programme a title and a web address (slug).")),
            models.CheckConstraint(
                condition=Q(kind__in=["workshop", "circle", "campus", "workplace", "volunteering"]),
                name="programme_kind_known",
                violation_error_message=_("Choose one of the kinds of programme listed."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("engage:programme", args=[self.slug])

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is used by the site itself: choose another address."})

    @property
    def is_peer_circle(self) -> bool:
        return self.kind == self.Kind.CIRCLE


class SessionQuerySet(models.QuerySet):
    def upcoming(self):
        """Open to readers: not started yet, in a listed programme. Past sessions leave every list, and
        examples are shown only in a demo."""
        upcoming = self.filter(starts_at__gt=timezone.now(), programme__listed=True)
        return upcoming if _demo() else upcoming.filter(example=False, programme__example=False)

    def bookable(self):
        """Sessions a reader can register for (or join the waiting list of) now: never an example."""
        return self.upcoming().filter(example=False, programme__example=False)

    def ended_before(self, moment: datetime.datetime):
        return self.filter(ends_at__lt=moment)

    def with_waitlist_count(self):
        """`waitlisted`, and `unconfirmed`: registrations waiting for their e-mail's confirmation,
        which hold nothing."""
        return self.annotate(
            waitlisted=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)),
            unconfirmed=Count("registrations", filter=Q(registrations__status=Registration.Status.PENDING)),
        )


class Session(ImportedContent):
    class Mode(models.TextChoices):
        ONLINE = "online", "Online"
        IN_PERSON = "in_person", "In person"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sessions")
    slug = models.SlugField(
        max_length=120, blank=True,
        help_text="Only sessions seeded from content/ have one (their name there). Leave it empty.",
    )
    starts_at = models.DateTimeField(db_index=True, help_text="In the session's own time zone.")
    ends_at = models.DateTimeField(help_text="In the session's own time zone.")
    time_zone = models.CharField(
        max_length=64, default=DEFAULT_TIME_ZONE, validators=[validate_time_zone],
        help_text="Where the times are meant, e.g. Asia/Kolkata. Readers see the times in this zone, with its name.",
    )
    mode = models.CharField(max_length=20, choices=Mode.choices)
    place = models.CharField(
        max_length=250,
        help_text="In person: the venue and its address. Online: how to join, e.g. “Video call; the link is e-mailed "
                  "the day before”.",
    )
    capacity = models.PositiveIntegerField(help_text="Places. When they are taken, people join a waiting list.")
    confirmed_count = models.PositiveIntegerField(
        "places taken", default=0, editable=False,
        help_text="Kept equal to the confirmed registrations, in the same transaction.",
    )
    example = models.BooleanField(
        default=False,
        help_text="An invented session that shows how listings look. Readers see “Example listing: not a real "
                  "session”, and registration is refused. Replace it with a real session, then delete it.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_it_starts",
                                   violation_error_message=_(
                                       "A session ends after it starts: choose a later end time.")),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_has_places",
                                   violation_error_message=_("A session has at least one place.")),
            # Never overbooked, whatever the code above it does.
            models.CheckConstraint(condition=Q(confirmed_count__lte=F("capacity")), name="session_never_overbooked",
                                   violation_error_message=_(
                                       "More people are confirmed than the session has places: raise the places, or "
                                       "move someone to the waiting list first.")),
            models.CheckConstraint(condition=Q(mode__in=["online", "in_person"]), name="session_mode_known",
                                   violation_error_message=_("Choose online or in person.")),
            models.UniqueConstraint(fields=["slug"], condition=~Q(slug=""), name="session_seed_slug_unique",
                                    violation_error_message=_(
                                        "Another session has this short name (slug) already: choose another.")),
        ]

    def __str__(self):
        local = self.local_start
        return f"{self.programme.title}, {local:%d %b %Y %H:%M} {local.tzname()}" if local else "New session"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "A session must end after it starts."})
        if self.pk and self.capacity is not None and self.capacity < self.confirmed_count:
            raise ValidationError({"capacity": f"{self.confirmed_count} places are already taken: cancel "
                                               "registrations before lowering the capacity below that."})

    def get_register_url(self):
        return reverse("engage:register", args=[self.programme.slug, self.pk])

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self) -> datetime.datetime | None:
        return self.starts_at.astimezone(self.zone) if self.starts_at else None

    @property
    def ends_on_start_day(self) -> bool:
        return self.starts_at.astimezone(self.zone).date() == self.ends_at.astimezone(self.zone).date()

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.confirmed_count)

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    def refusal(self) -> str | None:
        """Why registration is closed, in words for the reader; None when it is open."""
        if self.example or self.programme.example:
            return ("This is an example listing, invented to show how sessions will appear here: it is not a real "
                    "session, so no one can register for it. Real sessions will replace it.")
        if self.has_started:
            return "This session has already started, so registration is closed."
        if not self.programme.listed:
            return "This programme is not open for registration."
        return None

    def fill_from_waitlist(self) -> list["Registration"]:
        """Confirms waiting registrations, first come first served, while places are free. The caller
        holds this session's row lock (select_for_update) inside a transaction."""
        promoted = []
        if self.has_started:
            return promoted
        free = self.capacity - self.confirmed_count
        if free <= 0:
            return promoted
        for registration in self.registrations.filter(status=Registration.Status.WAITLISTED).order_by(
            "confirmed_at", "pk"
        )[:free]:
            registration.status = Registration.Status.CONFIRMED
            registration.promoted_at = timezone.now()
            registration.save(update_fields=["status", "promoted_at"])
            promoted.append(registration)
        if promoted:
            Session.objects.filter(pk=self.pk).update(confirmed_count=F("confirmed_count") + len(promoted))
            self.confirmed_count += len(promoted)
        return promoted

    def fingerprint_parts(self) -> list[str]:
        moments = [moment.astimezone(datetime.UTC).isoformat() if moment else "" for moment in
                   (self.starts_at, self.ends_at)]  # the same instant reads the same, whatever its zone
        return [self.programme.slug if self.programme_id else "", self.slug, *moments, self.time_zone,
                self.mode, self.place, str(self.capacity), str(self.example)]


class RegistrationRefused(Exception):
    """Registration is closed for this session; the message says why, for the reader."""


class RegistrationExpired(Exception):
    """The registration was not confirmed in time: it holds nothing and is deleted soon."""


def confirm_window() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.IDARE_REGISTRATION_CONFIRM_HOURS)


class RegistrationQuerySet(models.QuerySet):
    def register(self, session_id: int, *, name: str, email: str) -> "Registration":
        """A registration waiting for the person to confirm it from the e-mail: it holds no place
        yet (Registration.confirm takes one), so addresses that nobody reads take nothing."""
        session = Session.objects.select_related("programme").get(pk=session_id)
        reason = session.refusal()
        if reason:
            raise RegistrationRefused(reason)
        return self.create(session=session, name=name, email=email, consented_at=timezone.now(),
                           status=Registration.Status.PENDING)

    def expired(self):
        """Never confirmed, and past the time to confirm (IDARE_REGISTRATION_CONFIRM_HOURS)."""
        return self.filter(status=Registration.Status.PENDING, created_at__lte=timezone.now() - confirm_window())

    def purge_expired(self) -> int:
        """Deletes the registrations nobody confirmed in time (they hold no place). Returns how many."""
        deleted, _ = self.expired().delete()
        return deleted

    def purge_ended(self, days: int) -> int:
        """Deletes the registrations of sessions that ended more than `days` days ago; their places
        are released with them. Returns how many were deleted."""
        cutoff = timezone.now() - datetime.timedelta(days=days)
        with transaction.atomic():
            sessions = Session.objects.ended_before(cutoff).filter(registrations__isnull=False).distinct()
            session_ids = list(sessions.values_list("pk", flat=True))
            deleted, _ = self.filter(session_id__in=session_ids).delete()
            Session.objects.filter(pk__in=session_ids).update(confirmed_count=0)
        return deleted


def new_reference() -> str:
    """The field's default (named in migrations): EN- and eight characters, about 39 bits."""
    return make_reference("EN", 8)


class Registration(models.Model):
    """One person's place (or place on the waiting list) in one session, held once they confirm it
    from the e-mail. Their name and e-mail are encrypted at rest; the reference is what they quote,
    and their links carry it signed."""

    class Status(models.TextChoices):
        PENDING = "pending", "Not confirmed by e-mail yet (holds no place)"
        CONFIRMED = "confirmed", "Place confirmed"
        WAITLISTED = "waitlisted", "On the waiting list"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="registrations")
    reference = models.CharField(max_length=20, unique=True, default=new_reference, editable=False)
    name = EncryptedTextField()
    email = EncryptedTextField("e-mail")
    status = models.CharField(max_length=12, choices=Status.choices)
    consented_at = models.DateTimeField(help_text="When they agreed to the privacy notice's terms for registrations.")
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True,
        help_text="When they registered: they have IDARE_REGISTRATION_CONFIRM_HOURS from then to confirm by e-mail.",
    )
    confirmed_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When they confirmed from the e-mail, and took a place or joined the waiting list (waiting lists go "
                  "in this order). Empty: not confirmed, so it holds nothing.",
    )
    promoted_at = models.DateTimeField(null=True, blank=True, help_text="When a place freed up for them.")

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "confirmed", "waitlisted"]), name="registration_status_known",
                violation_error_message=_("Choose pending, confirmed or waiting list."),
            ),
            # A place, or a place on the waiting list, is held only from the e-mail's confirmation on.
            models.CheckConstraint(
                condition=Q(status="pending", confirmed_at__isnull=True)
                | (~Q(status="pending") & Q(confirmed_at__isnull=False)),
                name="registration_held_once_confirmed",
                violation_error_message=_("A registration holds a place only once it is confirmed, and a confirmed "
                                          "one has its confirmation time."),
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def confirm_by(self) -> datetime.datetime:
        return self.created_at + confirm_window()

    @property
    def has_expired(self) -> bool:
        return self.is_pending and timezone.now() >= self.confirm_by

    def waitlist_position(self) -> int | None:
        if self.status != self.Status.WAITLISTED:
            return None
        return Registration.objects.filter(
            Q(confirmed_at__lt=self.confirmed_at) | Q(confirmed_at=self.confirmed_at, pk__lt=self.pk),
            session_id=self.session_id, status=self.Status.WAITLISTED,
        ).count() + 1

    def confirm(self) -> bool:
        """The person confirmed from the e-mail: a place if one is free, else the end of the waiting
        list. The session's row is locked first, so simultaneous confirmations take places one at a
        time and never overbook. True when this call confirmed it; False when it already was.
        Raises RegistrationExpired past the time to confirm, RegistrationRefused once registration
        has closed, Registration.DoesNotExist once it was cancelled or deleted."""
        with transaction.atomic():
            session = Session.objects.select_for_update().select_related("programme").get(pk=self.session_id)
            current = Registration.objects.get(pk=self.pk)  # read again under the lock
            self.status, self.confirmed_at = current.status, current.confirmed_at
            if not current.is_pending:
                return False
            if current.has_expired:
                raise RegistrationExpired
            if reason := session.refusal():
                raise RegistrationRefused(reason)
            place = session.confirmed_count < session.capacity
            self.status = self.Status.CONFIRMED if place else self.Status.WAITLISTED
            self.confirmed_at = timezone.now()
            self.save(update_fields=["status", "confirmed_at"])
            if place:
                Session.objects.filter(pk=session.pk).update(confirmed_count=F("confirmed_count") + 1)
        return True

    def cancel(self) -> list["Registration"]:
        """Deletes this registration (nothing of it is kept) and gives a freed place to the waiting
        list. Returns the registrations that got a place. Cancelling twice is harmless."""
        with transaction.atomic():
            session = Session.objects.select_for_update().get(pk=self.session_id)
            # Read again under the lock: a place may have come free for it since it was loaded.
            status = Registration.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if status is None:
                return []
            Registration.objects.filter(pk=self.pk).delete()
            if status == self.Status.CONFIRMED:
                Session.objects.filter(pk=session.pk).update(confirmed_count=F("confirmed_count") - 1)
                session.confirmed_count -= 1
            return session.fill_from_waitlist()


