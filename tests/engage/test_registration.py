"""Registering for a session through the form, as a person would: places, the waiting list,
the confirmation, the calendar file, cancelling, and everything that must be refused."""

import datetime
import logging
import re
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from engage.models import Registration, Session
from engage.tokens import confirmation_path, token_for
from tests.factories import make_programme, make_session
from tests.helpers import text_of

pytestmark = pytest.mark.django_db

PERSON = {"name": "Asha Marker", "email": "asha.marker@example.com", "consent": "on"}


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    settings.IDARE_REGISTRATION_RATE = settings.IDARE_SESSION_REGISTRATION_RATE = "off"


@pytest.fixture
def session(db):
    return make_session(make_programme(title="Boundaries workshop"), capacity=2)


def register(client, session, **overrides):
    """The form, then the confirmation from the e-mail's page, as the person does (a registration
    holds nothing before: tests/engage/test_confirmation.py). The form's answer."""
    response = client.post(session.get_register_url(), {**PERSON, **overrides})
    if response.status_code == 303:
        assert client.post(confirmation_path(Registration.objects.order_by("-pk").first())).status_code == 303
    return response


@pytest.fixture(autouse=True)
def demo(settings):
    """Seeded examples show only when the site runs as a demo, as `make run` and `make serve` do."""
    settings.IDARE_DEMO = True


def test_registering_and_confirming_holds_a_place_and_shows_a_reference(
    client, session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, session)
    assert response.status_code == 303
    registration = Registration.objects.get()
    assert registration.is_confirmed and re.fullmatch(r"EN-[2-9A-Z]{4}-[2-9A-Z]{4}", registration.reference)
    page = client.get(response["Location"])
    text = text_of(page)
    assert page.status_code == 200 and "Your place is confirmed" in text and registration.reference in text
    assert "no-store" in page["Cache-Control"] and "noindex" in page["X-Robots-Tag"]
    assert "Asha" not in response["Location"] and "example.com" not in response["Location"]
    assert Session.objects.get(pk=session.pk).confirmed_count == 1


def test_the_confirmation_email_is_neutral_and_minimal(client, session, django_capture_on_commit_callbacks):
    # Mid-morning in India a week on, whatever the clock says now: a session that crossed midnight
    # would be written "to Tuesday …, 1:05 AM", which this test's pattern does not read.
    start = timezone.localtime().replace(hour=10, minute=30, second=0, microsecond=0) + datetime.timedelta(days=7)
    Session.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + datetime.timedelta(minutes=90))
    with django_capture_on_commit_callbacks(execute=True):
        register(client, session)
    registration = Registration.objects.get()
    [request, message] = mail.outbox  # the link that confirms, then the place it took
    assert request.subject == f"Confirm your iDare registration {registration.reference}"
    assert message.to == request.to == ["asha.marker@example.com"]
    assert message.subject == f"Your iDare registration {registration.reference}"
    assert "Boundaries" not in message.subject and "workshop" not in message.subject.lower()
    assert "Your place is confirmed." in message.body and registration.reference in message.body
    assert "Asha" not in message.body and "Boundaries workshop" not in message.body
    link = re.search(r"http://\S+/engage/registration/\?token=\S+", message.body).group(0)
    assert client.get(urlsplit(link).path + "?" + urlsplit(link).query).status_code == 200
    assert re.search(r"When: \w+day \d+ \w+ \d{4}, \d+:\d\d [AP]M to \d+:\d\d [AP]M IST \(Asia/Kolkata\)", message.body)


def test_names_and_emails_are_stored_encrypted(client, session):
    register(client, session)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, email FROM engage_registration")
        name, email = cursor.fetchone()
    assert "Asha" not in name and "Marker" not in name and "example.com" not in email
    assert name.startswith("gAAAA") and email.startswith("gAAAA")  # Fernet tokens
    assert Registration.objects.get().name == "Asha Marker"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"name": ""}, "Enter a name"),
    ({"name": "x" * 101}, "100 characters or fewer"),
    ({"email": ""}, "Enter your e-mail address"),
    ({"email": "not-an-address"}, "Enter an e-mail address like name@example.com"),
    ({"consent": ""}, "Tick the box to agree"),
])
def test_invalid_input_stores_nothing_and_shows_the_form_with_its_errors(client, session, overrides, message):
    response = register(client, session, **overrides)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'class="error-summary"' in html and 'aria-invalid="true"' in html
    assert "<title>Error: " in html
    assert Registration.objects.count() == 0 and Session.objects.get(pk=session.pk).confirmed_count == 0
    if overrides.get("name", "x") and "name" not in overrides:
        assert 'value="Asha Marker"' in html  # what they typed stays


def test_a_full_session_puts_people_on_the_waiting_list_in_order(client, session):
    for n in range(4):
        register(client, session, email=f"person{n}@example.com")
    statuses = list(Registration.objects.order_by("created_at", "pk").values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert Session.objects.get(pk=session.pk).confirmed_count == 2
    last = Registration.objects.order_by("created_at", "pk").last()
    page = text_of(client.get(f"/engage/registration/?token={token_for(last.reference)}"))
    assert "You are on the waiting list" in page and "number 2 on its waiting list" in page


def test_cancelling_frees_the_place_for_the_first_on_the_waiting_list_and_emails_them(
    client, session, django_capture_on_commit_callbacks
):
    for n in range(3):
        register(client, session, email=f"person{n}@example.com")
    first, _, waiting = Registration.objects.order_by("created_at", "pk")
    token = token_for(first.reference)
    confirm = client.get(f"/engage/registration/cancel/?token={token}")
    assert confirm.status_code == 200 and Registration.objects.filter(pk=first.pk).exists()  # GET changes nothing
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/engage/registration/cancel/", {"token": token})
    assert response.status_code == 303 and response["Location"] == "/engage/registration/cancelled/"
    assert "cancelled" in text_of(client.get(response["Location"]))
    assert not Registration.objects.filter(pk=first.pk).exists()
    waiting.refresh_from_db()
    assert waiting.is_confirmed and waiting.promoted_at is not None
    assert Session.objects.get(pk=session.pk).confirmed_count == 2
    [message] = mail.outbox
    assert message.to == ["person2@example.com"] and "your place is confirmed" in message.body
    again = client.post("/engage/registration/cancel/", {"token": token})
    assert again.status_code == 404 and "no longer exists" in text_of(again)


def test_cancelling_a_waiting_place_changes_no_one_elses(client, session):
    for n in range(3):
        register(client, session, email=f"person{n}@example.com")
    waiting = Registration.objects.get(status="waitlisted")
    client.post("/engage/registration/cancel/", {"token": token_for(waiting.reference)})
    assert Registration.objects.filter(status="confirmed").count() == 2
    assert Session.objects.get(pk=session.pk).confirmed_count == 2


@pytest.mark.parametrize("token", ["", "EN-AAAA-AAAA", "EN-AAAA-AAAA:forged", "%00", "x" * 500])
def test_a_missing_or_tampered_link_is_a_clear_400(client, session, token):
    register(client, session)
    real = token_for(Registration.objects.get().reference)
    for path in ("/engage/registration/", "/engage/registration/calendar.ics", "/engage/registration/cancel/"):
        response = client.get(f"{path}?token={token}")
        assert response.status_code == 400, path
        assert "This link does not work" in text_of(response)
    tampered = real[:-2] + ("AA" if not real.endswith("AA") else "BB")
    assert client.post("/engage/registration/cancel/", {"token": tampered}).status_code == 400
    assert Registration.objects.count() == 1


def test_a_signed_link_to_a_deleted_registration_is_a_404(client, session):
    response = client.get(f"/engage/registration/?token={token_for('EN-ZZZZ-ZZZZ')}")
    assert response.status_code == 404 and "no longer exists" in text_of(response)


def test_the_calendar_file_is_valid_icalendar_in_utc(client, session):
    register(client, session)
    registration = Registration.objects.get()
    response = client.get(f"/engage/registration/calendar.ics?token={token_for(registration.reference)}")
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="idare-session.ics"'
    raw = response.content
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{registration.reference}@127.0.0.1"
    assert event["DTSTART"].dt == session.starts_at.replace(microsecond=0)
    assert event["DTEND"].dt == session.ends_at.replace(microsecond=0)
    assert event["DTSTART"].dt.utcoffset().total_seconds() == 0 and event["DTSTAMP"].dt.tzinfo is not None
    assert str(event["SUMMARY"]) == "Boundaries workshop"
    assert registration.reference in str(event["DESCRIPTION"]) and "token" not in raw.decode()


def test_calendar_text_is_escaped_and_long_lines_folded_without_splitting_characters(client):
    programme = make_programme(title="Grief, loss; and \\ healing — साथ में, " + "long title " * 8)
    session = make_session(programme, place="Hall 2; Floor 3, “Main” building\nnear the gate")
    register(client, session)
    raw = client.get(f"/engage/registration/calendar.ics?token={token_for(Registration.objects.get().reference)}")
    content = raw.content
    assert all(len(line) <= 75 for line in content.split(b"\r\n"))
    content.decode("utf-8")  # no character cut in half by folding
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert str(event["SUMMARY"]) == programme.title
    assert str(event["LOCATION"]) == "Hall 2; Floor 3, “Main” building\nnear the gate"
    assert b"Hall 2\\; Floor 3\\, " in content.replace(b"\r\n ", b"")


def test_a_waiting_place_has_no_calendar_entry_yet(client):
    session = make_session(capacity=1)
    register(client, session, email="a@example.com")
    register(client, session, email="b@example.com")
    waiting = Registration.objects.get(status="waitlisted")
    response = client.get(f"/engage/registration/calendar.ics?token={token_for(waiting.reference)}")
    assert response.status_code == 409 and "waiting list" in text_of(response)


def test_example_sessions_refuse_registration_and_say_why(client):
    for session in (make_session(example=True), make_session(make_programme(example=True))):
        page = client.get(session.get_register_url())
        assert page.status_code == 200 and 'method="post"' not in page.content.decode()
        assert "it is not a real session, so no one can register for it" in text_of(page)
        response = register(client, session)
        assert response.status_code == 409 and "not a real session" in text_of(response)
    assert Registration.objects.count() == 0


def test_the_honeypot_stores_nothing(client, session):
    response = register(client, session, website="http://spam.example")
    assert response.status_code == 400 and "Leave this empty" in text_of(response)
    assert Registration.objects.count() == 0


def test_too_many_registrations_from_one_network_are_refused_with_429(client, session, settings):
    settings.IDARE_REGISTRATION_RATE = "2/hour"
    for n in range(2):
        assert register(client, session, email=f"p{n}@example.com").status_code == 303
    response = register(client, session, email="p3@example.com")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert Registration.objects.count() == 2


def test_the_form_needs_a_csrf_token(session):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(session.get_register_url(), PERSON).status_code == 403
    form = strict.get(session.get_register_url())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode()).group(1)
    assert strict.post(session.get_register_url(), {**PERSON, "csrfmiddlewaretoken": token}).status_code == 303


def test_registration_leaves_nothing_personal_in_logs_or_urls(client, session, caplog, settings):
    settings.IDARE_REGISTRATION_RATE = "off"
    with caplog.at_level(logging.DEBUG):
        first = register(client, session)
        register(client, session, email="broken")
        page = client.get(first["Location"])
    assert "Marker" not in caplog.text and "asha.marker" not in caplog.text
    for url in [first["Location"], *re.findall(r'href="([^"]+)"', page.content.decode())]:
        assert "Marker" not in url and "asha" not in url.lower()
    assert parse_qs(urlsplit(first["Location"]).query)["token"][0].startswith("EN-")


def test_nobody_can_register_for_another_programmes_session_by_editing_the_address(client, session):
    other = make_programme(slug="other")
    assert client.get(f"/engage/{other.slug}/{session.pk}/register/").status_code == 404
