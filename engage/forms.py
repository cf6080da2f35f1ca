from django import forms


class RegistrationForm(forms.Form):
    """The least we need to hold a place and tell the person about it: a name and an e-mail."""

    name = forms.CharField(
        label="Your name", max_length=100,
        widget=forms.TextInput(attrs={"class": "field__input", "autocomplete": "name"}),
        help_text="A first name, or what you would like to be called, is enough.",
        error_messages={"required": "Enter a name, so the facilitator knows what to call you.",
                        "max_length": "Enter a name of 100 characters or fewer."},
    )
    email = forms.EmailField(
        label="Your e-mail address", max_length=254,
        widget=forms.EmailInput(attrs={"class": "field__input", "autocomplete": "email", "spellcheck": "false"}),
        help_text="For your confirmation, and to tell you if the session changes. We send nothing else.",
        error_messages={"required": "Enter your e-mail address, so we can confirm your place.",
                        "invalid": "Enter an e-mail address like name@example.com.",
                        "max_length": "Enter an e-mail address of 254 characters or fewer."},
    )
    consent = forms.BooleanField(
        label="I agree that iDare keeps my name and e-mail address to manage my place and write to me about "
              "this session, as the privacy notice explains.",
        error_messages={"required": "Tick the box to agree, or we cannot hold a place for you."},
    )
    # Honeypot: hidden from people (and from assistive technology), filled in by form-filling bots.
    website = forms.CharField(required=False, label="Leave this empty")

    def is_from_a_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())
