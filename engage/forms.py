from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class RegistrationForm(forms.Form):
    """The least we need to hold a place and tell the person about it: a name and an e-mail."""

    name = forms.CharField(
        label=_("Your name"), max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("A first name, or what you would like to be called, is enough."),
        error_messages={"required": _("Enter a name, so the facilitator knows what to call you."),
                        "max_length": _("Enter a name of 100 characters or fewer.")},
    )
    email = forms.EmailField(
        label=_("Your e-mail address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        help_text=_("For your confirmation, and to tell you if the session changes. We send nothing else."),
        error_messages={"required": _("Enter your e-mail address, so we can confirm your place."),
                        "invalid": _("Enter an e-mail address like name@example.com."),
                        "max_length": _("Enter an e-mail address of 254 characters or fewer.")},
    )
    consent = forms.BooleanField(
        label=_("I agree that iDare keeps my name and e-mail address to manage my place and write to me about "
                "this session, as the privacy notice explains."),
        error_messages={"required": _("Tick the box to agree, or we cannot hold a place for you.")},
    )
    # Honeypot: hidden from people (and from assistive technology), filled in by form-filling bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = settings.IDARE_REGISTRATION_RETENTION_DAYS
        # The consent include adds the link to the privacy notice after this.
        self.fields["consent"].help_text = ngettext(
            "Your details are encrypted, seen only by the iDare staff who run Engage, and deleted at the latest "
            "%(days)s day after the session, or at once when you cancel. How we handle registrations is in",
            "Your details are encrypted, seen only by the iDare staff who run Engage, and deleted at the latest "
            "%(days)s days after the session, or at once when you cancel. How we handle registrations is in",
            days) % {"days": days}

    def is_from_a_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())
