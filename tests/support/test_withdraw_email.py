"""Getting the withdraw link by e-mail. A record keeps an e-mail address only when the person chose
e-mail as the way to hear from us, and then the confirmation e-mail already carries the link, so the
thank-you page says so rather than offering to send it again."""

import html
import re

import pytest
from django.core import mail

from support.models import ContactMessage, Enquiry

pytestmark = pytest.mark.django_db

MARKER = "Zq7marker"
ADDRESS = "zq7person@example.com"
ENQUIRY = {"age": "adult", "name": MARKER, "reply_by": "email", "email": ADDRESS, "phone": "",
           "safe_to_leave_message": "yes", "language": "hindi", "mode": "online", "budget": "up-to-500",
           "help_with": f"{MARKER} worries", "preferred_provider": "", "consent": "on", "website": ""}
CONTACT = {"name": MARKER, "reply_by": "email", "email": ADDRESS, "phone": "", "topic": "press",
           "message": f"{MARKER} question", "consent": "on", "website": ""}
CASES = [("/support/request/", ENQUIRY, Enquiry, "/support/request/withdraw/"),
         ("/contact/", CONTACT, ContactMessage, "/contact/withdraw/")]


@pytest.fixture(autouse=True)
def _languages(languages):
    return languages


def thanks(client, form: str, data: dict) -> str:
    response = client.post(form, data)
    assert response.status_code == 303
    page = client.get(response["Location"])
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    return html.unescape(page.content.decode())


def page_withdraw_link(text: str, prefix: str) -> str:
    return re.search(rf'href="({re.escape(prefix)}[^"]+)"', text).group(1)


@pytest.mark.parametrize(("form", "data", "model", "prefix"), CASES)
def test_who_chose_e_mail_is_told_the_confirmation_has_the_link_and_it_does(client, settings, all_logs,
                                                                             form, data, model, prefix):
    text = thanks(client, form, data)
    assert "the confirmation e-mail to the address you gave has the same link" in text
    assert ADDRESS not in text and MARKER not in text, "the page never shows the address or what was typed"
    [confirmation] = mail.outbox  # no staff with the permission here: only the person's own e-mail
    assert confirmation.to == [ADDRESS]
    assert MARKER.lower() not in (confirmation.subject + confirmation.body).lower()
    link = page_withdraw_link(text, prefix)
    assert f"{settings.SITE_URL}{link}\n" in confirmation.body, "the same link, absolute, from SITE_URL"
    assert "112" in confirmation.body and f"{settings.SITE_URL}/help/" in confirmation.body
    assert client.get(link).status_code == 200 and client.post(link).status_code == 303
    assert model.objects.count() == 0
    assert not any(ADDRESS in line.lower() for line in all_logs)


@pytest.mark.parametrize(("form", "data", "model", "prefix"), CASES)
def test_who_chose_the_phone_is_not_promised_an_e_mail_and_none_is_kept_or_sent(client, form, data, model, prefix):
    text = thanks(client, form, {**data, "reply_by": "phone", "phone": "98450 12345"})
    assert "we do not e-mail this link because you chose to hear from us by phone" in text
    assert "confirmation e-mail" not in text and "confirmation by e-mail" not in text
    assert model.objects.get().email == "", "only the way of replying the person chose is kept"
    assert mail.outbox == []
