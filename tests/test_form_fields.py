"""Every public form renders its fields with one template (templates/includes/forms/_field.html): a
field's error sits next to it, inside its block, and the control names it in aria-describedby."""

import re

import pytest

from tests.factories import make_language, make_programme, make_session

pytestmark = pytest.mark.django_db

ENQUIRY = {"age": "adult", "name": "", "reply_by": "email", "email": "not-an-address", "phone": "",
           "safe_to_leave_message": "yes", "language": "english", "mode": "online", "budget": "up-to-500",
           "help_with": "", "preferred_provider": "", "consent": "on", "website": ""}
CONTACT = {"name": "", "reply_by": "email", "email": "not-an-address", "phone": "", "topic": "press",
           "message": "A question", "consent": "on", "website": ""}
REGISTRATION = {"name": "", "email": "not-an-address", "consent": "on"}


@pytest.fixture(autouse=True)
def rates_off(settings):
    settings.IDARE_REGISTRATION_RATE = settings.IDARE_SESSION_REGISTRATION_RATE = "off"


def field_block(html: str, name: str) -> str:
    """The shared template's block for the field `name`: from its wrapper to the control."""
    match = re.search(rf'<div class="field field--error">\s*<label class="field__label" for="id_{name}">'
                      rf'.*?(<(?:input|textarea|select)[^>]*\bname="{name}"[^>]*>)', html, re.S)
    assert match, f"{name}: not rendered by the shared field template, or shown without its error"
    return match.group(0)


def assert_error_next_to(html: str, name: str, message: str) -> None:
    block = field_block(html, name)
    error = re.search(rf'<p class="field__error" id="id_{name}_error">(.*?)</p>', block, re.S)
    assert error and message in error.group(1), name
    control = re.search(r"<(?:input|textarea|select)[^>]*>\Z", block).group(0)
    described_by = re.search(r'aria-describedby="([^"]+)"', control).group(1).split()
    assert f"id_{name}_error" in described_by and 'aria-invalid="true"' in control
    for hint in described_by:  # every id it names is on the page
        assert f'id="{hint}"' in html, hint


@pytest.mark.parametrize(("path", "answers"), [("/support/request/", ENQUIRY), ("/contact/", CONTACT)],
                         ids=["enquiry", "contact"])
def test_support_forms_show_errors_next_to_their_fields(client, path, answers):
    make_language("English")
    response = client.post(path, answers)
    assert response.status_code == 400
    html = response.content.decode()
    assert_error_next_to(html, "name", "This field is required")
    assert_error_next_to(html, "email", "Enter a valid email address")


def test_the_registration_form_shows_errors_next_to_their_fields(client):
    session = make_session(make_programme())
    response = client.post(session.get_register_url(), REGISTRATION)
    assert response.status_code == 400
    html = response.content.decode()
    assert_error_next_to(html, "name", "Enter a name, so the facilitator knows what to call you.")
    assert_error_next_to(html, "email", "Enter an e-mail address like name@example.com.")


def test_the_registration_consent_names_its_error(client):
    session = make_session(make_programme())
    html = client.post(session.get_register_url(), {**REGISTRATION, "consent": ""}).content.decode()
    assert 'id="id_consent_error"' in html
    checkbox = re.search(r'<input type="checkbox" name="consent"[^>]*>', html).group(0)
    assert "id_consent_error" in checkbox and 'aria-invalid="true"' in checkbox


def test_fields_without_errors_keep_their_hint_only(client):
    session = make_session(make_programme())
    html = client.get(session.get_register_url()).content.decode()
    control = re.search(r'<input[^>]*name="email"[^>]*>', html).group(0)
    assert 'aria-describedby="id_email_helptext"' in control and "aria-invalid" not in control
    assert 'id="id_email_helptext"' in html and 'autocomplete="email"' in control
