"""What people send Support (enquiries and contact messages), sensitive and staff-only, and the
record of staff who opened them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.crypto import EncryptedTextField
from core.reference import new_reference
from support.models.directory import Language, Provider


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

