"""A registration holds a place (or a place on the waiting list) only once the person confirms it
from the e-mail: scripted registrations with addresses no one reads take nothing, mail scanners
that open the link confirm nothing, and one network can register only a few times per session."""

import datetime
import io
import re
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from engage.models import Registration, Session
from engage.tokens import confirmation_path, token_for
from tests.factories import make_programme, make_session
from tests.helpers import text_of

pytestmark = pytest.mark.django_db

PERSON = {"name": "Asha Marker", "email": "asha.marker@example.com", "consent": "on"}
CONFIRM_LINK = re.compile(r"http://\S+?(/engage/registration/confirm/[^/\s]+/)")


@pytest.fixture(autouse=True)
def rates(settings):
    settings.IDARE_REGISTRATION_RATE = "off"
    settings.IDARE_SESSION_REGISTRATION_RATE = "off"
    settings.IDARE_REGISTRATION_CONFIRM_HOURS = 24


@pytest.fixture
def session(db):
    return make_session(make_programme(title="Boundaries workshop"), capacity=2)


@pytest.fixture
def frozen_clock(monkeypatch):
    """The rate limits' clock, stopped an hour into the current UTC day."""
    from core import ratelimit

    now = (time.time() // 86400) * 86400 + 3600
    monkeypatch.setattr(ratelimit, "clock", lambda: now)


def register(client, session, **overrides):
    return client.post(session.get_register_url(), {**PERSON, **overrides})


def places(session) -> tuple[int, int]:
    """(places taken, people on the waiting list), as the database has them."""
    held = Session.objects.with_waitlist_count().get(pk=session.pk)
    return held.confirmed_count, held.waitlisted


def test_scripted_registrations_that_nobody_confirms_take_no_place(client, session):
    """The finding: three scripted registrations filled a two-place session and its waiting list."""
    for n in range(3):
        assert register(client, session, email=f"script{n}@example.com").status_code == 303
    assert places(session) == (0, 0)
    assert "2 of 2 left" in text_of(client.get(session.get_register_url()))
    assert Registration.objects.count() == 3  # kept only until they expire, waiting for a confirmation


def test_after_the_form_the_page_says_to_confirm_from_the_email(client, session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, session)
    page = client.get(response["Location"])
    text = text_of(page)
    assert page.status_code == 200 and "Check your e-mail" in text and "not held yet" in text
    assert "within 24 hours" in text and Registration.objects.get().reference in text
    assert "confirm/" not in page.content.decode()  # the confirmation link travels by e-mail only
    [message] = mail.outbox
    assert message.to == ["asha.marker@example.com"] and "Boundaries" not in message.subject
    assert "not held until you confirm" in message.body and "within 24 hours" in message.body
    assert "Asha" not in message.body and CONFIRM_LINK.search(message.body)


def test_opening_the_confirmation_link_changes_nothing(client, session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, session)
    link = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    for method in (client.get, client.head, client.get):  # a mail scanner, a link checker, the person
        response = method(link)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]
    html = response.content.decode()
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html and "Confirm my registration" in html
    assert Registration.objects.get().status == Registration.Status.PENDING and places(session) == (0, 0)


def test_posting_the_confirmation_takes_a_place_and_emails_the_details(session, django_capture_on_commit_callbacks):
    browser = Client(enforce_csrf_checks=True)
    form = browser.get(session.get_register_url()).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(session.get_register_url(), {**PERSON, "csrfmiddlewaretoken": csrf})
    link = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    assert Client(enforce_csrf_checks=True).post(link).status_code == 403  # a POST from no page of ours
    assert places(session) == (0, 0)
    page = browser.get(link).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(link, {"csrfmiddlewaretoken": csrf})
    registration = Registration.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/engage/registration/?token={token_for(registration.reference)}"
    assert registration.is_confirmed and registration.confirmed_at is not None and places(session) == (1, 0)
    assert "Your place is confirmed" in text_of(browser.get(response["Location"]))
    [message] = mail.outbox
    assert "Your place is confirmed." in message.body and "/engage/registration/?token=" in message.body
    # A second press (or the link again) takes nothing more: it shows the registration.
    assert browser.post(link, {"csrfmiddlewaretoken": csrf})["Location"] == response["Location"]
    assert browser.get(link)["Location"] == response["Location"]
    assert places(session) == (1, 0)


def test_places_go_in_the_order_people_confirm_then_to_the_waiting_list(client, session):
    for n in range(3):
        register(client, session, email=f"person{n}@example.com")
    first, second, third = Registration.objects.order_by("created_at", "pk")
    for registration in (third, first, second):
        assert client.post(confirmation_path(registration)).status_code == 303
    assert [Registration.objects.get(pk=r.pk).status for r in (first, second, third)] == [
        "confirmed", "waitlisted", "confirmed"]
    assert places(session) == (2, 1)
    page = text_of(client.get(f"/engage/registration/?token={token_for(second.reference)}"))
    assert "You are on the waiting list" in page and "number 1 on its waiting list" in page


def test_an_expired_link_is_a_calm_410_with_a_way_to_register_again(client, session):
    register(client, session)
    registration = Registration.objects.get()
    Registration.objects.filter(pk=registration.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    link = confirmation_path(registration)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 410 and "no-store" in response["Cache-Control"]
        assert "within 24 hours" in text_of(response) and "No place was held" in text_of(response)
        assert f'href="{session.get_register_url()}"' in response.content.decode()
    assert Registration.objects.get().status == Registration.Status.PENDING and places(session) == (0, 0)
    call_command("purge_registrations", stdout=io.StringIO())
    gone = client.get(link)  # deleted since: the same calm page, still with its way back
    assert gone.status_code == 410 and f'href="{session.get_register_url()}"' in gone.content.decode()


def test_an_unconfirmed_registration_has_no_calendar_entry(client, session):
    register(client, session)
    token = token_for(Registration.objects.get().reference)
    response = client.get(f"/engage/registration/calendar.ics?token={token}")
    assert response.status_code == 409 and "confirm" in text_of(response)


@pytest.mark.parametrize("token", ["EN-AAAA-AAAA.1", "EN-AAAA-AAAA.1:forged", "x" * 300, "registration"])
def test_a_tampered_confirmation_link_is_a_400_and_confirms_nothing(client, session, token):
    register(client, session)
    real = confirmation_path(Registration.objects.get()).rstrip("/")
    tampered = real[:-2] + ("AA" if not real.endswith("AA") else "BB") + "/"
    for path in (f"/engage/registration/confirm/{token}/", tampered):
        assert client.get(path).status_code == 400
        assert client.post(path).status_code == 400
    # The registration page's token is signed for another purpose: it confirms nothing either.
    other = f"/engage/registration/confirm/{token_for(Registration.objects.get().reference)}/"
    assert client.post(other).status_code == 400
    assert places(session) == (0, 0)


def test_purge_deletes_expired_unconfirmed_registrations_only(client, session):
    for n in range(3):
        register(client, session, email=f"p{n}@example.com")
    fresh, expired, kept = Registration.objects.order_by("pk")
    client.post(confirmation_path(kept))
    long_ago = timezone.now() - datetime.timedelta(hours=25)
    Registration.objects.filter(pk__in=[expired.pk, kept.pk]).update(created_at=long_ago)
    out = io.StringIO()
    call_command("purge_registrations", stdout=out)
    assert "1 unconfirmed registration(s) deleted" in out.getvalue()
    assert set(Registration.objects.values_list("pk", flat=True)) == {fresh.pk, kept.pk}
    assert places(session) == (1, 0)


def test_registrations_per_session_per_network_are_bounded_and_the_form_keeps_its_input(
    client, session, settings, frozen_clock
):
    settings.IDARE_SESSION_REGISTRATION_RATE = "2/day"
    for n in range(2):
        assert register(client, session, email=f"p{n}@example.com").status_code == 303
    response = register(client, session, name="Third Person", email="third@example.com")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    html, text = response.content.decode(), text_of(response)
    assert 'value="Third Person"' in html and 'value="third@example.com"' in html and "checked" in html
    assert "Your network can register at most 2 times for one session a day" in text
    assert "nothing was kept" in text and "try again in about" in text
    assert Registration.objects.count() == 2
    # Another network, or another session from this one, is not affected.
    assert client.post(session.get_register_url(), PERSON, REMOTE_ADDR="198.51.100.9").status_code == 303
    assert register(client, make_session(capacity=2)).status_code == 303
    assert Registration.objects.count() == 4


def test_staff_see_unconfirmed_registrations_apart_from_places(client, session, staff_client):
    for n in range(3):
        register(client, session, email=f"p{n}@example.com")
    client.post(confirmation_path(Registration.objects.first()))
    listing = staff_client.get("/admin/engage/session/").content.decode()
    assert "Not confirmed yet (no place held)" in listing
    row = re.search(rf'<tr>.*?/admin/engage/session/{session.pk}/change/.*?</tr>', listing, re.S).group(0)
    assert re.findall(r'<td class="field-(confirmed_count|waitlisted|unconfirmed)">(\d+)</td>', row) == [
        ("confirmed_count", "1"), ("waitlisted", "0"), ("unconfirmed", "2")]
