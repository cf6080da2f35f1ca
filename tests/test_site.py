"""What every page promises: help within a click, a strict policy, no cookies or third parties for
readers, error pages in the site's design, health probes and a hardened media view."""

import re

import pytest
from django.test import Client

from core.views import render_error_page, server_error

READING_PAGES = ["/", "/blog/", "/blog/building-trust-through-trust-issues/", "/blog/tag/trust/", "/help/",
                 "/about/", "/contact/", "/privacy/", "/terms/", "/accessibility/", "/editorial-policy/", "/support/",
                 "/engage/"]
FOOTER_LINKS = ["/about/", "/contact/", "/privacy/", "/terms/", "/accessibility/", "/help/"]
# /contact/ holds a form: its CSRF cookie is tested with the other forms (tests/support/test_contact.py).
ONLY_READING_PAGES = [path for path in READING_PAGES if path != "/contact/"]


@pytest.fixture
def reader():
    return Client()


@pytest.mark.usefixtures("one_article_content")
@pytest.mark.parametrize("path", READING_PAGES)
def test_every_page_offers_help_landmarks_and_the_footer(reader, path):
    response = reader.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en-IN">' in html
    assert 'href="/help/"' in html and "<main" in html and 'class="skip-link" href="#main"' in html
    for link in FOOTER_LINKS:
        assert f'href="{link}"' in html, link
    assert "does not replace care from a qualified professional" in html
    assert "Quick exit" in html and "does not clear your browser" in html


@pytest.mark.usefixtures("one_article_content")
@pytest.mark.parametrize("path", ONLY_READING_PAGES)
def test_reading_sets_no_cookie_and_does_not_vary_by_reader(reader, path):
    response = reader.get(path)
    assert not response.cookies, f"{path} set {list(response.cookies)}"
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.usefixtures("one_article_content")
@pytest.mark.parametrize("path", READING_PAGES)
def test_pages_load_nothing_from_other_sites_and_carry_no_inline_code(reader, path):
    html = reader.get(path).content.decode()
    # <link rel="canonical"> and rel="alternate" name addresses; the browser loads nothing from them.
    loaded = re.sub(r'<link rel="(?:canonical|alternate)"[^>]*>', "", html)
    for attr_url in re.findall(r'<(?:script|img|link|iframe|source|video|audio)\b[^>]*?\s(?:src|href|srcset)="([^"]*)"',
                               loaded):
        assert attr_url.startswith("/") and not attr_url.startswith("//"), attr_url
    # JSON-LD is data, which browsers never run (and CSP does not govern): any other inline script is code.
    assert not re.search(r'<script(?![^>]*\ssrc=)(?! type="application/ld\+json")[^>]*>', html), "inline script"
    assert "<style" not in html and not re.search(r'\sstyle="', html), "inline style"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


@pytest.mark.usefixtures("one_article_content")
def test_security_headers_on_html_pages(reader):
    response = reader.get("/blog/building-trust-through-trust-issues/")
    csp = {d.split()[0]: d.split()[1:] for d in response["Content-Security-Policy"].split(";") if d.strip()}
    assert csp["default-src"] == ["'self'"] and csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_health_probes(reader, db):
    assert reader.get("/healthz").content == b"ok\n"
    ready = reader.get("/readyz")
    assert ready.status_code == 200 and ready.content == b"ok\n"
    assert "no-cache" in ready["Cache-Control"]


@pytest.mark.usefixtures("database_gone")
def test_not_ready_and_a_calm_503_when_the_database_does_not_answer(reader):
    assert reader.get("/healthz").status_code == 200
    assert reader.get("/readyz").status_code == 503
    page = reader.get("/blog/")
    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert 'href="/help/"' in page.content.decode() and "back shortly" in page.content.decode()


@pytest.mark.django_db
def test_error_pages_are_in_the_sites_design_with_help(reader):
    not_found = reader.get("/no/such/place/")
    assert not_found.status_code == 404
    not_allowed = reader.generic("PUT", "/blog/")
    assert not_allowed.status_code == 405 and "GET" in not_allowed["Allow"]
    csrf = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x", "password": "y"})
    assert csrf.status_code == 403
    for response, words in ((not_found, "can’t find that page"), (not_allowed, "not available here"),
                            (csrf, "could not accept this form")):
        html = response.content.decode()
        assert words in html and 'href="/help/"' in html and 'class="site-header"' in html


@pytest.mark.django_db
def test_the_404_page_is_plain_and_kind_and_offers_a_search(reader):
    html = reader.get("/no/such/place/").content.decode()
    assert "Nothing is wrong on your side" not in html
    assert "It may have moved" in html
    assert 'id="not-found-q"' in html and 'action="/search/"' in html


def test_bad_request_page(reader, db):
    response = reader.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert 'href="/help/"' in response.content.decode()


@pytest.mark.parametrize("status", [400, 403, 404, 405, 429, 500, 503])
def test_every_error_template_renders_without_a_request_or_database(status):
    # No `db` fixture: any database access here would raise.
    response = render_error_page(status)
    html = response.content.decode()
    assert response.status_code == status
    assert f"Error {status}" in html and 'href="/help/"' in html and 'href="/exit/"' in html


def test_server_error_renders_the_500_page_without_the_database():
    response = server_error(None)
    assert response.status_code == 500 and "Something went wrong on our side" in response.content.decode()


@pytest.mark.django_db
def test_media_view_serves_only_images_safely(reader, settings):
    (settings.MEDIA_ROOT / "posts").mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT / "posts/0123456789abcdef.jpg").write_bytes(b"\xff\xd8\xff fake jpeg")
    (settings.MEDIA_ROOT / "posts/photo.png").write_bytes(b"\x89PNG fake")
    (settings.MEDIA_ROOT / "notes.html").write_text("<script>alert(1)</script>")
    hashed = reader.get("/media/posts/0123456789abcdef.jpg")
    assert hashed.status_code == 200 and hashed["Content-Type"] == "image/jpeg"
    assert hashed["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in hashed["Cache-Control"] and "max-age=31536000" in hashed["Cache-Control"]
    plain = reader.get("/media/posts/photo.png")
    assert plain.status_code == 200 and "immutable" not in plain["Cache-Control"]
    for path in ("/media/notes.html", "/media/../settings.py", "/media/posts/../../notes.html",
                 "/media/%2e%2e/%2e%2e/db.sqlite3", "/media/posts/missing.jpg", "/media/posts/x.jpg%00.html"):
        assert reader.get(path).status_code == 404, path
    assert reader.post("/media/posts/photo.png").status_code in (403, 405)
