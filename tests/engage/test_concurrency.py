"""Places are never overbooked, also when people confirm their registrations at the same moment:
real threads, each with its own database connection, against PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client

from engage.models import Registration, Session
from engage.tokens import confirmation_path, token_for
from tests.factories import make_programme, make_session

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE = 50
PLACES = 10
THREADS = 25  # more than the places, so a wave crosses the boundary; well under PostgreSQL's 100 connections


@pytest.fixture(autouse=True)
def on_postgresql(settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL: set DATABASE_URL (CI does)")
    settings.IDARE_REGISTRATION_RATE = settings.IDARE_SESSION_REGISTRATION_RATE = "off"


def at_once(task, arguments) -> list:
    """Runs `task` for every argument on up to THREADS threads, each wave released together."""
    arguments = list(arguments)
    parties = min(THREADS, len(arguments))
    assert len(arguments) % parties == 0, "whole waves only: a partial wave would wait at the barrier"
    barrier = threading.Barrier(parties)

    def run(argument):
        try:
            barrier.wait(timeout=30)
            return task(argument)
        finally:
            connections.close_all()  # this thread's connection; the pool reuses the thread

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(run, arguments))


def test_fifty_people_registering_and_confirming_at_once_for_ten_places(django_capture_on_commit_callbacks):
    session = make_session(make_programme(), capacity=PLACES)
    register_url = session.get_register_url()

    def register(n):
        response = Client().post(register_url, {"name": f"Person {n}", "email": f"person{n}@example.com",
                                                "consent": "on"})
        return response.status_code

    assert at_once(register, range(PEOPLE)) == [303] * PEOPLE
    session.refresh_from_db()
    assert session.confirmed_count == 0 and set(Registration.objects.values_list("status", flat=True)) == {"pending"}

    def confirm(registration):
        return Client().post(confirmation_path(registration)).status_code

    # Everyone confirms at once, each link pressed twice: the second press finds it done.
    assert at_once(confirm, list(Registration.objects.filter(session=session)) * 2) == [303] * PEOPLE * 2
    session.refresh_from_db()
    statuses = list(Registration.objects.filter(session=session).values_list("status", flat=True))
    assert statuses.count("confirmed") == PLACES and statuses.count("waitlisted") == PEOPLE - PLACES
    assert session.confirmed_count == PLACES
    assert len(mail.outbox) == PEOPLE * 2  # the link to confirm, then the place or the waiting list

    # Five people cancel at once: the five first in line get their places, and no more.
    leaving = list(Registration.objects.filter(session=session, status="confirmed")[:5])
    first_in_line = list(Registration.objects.filter(session=session, status="waitlisted")
                         .order_by("confirmed_at", "pk").values_list("pk", flat=True)[:5])
    mail.outbox.clear()

    def cancel(registration):
        return Client().post("/engage/registration/cancel/", {"token": token_for(registration.reference)}).status_code

    # Each link is followed twice at once: one cancels, the other finds it already gone (or does nothing).
    answers = at_once(cancel, leaving * 2)
    assert set(answers) <= {303, 404} and answers.count(303) >= 5
    session.refresh_from_db()
    confirmed = set(Registration.objects.filter(session=session, status="confirmed").values_list("pk", flat=True))
    assert len(confirmed) == PLACES == session.confirmed_count
    assert set(first_in_line) <= confirmed
    assert Registration.objects.filter(session=session, status="waitlisted").count() == PEOPLE - PLACES - 5
    promoted_emails = sorted(message.to[0] for message in mail.outbox)
    assert promoted_emails == sorted(Registration.objects.get(pk=pk).email for pk in first_in_line)


def test_the_database_itself_refuses_an_overbooking():
    from django.db import IntegrityError
    from django.db.models import F

    session = make_session(capacity=1, confirmed_count=1)
    with pytest.raises(IntegrityError):
        Session.objects.filter(pk=session.pk).update(confirmed_count=F("confirmed_count") + 1)
