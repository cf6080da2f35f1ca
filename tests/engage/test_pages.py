"""/engage/ and its programme pages, as a reader sees them."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from engage.models import Programme
from tests.factories import make_programme, make_session
from tests.helpers import text_of

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("programmes")
def test_engage_lists_the_seeded_programmes_each_with_its_own_page():
    reader = Client()
    html = reader.get("/engage/").content.decode()
    for programme in Programme.objects.all():
        assert f'href="{programme.get_absolute_url()}"' in html
        page = reader.get(programme.get_absolute_url())
        assert page.status_code == 200 and programme.title in page.content.decode()
    kinds = set(Programme.objects.values_list("kind", flat=True))
    assert kinds == {"workshop", "circle", "campus", "workplace", "volunteering"}


@pytest.mark.usefixtures("programmes")
def test_every_seeded_listing_is_labelled_an_example_wherever_it_shows(client):
    index = text_of(client.get("/engage/"))
    assert index.count("Example listing: not a real programme") == Programme.objects.count()
    assert "Example listing: not a real session" in index
    for programme in Programme.objects.prefetch_related("sessions"):
        assert programme.example and all(session.example for session in programme.sessions.all())
        page = text_of(client.get(programme.get_absolute_url()))
        assert "Example listing: not a real programme" in page
        assert page.count("Example listing: not a real session") == programme.sessions.count()
        for session in programme.sessions.all():
            assert "Example listing: not a real session" in text_of(client.get(session.get_register_url()))


@pytest.mark.usefixtures("programmes")
def test_seeded_sessions_lie_in_the_future():
    from engage.models import Session

    assert Session.objects.count() >= 5
    assert Session.objects.upcoming().count() == Session.objects.count()


@pytest.fixture(autouse=True)
def demo(settings):
    """Seeded examples show only when the site runs as a demo, as `make run` and `make serve` do."""
    settings.IDARE_DEMO = True


def test_a_peer_circle_says_plainly_that_it_is_not_therapy(client):
    circle = make_programme(kind=Programme.Kind.CIRCLE, title="Grief circle")
    session = make_session(circle)
    for path in ("/engage/", circle.get_absolute_url(), session.get_register_url()):
        assert "A peer circle is not therapy" in text_of(client.get(path)), path


def test_past_sessions_leave_every_list_and_cannot_be_registered_for(client):
    programme = make_programme(title="Stress workshop")
    past = make_session(programme, in_days=-1)
    started = make_session(programme, in_days=-0.01, ends_at=datetime.datetime.now(datetime.UTC)
                           + datetime.timedelta(hours=1))
    future = make_session(programme, in_days=3)
    for path in ("/engage/", programme.get_absolute_url()):
        html = client.get(path).content.decode()
        assert future.get_register_url() in html
        assert past.get_register_url() not in html and started.get_register_url() not in html
    assert client.get(past.get_register_url()).status_code == 404
    assert client.get(started.get_register_url()).status_code == 404


def test_a_session_shows_its_date_in_its_own_time_zone_and_names_the_zone(client):
    programme = make_programme()
    moment = datetime.datetime(2100, 3, 5, 13, 0, tzinfo=datetime.UTC)  # far ahead: no calendar dependence
    make_session(programme, starts_at=moment, ends_at=moment + datetime.timedelta(hours=1), time_zone="Asia/Kolkata")
    make_session(programme, starts_at=moment, ends_at=moment + datetime.timedelta(hours=1), time_zone="Europe/London")
    page = text_of(client.get(programme.get_absolute_url()))
    assert "Friday 5 March 2100, 6:30 PM to 7:30 PM IST (Asia/Kolkata)" in page
    assert "Friday 5 March 2100, 1:00 PM to 2:00 PM GMT (Europe/London)" in page
    assert '<time datetime="2100-03-05T18:30:00+05:30">' in client.get(programme.get_absolute_url()).content.decode()


def test_places_left_and_a_full_session_are_said_plainly(client):
    programme = make_programme()
    make_session(programme, capacity=12, confirmed_count=5)
    make_session(programme, capacity=8, confirmed_count=8, in_days=9)
    page = text_of(client.get(programme.get_absolute_url()))
    assert "7 of 12 left" in page and "Full: you can join the waiting list" in page
    assert "Join the waiting list" in page


def test_unlisted_and_unknown_programmes_are_404(client):
    hidden = make_programme(listed=False)
    make_session(hidden)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert hidden.title not in client.get("/engage/").content.decode()
    for path in ("/engage/no-such-programme/", "/engage/%F0%9F%92%9B/", "/engage/x/999999/register/"):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("path", ["/engage/", "programme", "register"])
def test_head_answers_like_get_and_reading_sets_no_cookie(client, path):
    programme = make_programme(slug="calm")
    session = make_session(programme)
    path = {"programme": programme.get_absolute_url(), "register": session.get_register_url()}.get(path, path)
    get, head = client.get(path), client.head(path)
    assert get.status_code == head.status_code == 200 and head.content == b""
    assert head["Content-Type"] == get["Content-Type"]
    if "register" not in path:  # the form page sets the CSRF cookie its form needs; reading pages set none
        assert not get.cookies


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_queries_per_page_do_not_grow_with_programmes_and_sessions(client):
    anchor = make_programme(slug="anchor")
    session = make_session(anchor)
    paths = ["/engage/", anchor.get_absolute_url(), session.get_register_url()]
    for path in paths:
        client.get(path)
    before = {path: _queries(client, path) for path in paths}
    for n in range(6):
        programme = make_programme(kind=Programme.Kind.CIRCLE)
        for days in range(1, 4):
            make_session(programme, in_days=days + n)
            make_session(anchor, in_days=days + n)
    after = {path: _queries(client, path) for path in paths}
    assert after == before and max(after.values()) <= 3


@pytest.mark.usefixtures("programmes")
def test_engage_links_to_help_and_to_the_contact_form_for_partnerships(client):
    html = client.get("/engage/").content.decode()
    assert 'href="/help/"' in html and 'href="/contact/?topic=partnerships"' in html
    assert "will be published" not in html


@pytest.mark.usefixtures("content")
def test_the_privacy_notice_describes_registrations_as_built(client, settings):
    html = client.get("/privacy/").content.decode()
    assert 'id="registering-for-engage-sessions"' in html
    section = text_of(client.get("/privacy/")).split("Registering for Engage sessions")[1].split("Staff who sign in")[0]
    for promise in ("your name", "your e-mail address", "encrypted", "consent", "csrftoken",
                    f"{settings.IDARE_REGISTRATION_RETENTION_DAYS} days after the session ends", "straight away",
                    "Raw IP addresses are never stored", "only once you confirm it",
                    "Opening the link alone changes nothing",
                    f"within {settings.IDARE_REGISTRATION_CONFIRM_HOURS} hours"):
        assert promise in section, promise


@pytest.mark.usefixtures("programmes")
def test_home_tiles_describe_support_and_engage_as_they_are(client):
    make_session(make_programme())
    html = client.get("/").content.decode()
    tiles = text_of(client.get("/"))
    assert "register for a place online" in tiles and "directory" in tiles
    assert 'href="/support/"' in html and 'href="/engage/"' in html
    assert 'href="/support/providers/"' not in html and 'href="/support/request/"' not in html


@pytest.mark.parametrize("demo", [True, False])
def test_home_never_offers_registration_while_no_session_can_be_booked(client, settings, demo):
    settings.IDARE_DEMO = demo
    make_session(make_programme(example=True))
    make_session(make_programme(), example=True)
    make_session(make_programme(), in_days=-1)
    tiles = text_of(client.get("/"))
    assert "register for a place online" not in tiles and "how to take part" in tiles
