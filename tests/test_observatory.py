"""Mozilla HTTP Observatory's scoring, applied to every kind of answer the site gives, with
production's settings (HTTPS, HSTS): no page may lose a point.

`grade` follows the Observatory's tests and their modifiers (CSP, cookies, HSTS, X-Frame-Options,
X-Content-Type-Options, Referrer-Policy, CORS, subresource integrity), plus what iDare asks on top,
marked "idare-": the CSP directives the Observatory lists as best practice (default-src 'none' or
'self', object-src 'none', frame-ancestors, base-uri, form-action), HSTS for a year with
subdomains, SameSite on every cookie, Cross-Origin-Resource-Policy, Cross-Origin-Opener-Policy and
Permissions-Policy. Redirection from HTTP is tested in test_site (SECURE_SSL_REDIRECT)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.http import HttpResponse
from django.urls import reverse

from tests.factories import make_post, make_programme, make_service, make_session, stored_image
from tests.helpers import call as wsgi_call

pytestmark = pytest.mark.django_db

SIX_MONTHS = 15_768_000  # the Observatory's threshold
ONE_YEAR = 31_536_000  # ours
UNSAFE_SCRIPT_SOURCES = {"'unsafe-inline'", "data:", "*", "http:", "https:"}
PRIVATE_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
REFERRER_VALUES = PRIVATE_REFERRER | {"origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade"}


@dataclass(frozen=True)
class Answer:
    """What the grader looks at: lower-cased header names, raw Set-Cookie values, the body."""

    headers: dict[str, str]
    cookies: list[str]
    body: bytes = b""

    @classmethod
    def from_response(cls, response: HttpResponse) -> Answer:
        body = b"" if response.streaming else response.content
        return cls({k.lower(): v for k, v in response.items()},
                   [morsel.OutputString() for morsel in response.cookies.values()], body)


def parse_csp(value: str) -> dict[str, list[str]] | None:
    directives: dict[str, list[str]] = {}
    for part in value.split(";"):
        words = part.split()
        if not words:
            continue
        name = words[0].lower()
        if name in directives or not re.fullmatch(r"[a-z-]+", name):
            return None  # a repeated or malformed directive: the Observatory calls the header invalid
        directives[name] = [word.lower() for word in words[1:]]
    return directives


def grade(answer: Answer) -> list[str]:
    """Every penalty (Observatory test name and modifier), empty when the answer loses nothing."""
    h, penalties = answer.headers, []

    csp = parse_csp(h["content-security-policy"]) if "content-security-policy" in h else None
    if "content-security-policy" not in h:
        penalties.append("csp-not-implemented (-25)")
    elif csp is None:
        penalties.append("csp-header-invalid (-25)")
    else:
        default = csp.get("default-src")
        script = csp.get("script-src", default)
        if script is None or UNSAFE_SCRIPT_SOURCES & set(script):
            penalties.append("csp-implemented-with-unsafe-inline (-20)")
        if "'unsafe-eval'" in (script or []):
            penalties.append("csp-implemented-with-unsafe-eval (-10)")
        if any(source.startswith("http:") for sources in csp.values() for source in sources):
            penalties.append("csp-implemented-with-insecure-scheme (-20)")
        style = csp.get("style-src", default) or []
        if "'unsafe-inline'" in style:
            penalties.append("idare-csp-unsafe-inline-style")
        if default not in (["'none'"], ["'self'"]):
            penalties.append("idare-csp-default-src-not-none-or-self")
        if csp.get("object-src", default) != ["'none'"]:
            penalties.append("idare-csp-object-src-not-none")
        for directive in ("frame-ancestors", "base-uri", "form-action"):
            if directive not in csp:
                penalties.append(f"idare-csp-without-{directive}")

    for cookie in answer.cookies:
        name, _, rest = cookie.partition("=")
        attributes = {part.split("=")[0].strip().lower(): part.partition("=")[2].strip().lower()
                      for part in rest.split(";")[1:]}
        session = "session" in name.lower()
        if "secure" not in attributes:
            penalties.append("cookies-session-without-secure-flag (-40)" if session
                             else "cookies-without-secure-flag (-20)")
        if session and "httponly" not in attributes:
            penalties.append("cookies-session-without-httponly-flag (-30)")
        if "samesite" in attributes and attributes["samesite"] not in ("strict", "lax", "none"):
            penalties.append("cookies-samesite-flag-invalid (-20)")
        elif attributes.get("samesite") not in ("strict", "lax"):
            penalties.append(f"idare-cookie-{name}-without-samesite")

    hsts = h.get("strict-transport-security")
    if hsts is None:
        penalties.append("hsts-not-implemented (-20)")
    else:
        max_age = re.search(r"max-age=\"?(\d+)\"?", hsts, re.I)
        if max_age is None:
            penalties.append("hsts-header-invalid (-20)")
        elif int(max_age.group(1)) < SIX_MONTHS:
            penalties.append("hsts-implemented-max-age-less-than-six-months (-10)")
        elif int(max_age.group(1)) < ONE_YEAR or "includesubdomains" not in hsts.lower():
            penalties.append("idare-hsts-not-a-year-with-subdomains")

    if h.get("x-content-type-options", "").strip().lower() != "nosniff":
        penalties.append("x-content-type-options-not-implemented-or-invalid (-5)")

    if not (csp and "frame-ancestors" in csp) and h.get("x-frame-options", "").upper() not in ("DENY", "SAMEORIGIN"):
        penalties.append("x-frame-options-not-implemented-or-invalid (-20)")

    referrer = [v.strip().lower() for v in h.get("referrer-policy", "").split(",") if v.strip()]
    if any(value not in REFERRER_VALUES for value in referrer):
        penalties.append("referrer-policy-header-invalid (-5)")
    elif referrer and referrer[-1] in ("unsafe-url", "no-referrer-when-downgrade"):
        penalties.append("referrer-policy-unsafe (-5)")
    elif not referrer or referrer[-1] not in PRIVATE_REFERRER:
        penalties.append("idare-referrer-policy-not-private")

    if h.get("access-control-allow-origin", "").strip() == "*":
        penalties.append("cross-origin-resource-sharing-implemented-with-universal-access (-50)")

    if "html" in h.get("content-type", ""):
        for tag in re.findall(rb"<script\b[^>]*>", answer.body, re.I):
            src = re.search(rb'src="([^"]+)"', tag)
            if src and re.match(rb"(https?:)?//", src.group(1)) and b"integrity=" not in tag:
                penalties.append("sri-not-implemented-but-external-scripts-loaded-securely (-5)")

    if h.get("cross-origin-resource-policy") != "same-origin":
        penalties.append("idare-corp-not-same-origin")
    if "html" in h.get("content-type", "") and h.get("cross-origin-opener-policy") != "same-origin":
        penalties.append("idare-coop-not-same-origin")
    if "permissions-policy" not in h:
        penalties.append("idare-permissions-policy-missing")
    return penalties


# --- the grader can fail ----------------------------------------------------------------------------

def test_the_grader_penalises_a_careless_answer():
    careless = Answer(
        {"content-type": "text/html", "content-security-policy": "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
         "strict-transport-security": "max-age=86400", "referrer-policy": "unsafe-url",
         "access-control-allow-origin": "*"},
        ["sessionid=abc; Path=/", "prefs=1; Secure; SameSite=Lax"],
        b'<script src="https://cdn.example/x.js"></script>',
    )
    penalties = grade(careless)
    for expected in ("csp-implemented-with-unsafe-inline (-20)", "csp-implemented-with-unsafe-eval (-10)",
                     "cookies-session-without-secure-flag (-40)", "cookies-session-without-httponly-flag (-30)",
                     "hsts-implemented-max-age-less-than-six-months (-10)",
                     "x-content-type-options-not-implemented-or-invalid (-5)",
                     "x-frame-options-not-implemented-or-invalid (-20)", "referrer-policy-unsafe (-5)",
                     "cross-origin-resource-sharing-implemented-with-universal-access (-50)",
                     "sri-not-implemented-but-external-scripts-loaded-securely (-5)", "idare-corp-not-same-origin",
                     "idare-csp-object-src-not-none", "idare-csp-without-frame-ancestors",
                     "idare-permissions-policy-missing"):
        assert expected in penalties, expected
    assert "csp-not-implemented (-25)" in grade(Answer({}, []))
    assert "hsts-not-implemented (-20)" in grade(Answer({}, []))


def test_the_grader_wants_a_year_of_hsts_with_subdomains_and_a_complete_policy():
    penalties = grade(Answer({"strict-transport-security": "max-age=16000000",
                              "content-security-policy": "default-src 'self'; default-src 'none'"}, []))
    assert "idare-hsts-not-a-year-with-subdomains" in penalties and "csp-header-invalid (-25)" in penalties


# --- every kind of answer, graded -------------------------------------------------------------------

@pytest.fixture
def site_pages(production):
    post = make_post(tags=["trust"])
    make_service()
    make_session(make_programme())
    return {"home": "/", "article": post.get_absolute_url(), "tag": "/blog/tag/trust/", "search": "/search/?q=trust",
            "support": "/support/", "enquiry form": "/support/request/", "engage": "/engage/", "help": "/help/",
            "not found": "/no-such-page/"}


PAGES = ["home", "article", "tag", "search", "support", "enquiry form", "engage", "help", "not found"]


@pytest.mark.parametrize("page", PAGES)
def test_each_page_loses_no_point(client, site_pages, page):
    response = client.get(site_pages[page], secure=True)
    assert response.status_code == (404 if page == "not found" else 200)
    assert grade(Answer.from_response(response)) == []


def test_an_invalid_enquiry_loses_no_point(client, production):
    response = client.post("/support/request/", {"name": ""}, secure=True)
    assert response.status_code == 400
    assert grade(Answer.from_response(response)) == []


def test_the_admin_login_loses_no_point_with_its_cookies(production):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.get(reverse("admin:login"), secure=True)
    assert response.status_code == 200 and response.cookies, "the login page sets its CSRF cookie"
    assert grade(Answer.from_response(response)) == []


def test_a_media_image_loses_no_point(client, production):
    name = stored_image()
    response = client.get(f"/media/{name}", secure=True)
    assert response.status_code == 200 and response["Content-Type"].startswith("image/")
    assert grade(Answer.from_response(response)) == []


# --- through the WSGI application, as gunicorn calls it ----------------------------------------------

def call(app, path: str) -> Answer:
    """A GET over HTTPS (as the proxy in front says) to the WSGI application itself."""
    status, headers, body = wsgi_call(app, path, X_FORWARDED_PROTO="https")
    assert status == 200
    assert "Set-Cookie" not in headers  # neither a static file nor a kept page sets one
    return Answer({k.lower(): v for k, v in headers.items()}, [], body)


def test_a_static_file_from_whitenoise_loses_no_point(wsgi_site):
    answer = call(wsgi_site, "/static/css/site.css")
    assert answer.headers["content-type"].startswith("text/css")
    assert grade(answer) == []


def test_a_page_from_the_page_cache_loses_no_point(wsgi_site):
    post = make_post()
    fresh = call(wsgi_site, post.get_absolute_url())
    kept_before = len(wsgi_site.entries)
    kept = call(wsgi_site, post.get_absolute_url())
    assert kept_before == 1, "the first answer was kept"
    assert grade(fresh) == [] and grade(kept) == []
    assert kept.headers["permissions-policy"] == fresh.headers["permissions-policy"]
