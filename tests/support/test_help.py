import datetime
import re

import pytest
from django.utils import timezone

from support.models import Helpline
from tests.factories import make_helpline

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("helplines")
def test_help_page_lists_the_imported_helplines_emergency_first(client):
    html = client.get("/help/").content.decode()
    tel = re.findall(r'href="(tel:[^"]+)"', html)
    assert tel[0] == "tel:112"
    assert "tel:14416" in tel and "tel:1-800-891-4416".replace("-", "") in tel and "tel:1098" in tel
    listing = html[html.index('class="helplines"'):]
    positions = [listing.index(name) for name in ("Emergency (ERSS)", "Tele-MANAS", "Childline", "iCall")]
    assert positions == sorted(positions)
    assert "If you or someone else is in immediate danger" in html
    assert "Mon-Sat, daytime; check current hours" in html


@pytest.mark.usefixtures("helplines")
def test_help_page_shows_when_each_line_was_last_checked_and_by_whom(client):
    html = client.get("/help/").content.decode()
    assert html.count("Last checked") == Helpline.objects.active().count() > 0
    assert '<time datetime="2026-11-26">26 Nov 2026</time>' in html
    assert "iDare editorial (desk check of published sources)" in html


@pytest.mark.usefixtures("helplines")
def test_a_line_awaiting_verification_is_not_shown(client):
    vandrevala = Helpline.objects.get(slug="vandrevala-foundation")
    assert not vandrevala.active and "Awaiting verification" in vandrevala.editor_note
    html = client.get("/help/").content.decode()
    assert "Vandrevala" not in html and "9999" not in html


def test_numbers_come_from_the_data_not_the_template(client):
    make_helpline(name="A new line", numbers="+91 98765 43210; 1800 123 456", urgency=1)
    html = client.get("/help/").content.decode()
    assert 'href="tel:+919876543210"' in html and 'href="tel:1800123456"' in html
    assert "A new line" in html


def test_help_page_says_iDare_is_not_an_emergency_service(client):
    text = client.get("/help/").content.decode()
    assert "not an emergency service" in text and 'href="tel:112"' in text


def test_invalid_numbers_are_refused_with_a_clear_message():
    line = make_helpline()
    line.numbers = "call us; javascript:alert(1)"
    with pytest.raises(Exception, match="Enter phone numbers"):
        line.full_clean()


def test_admin_flags_records_not_verified_in_ninety_days(staff_client):
    fresh = make_helpline(name="Fresh line")
    stale = make_helpline(name="Stale line", last_verified_on=timezone.localdate() - datetime.timedelta(days=91))
    assert list(Helpline.objects.needing_verification()) == [stale]
    assert stale.needs_verification() and not fresh.needs_verification()
    response = staff_client.get("/admin/support/helpline/")
    html = response.content.decode()
    assert "1 helpline(s) not verified in the last 90 days" in html
    filtered = staff_client.get("/admin/support/helpline/?verification=stale").content.decode()
    assert "Stale line" in filtered and "Fresh line" not in filtered


def fold(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.usefixtures("helplines")
def test_help_says_which_lines_are_open_day_and_night_and_which_cost_a_call(client):
    text = fold(client.get("/help/").content.decode())
    assert "free to call and can talk with you now" not in text
    assert "Open day and night (24x7): Emergency, Tele-MANAS, Childline." in text
    assert "iCall keeps set hours" in text
    assert "Free to call: 112 (Emergency), 14416 and 1-800-891-4416 (Tele-MANAS), 1098 (Childline)." in text
    assert "iCall: an ordinary phone number, so a call may cost what your phone plan charges." in text


def test_help_wording_follows_the_data(client):
    make_helpline(name="Night line", numbers="1800 000 001", hours="24x7", cost="Free", urgency=1)
    make_helpline(name="Day line (a trust)", numbers="98765 43210", hours="Mon-Fri, 10am-6pm",
                  round_the_clock=False, cost="Usual call charges", urgency=2)
    text = fold(client.get("/help/").content.decode())
    assert "Open day and night (24x7): Night line." in text
    assert "Day line keeps set hours" in text
    assert "Free to call: 1800 000 001 (Night line)." in text
    assert "Day line: an ordinary phone number, so a call may cost" in text


def test_with_every_line_open_and_free_help_claims_no_exceptions(client):
    make_helpline(name="Only line", numbers="1800 000 002", hours="24/7", cost="Free")
    text = fold(client.get("/help/").content.decode())
    assert "set hours" not in text and "may cost" not in text


@pytest.mark.usefixtures("helplines")
def test_home_help_tile_names_the_free_round_the_clock_lines_only(client):
    html = client.get("/").content.decode()
    tile = fold(html[html.index('class="vertical vertical--help"'):])
    tile = tile[:tile.index("Latest")] if "Latest" in tile else tile
    assert "Open day and night and free to call: Emergency (112), Tele-MANAS (14416), Childline (1098)." in tile
    assert "iCall" not in tile and "free helplines in India can talk with you now" not in tile
    assert "Some other lines keep set hours or may cost the price of a call." in tile


@pytest.mark.usefixtures("helplines")
def test_error_pages_promise_no_free_line_for_everyone(client):
    html = fold(client.get("/no/such/page/").content.decode())
    assert "free and open to anyone" not in html
    assert "crisis helplines in India, with their hours and what a call costs" in html
