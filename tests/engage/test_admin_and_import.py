"""Staff manage Engage in the admin; content/engage/programmes.yaml seeds example listings; old
registrations are purged."""

import datetime
import io
import zoneinfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from engage.models import Programme, Registration, Session
from engage.tokens import confirmation_path
from tests.factories import make_programme, make_session
from tests.helpers import records_in, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    settings.IDARE_REGISTRATION_RATE = settings.IDARE_SESSION_REGISTRATION_RATE = "off"


def register(session, email: str):
    """The form, then the confirmation from the e-mail's page, as the person does."""
    person = Client()
    response = person.post(session.get_register_url(), {"name": "Someone", "email": email, "consent": "on"})
    assert response.status_code == 303
    registration = Registration.objects.order_by("-pk").first()
    assert person.post(confirmation_path(registration)).status_code == 303
    return Registration.objects.get(pk=registration.pk)


# --- the admin -----------------------------------------------------------------------------------

def test_the_admin_lists_example_listings_for_replacement(staff_client, content):
    page = staff_client.get("/admin/engage/programme/").content.decode()
    assert f"{Programme.objects.count()} example programmes" in page and "replace them with real ones" in page
    sessions = staff_client.get("/admin/engage/session/?example__exact=1").content.decode()
    assert f"{Session.objects.count()} example sessions" in sessions
    assert staff_client.get("/admin/engage/programme/?example__exact=0").status_code == 200


def add_session(staff_client, **changes):
    data = {"programme": make_programme().pk, "starts_at_0": "2100-03-05", "starts_at_1": "18:30:00",
            "ends_at_0": "2100-03-05", "ends_at_1": "20:00:00", "time_zone": "Asia/Kolkata",
            "mode": "online", "place": "Video call", "capacity": "20"}
    return staff_client.post("/admin/engage/session/add/", {**data, **changes})


def test_staff_type_session_times_in_the_sessions_own_time_zone(staff_client):
    response = add_session(staff_client, time_zone="Europe/London", mode="in_person", place="A hall, London")
    assert response.status_code == 302, response.content.decode()[:3000]
    session = Session.objects.get()
    london = zoneinfo.ZoneInfo("Europe/London")
    assert session.starts_at == datetime.datetime(2100, 3, 5, 18, 30, tzinfo=london)
    form = staff_client.get(f"/admin/engage/session/{session.pk}/change/").content.decode()
    assert 'value="18:30:00"' in form  # shown again on the session's own clock


def test_an_unknown_time_zone_is_refused_clearly(staff_client):
    response = add_session(staff_client, time_zone="Mars/Olympus")
    assert response.status_code == 200 and "is not a time zone name" in response.content.decode()
    assert not Session.objects.exists()


def _session_form(session, **changes) -> dict:
    local = session.starts_at.astimezone(session.zone)
    end = session.ends_at.astimezone(session.zone)
    data = {"programme": session.programme_id, "starts_at_0": local.date().isoformat(),
            "starts_at_1": local.strftime("%H:%M:%S"), "ends_at_0": end.date().isoformat(),
            "ends_at_1": end.strftime("%H:%M:%S"), "time_zone": session.time_zone, "mode": session.mode,
            "place": session.place, "capacity": str(session.capacity)}
    return {**data, **changes}


def test_capacity_cannot_drop_below_the_places_taken(staff_client):
    session = make_session(capacity=3)
    for n in range(2):
        register(session, f"p{n}@example.com")
    response = staff_client.post(f"/admin/engage/session/{session.pk}/change/", _session_form(session, capacity="1"))
    assert response.status_code == 200 and "2 places are already taken" in response.content.decode()
    assert Session.objects.get(pk=session.pk).capacity == 3


def test_more_places_go_to_the_waiting_list_in_order(staff_client, django_capture_on_commit_callbacks):
    session = make_session(capacity=1)
    register(session, "first@example.com")
    waiting = [register(session, f"wait{n}@example.com") for n in range(3)]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/admin/engage/session/{session.pk}/change/",
                                     _session_form(session, capacity="3"))
    assert response.status_code == 302
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    assert sorted(m.to[0] for m in mail.outbox) == ["wait0@example.com", "wait1@example.com"]


def test_registrations_are_view_only_for_staff_and_deleting_one_cancels_it(staff_client):
    session = make_session(capacity=1)
    first = register(session, "first@example.com")
    second = register(session, "second@example.com")
    assert Client().get("/admin/engage/registration/").status_code == 302  # readers are sent to log in
    listing = staff_client.get("/admin/engage/registration/").content.decode()
    assert first.reference in listing and "first@example.com" not in listing
    detail = staff_client.get(f"/admin/engage/registration/{first.pk}/change/").content.decode()
    assert "first@example.com" in detail and 'name="email"' not in detail  # shown, not editable
    assert staff_client.get("/admin/engage/registration/add/").status_code == 403
    staff_client.post(f"/admin/engage/registration/{first.pk}/delete/", {"post": "yes"})
    assert not Registration.objects.filter(pk=first.pk).exists()
    assert Registration.objects.get(pk=second.pk).is_confirmed
    assert Session.objects.get(pk=session.pk).confirmed_count == 1


def test_a_programme_cannot_take_an_address_of_the_registration_flow(staff_client):
    response = staff_client.post("/admin/engage/programme/add/", {
        "title": "Registration", "slug": "registration", "kind": "workshop", "summary": "S", "description": "D",
        "audience": "A", "cost": "Free", "listed": "on",
    })
    assert response.status_code == 200 and "is used by the site itself" in response.content.decode()


def test_programme_prose_is_sanitized_markdown(client):
    programme = make_programme(description="## Plan\n\n<script>alert(1)</script>[x](javascript:alert(2)) **bold**")
    html = client.get(programme.get_absolute_url()).content.decode()
    assert "<h2" in html and "<strong>bold</strong>" in html
    assert "<script>alert" not in html and "javascript:alert" not in html


# --- the import ----------------------------------------------------------------------------------

def test_the_seed_imports_example_programmes_with_future_sessions(content_dir):
    output = run_import(content_dir)
    held = records_in(content_dir)
    assert f"programme: {held['programme']} created" in output and f"session: {held['session']} created" in output
    assert Programme.objects.filter(example=False).count() == 0
    assert not Session.objects.filter(example=False).exists()
    now = timezone.now()
    assert all(session.starts_at > now for session in Session.objects.all())
    workshop = Session.objects.get(slug="boundaries-without-guilt-online-1")
    local = workshop.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Kolkata"))
    assert (local.hour, local.minute) == (18, 30) and workshop.ends_at - workshop.starts_at == datetime.timedelta(
        minutes=90)
    assert local.date() == timezone.localdate() + datetime.timedelta(days=14)


def test_an_editors_change_to_a_seeded_session_is_kept(content_dir):
    run_import(content_dir)
    Session.objects.filter(slug="anxiety-peer-circle-online-1").update(place="Edited by staff")
    session = Session.objects.get(slug="anxiety-peer-circle-online-1")
    session.save()
    path = content_dir / "engage/programmes.yaml"
    path.write_text(path.read_text().replace("capacity: 12", "capacity: 14"))
    output = run_import(content_dir)
    assert "kept" in output and Session.objects.get(slug="anxiety-peer-circle-online-1").place == "Edited by staff"
    assert Session.objects.get(slug="anxiety-peer-circle-online-2").capacity == 14


@pytest.mark.parametrize(("old", "new", "message"), [
    ("kind: workshop", "kind: lecture", "kind: Value 'lecture' is not a valid choice"),
    ('at: "18:30"', 'at: "evening"', 'at must be a time of day like "18:30"'),
    ("in_days: 14", "in_days: -3", "in_days and minutes must be 1 or more"),
    ("capacity: 25", "capacity: lots", "capacity must be a whole number"),
    ("  example: true\n  summary: >-\n    Ninety", "  example: maybe\n  summary: >-\n    Ninety",
     "example must be true"),
])
def test_a_bad_seed_record_is_named_and_imports_nothing_from_the_file(content_dir, old, new, message):
    path = content_dir / "engage/programmes.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(CommandError, match="engage/programmes.yaml: programme #1: ") as refused:
        run_import(content_dir)
    assert message in str(refused.value)
    assert not Programme.objects.exists() and not Session.objects.exists()


# --- retention -----------------------------------------------------------------------------------

def test_purge_deletes_registrations_of_sessions_that_ended_long_enough_ago(settings):
    settings.IDARE_REGISTRATION_RETENTION_DAYS = 30
    recent = make_session(capacity=5)
    old = make_session(capacity=5)
    for n in range(2):
        register(recent, f"r{n}@example.com")
        register(old, f"o{n}@example.com")
    Session.objects.filter(pk=old.pk).update(starts_at=timezone.now() - datetime.timedelta(days=32),
                                              ends_at=timezone.now() - datetime.timedelta(days=31))
    Session.objects.filter(pk=recent.pk).update(starts_at=timezone.now() - datetime.timedelta(days=29),
                                                 ends_at=timezone.now() - datetime.timedelta(days=29) +
                                                 datetime.timedelta(hours=1))
    out = io.StringIO()
    call_command("purge_registrations", stdout=out)
    assert "2 registration(s) deleted" in out.getvalue()
    assert set(Registration.objects.values_list("session", flat=True)) == {recent.pk}
    assert Session.objects.get(pk=old.pk).confirmed_count == 0
    out = io.StringIO()
    call_command("purge_registrations", "--days", "0", stdout=out)
    assert "2 registration(s) deleted" in out.getvalue() and not Registration.objects.exists()


def test_purge_refuses_a_negative_period():
    with pytest.raises(CommandError, match="--days must be 0 or more"):
        call_command("purge_registrations", "--days", "-1")
