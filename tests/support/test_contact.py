"""/contact/: a message to iDare, kept as carefully as an enquiry."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import resolve, reverse

from support.models import ContactMessage, Enquiry
from tests.factories import contact_answers, make_staff

pytestmark = pytest.mark.django_db

FORM = "/contact/"
MARKER = "Zq7marker"



def test_the_contact_form_owns_the_address_before_the_standing_pages():
    assert reverse("contact:form") == "/contact/"
    assert resolve("/contact/").view_name == "contact:form"


def test_the_page_keeps_its_own_text_with_the_facts_only_idare_can_supply(client, one_article_content):
    html = client.get(FORM).content.decode()
    assert "Contact iDare" in html and "as soon as we can" in html and "to be confirmed" not in html
    assert 'action="/contact/"' in html and "not an emergency service" in html and 'href="/help/"' in html


def test_the_form_page_sets_only_the_csrf_cookie_and_is_never_cached(client):
    response = client.get(FORM)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert set(response.cookies) == {"csrftoken"}
    assert response.cookies["csrftoken"]["httponly"] and response.cookies["csrftoken"]["samesite"] == "Lax"


def test_head_answers_like_get(client):
    get, head = client.get(FORM), client.head(FORM)
    assert head.status_code == get.status_code == 200 and head["Content-Type"] == get["Content-Type"]


@pytest.mark.parametrize("topic", ["general", "press", "partnerships", "helpline", "site"])
def test_a_topic_in_the_link_is_preselected(client, topic):
    html = client.get(f"{FORM}?topic={topic}").content.decode()
    assert re.search(rf'<input type="radio" name="topic" value="{topic}"[^>]*checked', html)
    assert len(re.findall(r'name="topic"[^>]*checked', html)) == 1


@pytest.mark.parametrize("query", ["?topic=%00", "?topic=nonsense", "?topic=" + "x" * 3000])
def test_an_odd_topic_is_ignored(client, query):
    response = client.get(FORM + query)
    assert response.status_code == 200 and "checked" not in response.content.decode()


def test_a_message_is_stored_encrypted_and_answered_with_a_private_page(client):
    response = client.post(FORM, contact_answers(name=MARKER, message=f"{MARKER} says hello"))
    assert response.status_code == 303 and response["Location"].startswith("/contact/received/")
    message = ContactMessage.objects.get()
    assert (message.name, message.topic, message.reply_by, message.email, message.phone) == (
        MARKER, "press", "email", "ravi@example.com", "")
    thanks = client.get(response["Location"])
    html = thanks.content.decode()
    assert thanks.status_code == 200 and "no-store" in thanks["Cache-Control"]
    assert message.reference in html and message.reference.startswith("C") and 'href="/help/"' in html
    assert MARKER not in html
    table = connection.ops.quote_name(ContactMessage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - the table name is ours
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert MARKER.lower() not in stored.lower() and "ravi@example.com" not in stored


INVALID = {
    "no name": {"name": ""},
    "no way to reply": {"reply_by": ""},
    "e-mail chosen but missing": {"email": ""},
    "phone chosen but missing": {"reply_by": "phone", "phone": ""},
    "bad phone": {"reply_by": "phone", "phone": "+91 abc"},
    "no topic": {"topic": ""},
    "unknown topic": {"topic": "gossip"},
    "no message": {"message": "  "},
    "message too long": {"message": "x" * 4001},
    "null byte": {"message": "hello\x00"},
    "no consent": {"consent": ""},
    "honeypot filled": {"website": "buy now"},
}


@pytest.mark.parametrize("change", INVALID.values(), ids=INVALID.keys())
def test_every_invalid_answer_gives_the_form_back_and_stores_nothing(client, change):
    response = client.post(FORM, contact_answers(**change))
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert ContactMessage.objects.count() == 0 and len(mail.outbox) == 0


def test_staff_are_told_without_the_content_and_the_sender_gets_a_neutral_confirmation(client, django_user_model,
                                                                                      settings):
    make_staff(username="press-desk", permissions=["handle_contact_message"], email="press@idare.example")
    make_staff(username="counsellor", permissions=["handle_enquiry"], email="counsellor@idare.example")
    client.post(FORM, contact_answers(name=MARKER, message=f"{MARKER} hello"))
    message = ContactMessage.objects.get()
    notice, confirmation = mail.outbox
    assert notice.to == ["press@idare.example"] and notice.subject == "New message received"
    assert f"{settings.SITE_URL}/admin/support/contactmessage/{message.pk}/change/" in notice.body
    assert confirmation.to == ["ravi@example.com"] and confirmation.subject == "We have received your message"
    assert message.reference in confirmation.body and "/contact/withdraw/" in confirmation.body
    for sent in mail.outbox:
        assert MARKER not in sent.subject + sent.body


def test_a_marker_in_every_field_reaches_no_log_and_no_url(client, all_logs):
    marked = contact_answers(name=MARKER, email=f"{MARKER}@example.com", message=f"{MARKER} hello")
    bad = client.post(FORM, {**marked, "consent": ""})
    done = client.post(FORM, marked)
    thanks = client.get(done["Location"])
    urls = [bad.get("Location", ""), done["Location"], *re.findall(r'href="([^"]*)"', thanks.content.decode())]
    assert all_logs and not any(MARKER.lower() in line.lower() for line in all_logs)
    assert not any(MARKER.lower() in url.lower() for url in urls)


def test_the_sender_can_withdraw_the_message(client):
    thanks = client.get(client.post(FORM, contact_answers())["Location"])
    link = re.search(r'href="(/contact/withdraw/[^"]+)"', thanks.content.decode()).group(1)
    assert client.get(link).status_code == 200 and ContactMessage.objects.count() == 1
    done = client.post(link)
    assert done.status_code == 303 and done["Location"] == "/contact/withdrawn/"
    assert ContactMessage.objects.count() == 0
    assert "Your message has been deleted" in client.get(done["Location"]).content.decode()
    token = link.split("/")[-2]
    assert client.post(f"/support/request/withdraw/{token}/").status_code == 404


def test_messages_and_enquiries_have_their_own_rate(client, settings, languages):
    settings.IDARE_CONTACT_RATE = "1/hour"
    assert client.post(FORM, contact_answers()).status_code == 303
    assert client.post(FORM, contact_answers()).status_code == 429
    enquiry = {"age": "adult", "name": "A", "reply_by": "phone", "phone": "98450 12345",
               "safe_to_leave_message": "yes", "language": "english", "mode": "online", "budget": "free",
               "consent": "on"}
    assert client.post("/support/request/", enquiry).status_code == 303
    assert ContactMessage.objects.count() == 1 and Enquiry.objects.count() == 1


def test_without_the_csrf_token_nothing_is_stored():
    assert Client(enforce_csrf_checks=True).post(FORM, contact_answers()).status_code == 403
    assert ContactMessage.objects.count() == 0


def test_support_and_about_lead_to_the_contact_form(client, one_article_content):
    assert 'href="/contact/"' in client.get("/support/").content.decode()
    about = client.get("/about/").content.decode()
    assert 'href="/contact/"' in about and "Send us a message" in about
