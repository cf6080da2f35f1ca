"""The references people quote to us come from one generator with one alphabet (core/reference.py),
in Support and Engage alike; references made with Support's older alphabet keep working."""

import re

import pytest

from core import reference
from engage.models import Registration
from support.inbox import ENQUIRY, withdraw_path
from support.models import ContactMessage, Enquiry
from tests.factories import make_language, make_programme, make_session

pytestmark = pytest.mark.django_db

LOOK_ALIKES = "0O1ILU"
ENQUIRY_ANSWERS = {
    "age": "adult", "name": "Asha", "reply_by": "email", "email": "asha@example.com", "phone": "",
    "safe_to_leave_message": "yes", "language": "english", "mode": "online", "budget": "up-to-500",
    "help_with": "", "preferred_provider": "", "consent": "on", "website": "",
}
CONTACT_ANSWERS = {"name": "Ravi", "reply_by": "email", "email": "ravi@example.com", "phone": "", "topic": "press",
                   "message": "A question for you", "consent": "on", "website": ""}


@pytest.fixture(autouse=True)
def rates_off(settings):
    settings.IDARE_REGISTRATION_RATE = settings.IDARE_SESSION_REGISTRATION_RATE = "off"


def send_all(client) -> tuple[str, str, str]:
    """An enquiry, a contact message and a registration, sent through their forms: their references."""
    make_language("English")
    assert client.post("/support/request/", ENQUIRY_ANSWERS).status_code == 303
    assert client.post("/contact/", CONTACT_ANSWERS).status_code == 303
    session = make_session(make_programme())
    assert client.post(session.get_register_url(), {"name": "Asha", "email": "asha@example.com",
                                                    "consent": "on"}).status_code == 303
    return Enquiry.objects.get().reference, ContactMessage.objects.get().reference, Registration.objects.get().reference


def test_the_alphabet_has_no_look_alikes():
    assert not set(LOOK_ALIKES) & set(reference.REFERENCE_ALPHABET)
    assert len(set(reference.REFERENCE_ALPHABET)) == len(reference.REFERENCE_ALPHABET) == 30


def test_references_are_random_and_in_two_halves():
    references = {reference.new_reference("E", 10) for _ in range(500)}
    assert len(references) == 500
    alphabet = re.escape(reference.REFERENCE_ALPHABET)
    assert all(re.fullmatch(rf"E-[{alphabet}]{{5}}-[{alphabet}]{{5}}", code) for code in references)


def test_every_app_takes_its_references_from_the_shared_alphabet(client):
    enquiry, message, registration = send_all(client)
    alphabet = re.escape(reference.REFERENCE_ALPHABET)
    assert re.fullmatch(rf"E-[{alphabet}]{{5}}-[{alphabet}]{{5}}", enquiry)
    assert re.fullmatch(rf"C-[{alphabet}]{{5}}-[{alphabet}]{{5}}", message)
    assert re.fullmatch(rf"EN-[{alphabet}]{{4}}-[{alphabet}]{{4}}", registration)


def test_no_app_keeps_an_alphabet_of_its_own(client, monkeypatch):
    """With the shared alphabet cut down to one letter, every new reference is made of it."""
    monkeypatch.setattr(reference, "REFERENCE_ALPHABET", "X")
    assert send_all(client) == ("E-XXXXX-XXXXX", "C-XXXXX-XXXXX", "EN-XXXX-XXXX")


def test_a_reference_in_supports_old_alphabet_still_opens_its_withdraw_link(client):
    """Support's references used L and U before the alphabet was shared: stored ones are not rewritten."""
    make_language("English")
    assert client.post("/support/request/", ENQUIRY_ANSWERS).status_code == 303
    Enquiry.objects.update(reference="E-LUL2U-ULLU3")
    enquiry = Enquiry.objects.get()
    link = withdraw_path(ENQUIRY, enquiry)
    page = client.get(link)
    assert page.status_code == 200 and "E-LUL2U-ULLU3" in page.content.decode()
    assert client.post(link).status_code == 303 and not Enquiry.objects.exists()
