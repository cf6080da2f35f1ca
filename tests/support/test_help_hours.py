"""Opening hours as data: open or closed at the reader's moment (India time), a cached /help/ never
outliving the next change, and ways to reach a line without speaking. A frozen clock throughout."""

import datetime
import re

import pytest
from django.utils import timezone

from core import snapshots
from support.hours import INDIA, status_at
from support.models import HelplineChannel, OpeningPeriod
from tests.factories import admin_change_data, make_helpline
from tests.helpers import unreachable_database

pytestmark = pytest.mark.django_db

WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def at(day: str, hhmm: str, second: int = 0) -> datetime.datetime:
    """That moment in the week of Monday 7 Dec 2026, India time."""
    hours, minutes = map(int, hhmm.split(":"))
    return datetime.datetime(2026, 12, 7 + WEEKDAYS[day], hours, minutes, second, tzinfo=INDIA)


DAYTIME = {"periods": [{"days": [0, 1, 2, 3, 4, 5], "opens": "10:00", "closes": "20:00"}]}
NIGHTS = {"periods": [{"days": [4, 5, 6], "opens": "22:00", "closes": "02:00"}]}


def fold(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def frozen(monkeypatch):
    def freeze(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)
    return freeze


def test_open_at_the_opening_minute_and_closed_at_the_closing_minute():
    assert status_at(DAYTIME, at("mon", "09:59", 59)).open is False
    assert status_at(DAYTIME, at("mon", "10:00")).open is True
    assert status_at(DAYTIME, at("mon", "19:59", 59)).open is True
    closed = status_at(DAYTIME, at("mon", "20:00"))
    assert closed.open is False and closed.changes_at == at("tue", "10:00")
    assert status_at(DAYTIME, at("mon", "10:00")).changes_at == at("mon", "20:00")


def test_a_period_crossing_midnight_stays_open_into_the_next_day():
    assert status_at(NIGHTS, at("fri", "23:00")).changes_at == at("sat", "02:00")
    assert status_at(NIGHTS, at("sat", "01:59")).open is True
    assert status_at(NIGHTS, at("sat", "02:00")).open is False
    assert status_at(NIGHTS, at("thu", "23:00")).open is False


def test_the_week_wraps_from_sunday_night_to_monday():
    sunday_night = status_at(NIGHTS, at("mon", "01:00"))  # Sunday 22:00 to Monday 02:00
    assert sunday_night.open is True and sunday_night.changes_at == at("mon", "02:00")
    after = status_at(NIGHTS, at("mon", "02:00"))
    assert after.open is False and after.changes_at == at("fri", "22:00")
    saturday_evening = status_at(DAYTIME, at("sat", "21:00"))
    assert saturday_evening.open is False and saturday_evening.changes_at == at("mon", "10:00") + datetime.timedelta(
        days=7)


def test_round_the_clock_is_open_with_no_change_and_no_hours_claims_nothing():
    always = status_at({"round_the_clock": True, "periods": []}, at("sun", "03:00"))
    assert always.open is True and always.changes_at is None
    unknown = status_at({"round_the_clock": False, "periods": []}, at("sun", "03:00"))
    assert unknown.open is None and not unknown.known


def day_line(**fields):
    line = make_helpline(name="Day line", numbers="1800 100 200", round_the_clock=False, hours="Mon-Sat 10-20",
                         urgency=1, **fields)
    OpeningPeriod.objects.create(helpline=line, first_day=0, last_day=5, opens=datetime.time(10),
                                 closes=datetime.time(20))
    return line


def max_age(response) -> int:
    return int(response["Cache-Control"].split("max-age=")[1].split(",")[0])


def test_help_says_open_now_or_when_it_opens_and_keeps_no_copy_past_the_change(client, frozen):
    day_line()
    frozen(at("mon", "19:59", 30))
    response = client.get("/help/")
    assert "Open now , until 20:00." in fold(response.content.decode())
    assert max_age(response) <= 30
    frozen(at("mon", "20:00"))
    response = client.get("/help/")
    assert "Closed now , opens Tuesday at 10:00." in fold(response.content.decode())
    assert max_age(response) == 60
    frozen(at("sat", "21:00"))
    assert "Closed now , opens Monday at 10:00." in fold(client.get("/help/").content.decode())
    frozen(at("tue", "08:00"))
    assert "Closed now , opens today at 10:00." in fold(client.get("/help/").content.decode())


def test_a_line_without_confirmed_hours_says_so_and_claims_neither(client, frozen):
    make_helpline(name="Unsure line", round_the_clock=False, hours="Daytime; check current hours")
    frozen(at("wed", "12:00"))
    text = fold(client.get("/help/").content.decode())
    assert "could not confirm this line’s hours" in text
    assert "Open now" not in text and "Closed now" not in text


def test_the_snapshot_carries_the_hours_through_a_database_outage(client, frozen):
    day_line()
    assert snapshots.refresh_all() == []
    frozen(at("sun", "12:00"))
    with unreachable_database():
        help_page = client.get("/help/")
        error_page = client.get("/blog/")
    assert help_page.status_code == 200 and "Closed now , opens Monday at 10:00." in fold(help_page.content.decode())
    assert error_page.status_code == 503 and "Closed now , opens Monday at 10:00." in fold(
        error_page.content.decode())


def test_without_a_text_channel_help_says_so_and_points_to_the_contact_form(client):
    make_helpline(name="Voice only")
    text = client.get("/help/").content.decode()
    section = text[text.index('id="cannot-talk-title"'):text.index('id="numbers-change-title"')]
    assert "None of the lines we have checked offers text or chat" in section
    assert 'href="/contact/?topic=helpline"' in section and "not a crisis service" in section
    assert 'href="tel:112"' in section


def test_a_text_channel_is_offered_under_cannot_talk_with_its_link(client, frozen):
    line = day_line()
    HelplineChannel.objects.create(helpline=line, kind="whatsapp", address="+91 98765 43210")
    HelplineChannel.objects.create(helpline=line, kind="email", address="help@line.example")
    HelplineChannel.objects.create(helpline=line, kind="sms", address="98765 43210", active=False)
    frozen(at("mon", "11:00"))
    text = client.get("/help/").content.decode()
    section = text[text.index('id="cannot-talk-title"'):text.index('id="numbers-change-title"')]
    assert 'href="https://wa.me/919876543210"' in section and 'href="mailto:help@line.example"' in section
    assert "sms:" not in section and "None of the lines" not in section
    assert "Open now" in fold(section)


@pytest.mark.parametrize(("kind", "address", "message"), [
    ("whatsapp", "98765 43210", "with its country code"),
    ("chat", "http://chat.example", "starting with https://"),
    ("email", "not an address", "Enter an e-mail address"),
    ("sms", "text us", "Enter the number to text"),
])
def test_the_admin_refuses_a_channel_address_of_the_wrong_kind_plainly(staff_client, kind, address, message):
    line = make_helpline()
    url = f"/admin/support/helpline/{line.pk}/change/"
    data = admin_change_data(staff_client.get(url))
    data.update({"channels-TOTAL_FORMS": "1", "channels-0-kind": kind, "channels-0-address": address,
                 "channels-0-position": "0", "channels-0-active": "on"})
    response = staff_client.post(url, data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not line.channels.exists()


def test_the_admin_refuses_periods_on_a_line_open_24_7(staff_client):
    line = make_helpline()
    url = f"/admin/support/helpline/{line.pk}/change/"
    data = admin_change_data(staff_client.get(url))
    data.update({"periods-TOTAL_FORMS": "1", "periods-0-first_day": "0", "periods-0-last_day": "4",
                 "periods-0-opens": "10:00", "periods-0-closes": "18:00"})
    response = staff_client.post(url, data)
    assert response.status_code == 200 and "needs no opening periods" in response.content.decode()


@pytest.mark.usefixtures("helplines")
def test_the_desk_check_imports_as_data_and_nothing_is_invented(client):
    from support.models import Helpline

    icall = Helpline.objects.get(slug="icall")
    assert not icall.round_the_clock and not icall.periods.exists() and not icall.channels.exists()
    assert sorted(language.name for language in icall.served_languages.all()) == ["English", "Hindi"]
    assert Helpline.objects.get(slug="tele-manas").round_the_clock
    assert not HelplineChannel.objects.exists()
    assert not Helpline.objects.get(slug="vandrevala-foundation").active


def test_an_editors_hours_are_kept_by_the_next_import(helplines):
    from django.core.management import call_command

    from support.models import Helpline

    icall = Helpline.objects.get(slug="icall")
    OpeningPeriod.objects.create(helpline=icall, first_day=0, last_day=5, opens=datetime.time(10),
                                 closes=datetime.time(20))
    call_command("import_content", stdout=__import__("io").StringIO())
    assert icall.periods.count() == 1
