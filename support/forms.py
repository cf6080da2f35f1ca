"""Support's forms: the directory's filters (GET), the enquiry and the contact message (POST).

The two POST forms share how a person tells us who they are and how to reply, the consent and the
honeypot; each asks only for what it needs."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from support.models import (
    Budget,
    Concern,
    ContactMessage,
    Enquiry,
    Language,
    Mode,
    Provider,
    ReplyBy,
    Topic,
)

PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,23}$")
ANOTHER_LANGUAGE = "other"
ADULT, UNDER_18 = "adult", "under-18"
# The template follows it with a link to the privacy notice.
CONSENT_HINT = "You can withdraw at any time. What we keep, why, for how long and who sees it:"


# --- the directory's filters ---------------------------------------------------------------------

class DirectoryFilters(forms.Form):
    """Every filter is optional and a bad value in the address is ignored, never an error page:
    the lists of languages, concerns and cities come from the listed providers."""

    language = forms.ChoiceField(required=False, label="Language")
    concern = forms.ChoiceField(required=False, label="Works with")
    mode = forms.ChoiceField(
        required=False, label="How you would meet", widget=forms.RadioSelect,
        choices=[("", "Online or in person"), ("online", "Online"), ("in-person", "In person")],
    )
    city = forms.ChoiceField(required=False, label="City (for in-person sessions)")
    fee_max = forms.TypedChoiceField(
        required=False, label="What you can pay per session", widget=forms.RadioSelect, coerce=int,
        empty_value=None,
        choices=[("", "Any fee"), ("0", "Free only"), ("500", "Up to ₹500 (includes sliding scale)"),
                 ("1500", "Up to ₹1,500 (includes sliding scale)")],
    )
    gender = forms.ChoiceField(required=False, label="Provider's gender",
                               choices=[("", "Any"), *Provider.Gender.choices])
    affirming = forms.BooleanField(required=False, label="Queer-affirmative only")
    accepting = forms.BooleanField(required=False, label="Taking new clients only")

    def __init__(self, data, *, languages, concerns, cities):
        super().__init__(data)
        self.fields["language"].choices = [("", "Any language"), *((lang.slug, lang.name) for lang in languages)]
        self.fields["concern"].choices = [("", "Anything"), *((c.slug, c.name) for c in concerns)]
        self.fields["city"].choices = [("", "Any city"), *((city, city) for city in cities)]

    def applied(self) -> dict:
        """The filters that were given and make sense; the rest are dropped."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value is not None and value != ""
                and value is not False}

    def ignored(self) -> bool:
        return bool(self.errors)

    def filter(self, providers):
        applied = self.applied()
        if "language" in applied:
            providers = providers.filter(languages__slug=applied["language"])
        if "concern" in applied:
            providers = providers.filter(concerns__slug=applied["concern"])
        if applied.get("mode") == "online":
            providers = providers.filter(online=True)
        elif applied.get("mode") == "in-person":
            providers = providers.filter(in_person=True)
        if "city" in applied:
            providers = providers.filter(in_person=True, city=applied["city"])
        if "fee_max" in applied:
            providers = providers.affordable_at(applied["fee_max"])
        if "gender" in applied:
            providers = providers.filter(gender=applied["gender"])
        if applied.get("affirming"):
            providers = providers.filter(queer_affirmative=True)
        if applied.get("accepting"):
            providers = providers.filter(accepting_new_clients=True)
        return providers


def directory_filters(data) -> DirectoryFilters:
    listed = Provider.objects.listed()
    return DirectoryFilters(
        data,
        languages=Language.objects.filter(providers__in=listed).distinct(),
        concerns=Concern.objects.filter(providers__in=listed).distinct(),
        cities=listed.filter(in_person=True).order_by("city").values_list("city", flat=True).distinct(),
    )


# --- what people send us ------------------------------------------------------------------------

class ReplyDetails(forms.Form):
    """Who a person is to us and one way to reply; their consent; and a field only robots fill in."""

    name = forms.CharField(
        label="Your first name, or a name you would like us to use", max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    reply_by = forms.ChoiceField(label="How should we reply?", choices=ReplyBy.choices, widget=forms.RadioSelect,
                                 help_text="We keep only the one you choose.")
    email = forms.EmailField(
        label="E-mail address", required=False, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        help_text="If you chose e-mail.",
    )
    phone = forms.CharField(
        label="Phone number", required=False, max_length=24,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text="If you chose phone. With the country code if it is not an Indian number.",
    )
    consent = forms.BooleanField(label="", error_messages={"required": ""})  # label and message set by each form
    website = forms.CharField(
        label="Leave this field empty", required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and (not PHONE.match(phone) or len(re.sub(r"\D", "", phone)) < 6):
            raise ValidationError("Enter a phone number made of digits, for example 98450 12345 or +91 98450 12345.")
        return phone

    def clean(self):
        cleaned = super().clean()
        if self.data.get("website", "").strip():
            raise ValidationError(
                "This form could not be sent. If you typed something in the field “Leave this field empty”, "
                "please clear it and send the form again.", code="honeypot",
            )
        reply_by = cleaned.get("reply_by")
        if reply_by == ReplyBy.EMAIL:
            if not cleaned.get("email") and "email" not in self.errors:
                self.add_error("email", "Enter your e-mail address, or choose phone above.")
            cleaned["phone"] = ""
        elif reply_by == ReplyBy.PHONE:
            if not cleaned.get("phone") and "phone" not in self.errors:
                self.add_error("phone", "Enter your phone number, or choose e-mail above.")
            cleaned["email"] = ""
        return cleaned

    def save_inbound(self, instance):
        for field in ("name", "reply_by", "email", "phone"):
            setattr(instance, field, self.cleaned_data[field])
        instance.consented_at = timezone.now()
        instance.full_clean(exclude=["reference"])  # made on save
        instance.save()
        return instance


class EnquiryForm(ReplyDetails):
    age = forms.ChoiceField(
        label="Are you 18 or older?", widget=forms.RadioSelect,
        choices=[(ADULT, "Yes, I am 18 or older"), (UNDER_18, "No, I am under 18")],
        help_text="This form is for adults. If you are under 18, choose “No” and we will show you free, "
                  "confidential helplines for young people. We will not keep anything you typed.",
    )
    safe_to_leave_message = forms.TypedChoiceField(
        label="If we cannot reach you, is it safe to leave a message?", widget=forms.RadioSelect,
        choices=[("yes", "Yes, you can leave a message"), ("no", "No, please do not leave a message")],
        coerce=lambda value: value == "yes",
        help_text="For example a voicemail, a text or an e-mail that someone else might see.",
    )
    language = forms.ChoiceField(label="Which language would you like to talk in?")
    mode = forms.ChoiceField(label="Would you like to meet online or in person?", choices=Mode.choices,
                             widget=forms.RadioSelect)
    budget = forms.ChoiceField(label="What could you pay for a session?", choices=Budget.choices,
                               widget=forms.RadioSelect,
                               help_text="Some support is free, and many providers agree a fee according to income.")
    help_with = forms.CharField(
        label="What would you like help with? (optional)", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A few words are enough, for example “anxiety at work”. If you would like to meet in person, "
                  "tell us your city. Please share only what you are comfortable with.",
    )
    preferred_provider = forms.ModelChoiceField(
        label="A provider you would like to see (optional)", required=False, queryset=Provider.objects.none(),
        to_field_name="slug", empty_label="No preference",
        error_messages={"invalid_choice": "Choose a provider from the list, or “No preference”. Example listings "
                                          "are not real providers and cannot be chosen."},
    )

    field_order = ["age", "name", "reply_by", "email", "phone", "safe_to_leave_message", "language", "mode",
                   "budget", "help_with", "preferred_provider", "consent", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = {language.slug: language for language in Language.objects.all()}
        self.fields["language"].choices = [
            ("", "Choose a language"), *((slug, lang.name) for slug, lang in self.languages.items()),
            (ANOTHER_LANGUAGE, "Another language (tell us which below)"),
        ]
        self.fields["preferred_provider"].queryset = Provider.objects.choosable().order_by("name")
        self.fields["consent"].label = "I agree that iDare may keep these details and contact me about my enquiry."
        self.fields["consent"].error_messages["required"] = "Tick the box to agree, so that we can contact you."
        self.fields["consent"].help_text = CONSENT_HINT

    def is_under_18(self) -> bool:
        return self.data.get("age") == UNDER_18

    def clean_age(self) -> str:
        if self.cleaned_data["age"] != ADULT:
            raise ValidationError("This form is for adults.")
        return ADULT

    def save(self) -> Enquiry:
        data = self.cleaned_data
        enquiry = Enquiry(
            safe_to_leave_message=data["safe_to_leave_message"], language=self.languages.get(data["language"]),
            mode=data["mode"], budget=data["budget"], help_with=data["help_with"].strip(),
            preferred_provider=data["preferred_provider"],
        )
        return self.save_inbound(enquiry)


class ContactForm(ReplyDetails):
    topic = forms.ChoiceField(label="What is it about?", choices=Topic.choices, widget=forms.RadioSelect)
    message = forms.CharField(
        label="Your message", max_length=4000, widget=forms.Textarea(attrs={"rows": 7}),
        help_text="Please do not include details about your health or anyone else’s.",
    )

    field_order = ["name", "reply_by", "email", "phone", "topic", "message", "consent", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = "I agree that iDare may keep this message and reply to me."
        self.fields["consent"].error_messages["required"] = "Tick the box to agree, so that we can reply."
        self.fields["consent"].help_text = CONSENT_HINT

    def save(self) -> ContactMessage:
        message = ContactMessage(topic=self.cleaned_data["topic"], message=self.cleaned_data["message"].strip())
        return self.save_inbound(message)

