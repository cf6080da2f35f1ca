"""Quick exit through /exit/, and the service worker that keeps /help/ and /offline/ (support/offline.py)."""

import re

import pytest
from django.conf import settings

from core import snapshots
from support.models import Helpline
from tests.factories import make_helpline
from tests.helpers import unreachable_database

pytestmark = pytest.mark.django_db


def tel_links(html: str) -> set[str]:
    return set(re.findall(r'href="(tel:[^"]+)"', html))


def active_numbers() -> set[str]:
    return {uri for line in Helpline.objects.active() for _, uri in line.dial_links}


# Quick exit --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "head"])
def test_exit_clears_the_site_data_and_sends_the_reader_to_the_neutral_site(client, method):
    response = getattr(client, method)("/exit/")
    assert response.status_code == 303
    assert response["Location"] == settings.QUICK_EXIT_URL
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert not response.cookies


def test_exit_follows_the_setting(client, settings):
    settings.QUICK_EXIT_URL = "https://weather.example/"
    assert client.get("/exit/")["Location"] == "https://weather.example/"


def test_exit_answers_only_get_and_head(client):
    assert client.post("/exit/").status_code == 405


def test_every_page_s_quick_exit_link_goes_through_exit(client, helplines):
    for path in ("/", "/help/", "/offline/"):
        html = client.get(path).content.decode()
        assert re.search(r'<a class="quick-exit" href="/exit/"[^>]* data-quick-exit', html), path
        assert f'href="{settings.QUICK_EXIT_URL}"' not in html, path


def test_robots_keep_crawlers_off_exit_and_the_sitemap_leaves_it_and_offline_out(client, content):
    assert "Disallow: /exit/" in client.get("/robots.txt").content.decode().splitlines()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/exit/" not in sitemap and "/offline/" not in sitemap and "/sw.js" not in sitemap


# The service worker ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "head"])
def test_the_worker_is_javascript_from_the_root_revalidated_on_every_check(client, method):
    response = getattr(client, method)("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "text/javascript"
    assert response["Cache-Control"] == "no-cache"
    assert "Service-Worker-Allowed" not in response  # served at /, its scope is / without it
    assert not response.cookies


def test_the_worker_keeps_only_help_and_the_offline_page(client):
    script = client.get("/sw.js").content.decode()
    assert 'var HELP = "/help/";' in script and 'var OFFLINE = "/offline/";' in script
    assert "cache.addAll([HELP, OFFLINE])" in script
    assert script.count("cache.put(") == 1 and "cache.put(HELP, copy)" in script
    assert 'request.method !== "GET"' in script


def test_the_site_script_registers_the_worker_for_the_whole_site(client):
    script = (settings.BASE_DIR / "static" / "js" / "site.js").read_text()
    assert 'navigator.serviceWorker.register("/sw.js", { scope: "/" })' in script
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "script-src 'self'" in policy


def test_the_worker_changes_when_a_helpline_changes(client, django_capture_on_commit_callbacks):
    line = make_helpline(name="Changing line", numbers="1800 000 111")
    assert snapshots.refresh_all() == []
    before = client.get("/sw.js")
    assert client.get("/sw.js").content == before.content  # stable while nothing changes
    with django_capture_on_commit_callbacks(execute=True):
        line.numbers = "1800 000 222"
        line.save()
    after = client.get("/sw.js")
    assert after.content != before.content
    assert after["ETag"] != before["ETag"]
    cache_name = re.search(r'var CACHE = "(idare-help-[0-9a-f]+)";', after.content.decode())
    assert cache_name and cache_name.group(1) not in before.content.decode()  # old caches go on activate


# The offline page --------------------------------------------------------------------------------


def test_offline_page_lists_every_active_helpline_and_112(client, helplines):
    expected = active_numbers()
    assert len(expected) >= 4
    response = client.get("/offline/")
    html = response.content.decode()
    assert response.status_code == 200
    assert expected | {"tel:112"} <= tel_links(html)
    assert "The connection seems to be gone" in html
    assert "Vandrevala" not in html  # an inactive line stays off


def test_offline_page_is_not_indexed_and_sets_no_cookie(client, helplines):
    response = client.get("/offline/")
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert 'rel="canonical"' not in response.content.decode()
    assert not response.cookies
    assert client.head("/offline/").status_code == 200


def test_offline_page_and_worker_answer_while_the_database_is_gone(client, helplines):
    expected = active_numbers()
    assert snapshots.refresh_all() == []
    with unreachable_database():
        page = client.get("/offline/")
        worker = client.get("/sw.js")
    assert page.status_code == 200 and expected <= tel_links(page.content.decode())
    assert worker.status_code == 200 and b"idare-help-" in worker.content
