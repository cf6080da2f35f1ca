"""/help/ and the 503 page never depend on the database: the active helplines are kept in a
snapshot outside it (core/snapshots.py), rebuilt on every helpline change and at start-up."""

import logging
import re

import pytest
from django.core.cache import cache
from django.db import transaction

from core import snapshots
from support.models import Helpline
from tests.factories import admin_change_data, make_helpline
from tests.helpers import unreachable_database

pytestmark = pytest.mark.django_db


def tel_links(html: str) -> set[str]:
    return set(re.findall(r'href="(tel:[^"]+)"', html))


def active_numbers() -> set[str]:
    return {uri for line in Helpline.objects.active() for _, uri in line.dial_links}


def server_starts() -> None:
    """What gunicorn's start-up hook does before any worker answers."""
    assert snapshots.refresh_all() == []


def test_help_lists_every_active_number_while_the_database_is_gone(client, helplines):
    expected = active_numbers()
    assert len(expected) >= 4
    server_starts()
    with unreachable_database():
        response = client.get("/help/")
    assert response.status_code == 200
    assert expected <= tel_links(response.content.decode())
    assert "Vandrevala" not in response.content.decode()  # inactive lines stay out of the snapshot too


def test_help_asks_the_database_nothing_once_the_snapshot_exists(client, django_assert_num_queries):
    make_helpline(name="A line", numbers="1800 111 222")
    server_starts()
    with django_assert_num_queries(0):
        assert client.get("/help/").status_code == 200
        assert client.head("/help/").status_code == 200


def test_the_503_page_lists_the_helplines_and_its_help_link_works(client, helplines):
    expected = active_numbers()
    server_starts()
    with unreachable_database():
        page = client.get("/blog/")
        help_page = client.get("/help/")
    html = page.content.decode()
    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert expected <= tel_links(html)
    assert 'href="/help/"' in html
    assert help_page.status_code == 200 and expected <= tel_links(help_page.content.decode())


def test_without_any_snapshot_the_503_page_still_offers_112(client, db):
    with unreachable_database():
        page = client.get("/blog/")
    assert page.status_code == 503 and 'href="tel:112"' in page.content.decode()


def test_database_errors_are_logged_without_the_request_details(client, helplines, caplog):
    with caplog.at_level(logging.ERROR, logger="idare.database"), unreachable_database():
        client.get("/blog/?q=asha.marker%40example.com", headers={"user-agent": "MarkerAgent"})
    records = [r.getMessage() for r in caplog.records if r.name == "idare.database"]
    assert records and "database unavailable during GET /blog/" in records[0]
    assert not any("marker" in line.lower() or "127.0.0.1" in line for line in records)


def test_an_edit_in_the_admin_reaches_help_after_it_commits(staff_client, client, django_capture_on_commit_callbacks):
    line = make_helpline(name="Changing line", numbers="1800 000 111")
    server_starts()
    assert "tel:1800000111" in tel_links(client.get("/help/").content.decode())
    data = admin_change_data(staff_client.get(f"/admin/support/helpline/{line.pk}/change/"))
    data.update(numbers="1800 999 888", active="on")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/admin/support/helpline/{line.pk}/change/", data)
    assert response.status_code == 302
    with unreachable_database():
        links = tel_links(client.get("/help/").content.decode())
    assert "tel:1800999888" in links and "tel:1800000111" not in links


def test_deleting_a_line_takes_it_off_help(client, django_capture_on_commit_callbacks):
    line = make_helpline(name="Closing line", numbers="1800 000 222")
    server_starts()
    with django_capture_on_commit_callbacks(execute=True):
        line.delete()
    assert "Closing line" not in client.get("/help/").content.decode()


def test_an_edit_that_is_rolled_back_never_reaches_readers(client, django_capture_on_commit_callbacks):
    line = make_helpline(name="Steady line", numbers="1800 000 333")
    server_starts()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        line.numbers = "1800 000 444"
        line.save()
        transaction.set_rollback(True)
    assert "tel:1800000333" in tel_links(client.get("/help/").content.decode())


def test_each_server_takes_the_newer_copy_and_keeps_its_own_when_the_cache_is_gone(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    line = make_helpline(name="Shared line", numbers="1800 000 555")
    settings.IDARE_SNAPSHOT_DIR = tmp_path / "server-b"
    server_starts()  # server B starts: its file has the old number
    settings.IDARE_SNAPSHOT_DIR = tmp_path / "server-a"
    with django_capture_on_commit_callbacks(execute=True):  # an editor saves on server A
        line.numbers = "1800 000 666"
        line.save()
    settings.IDARE_SNAPSHOT_DIR = tmp_path / "server-b"
    with unreachable_database():
        assert "tel:1800000666" in tel_links(client.get("/help/").content.decode())  # the shared cache is newer
        cache.clear()  # the cache is flushed or down: server B still has its own copy
        assert "tel:1800000555" in tel_links(client.get("/help/").content.decode())


def test_a_cache_that_does_not_answer_leaves_help_to_the_file(client, settings):
    make_helpline(name="Sturdy line", numbers="1800 000 777")
    server_starts()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    with unreachable_database():
        response = client.get("/help/")
    assert response.status_code == 200 and "tel:1800000777" in tel_links(response.content.decode())
