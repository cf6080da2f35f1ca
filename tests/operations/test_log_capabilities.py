"""No capability in any log: the withdraw, confirmation, preview and registration links let whoever
holds them delete an enquiry, read a draft, or confirm or cancel a place, so neither the access log nor any
warning ("Not Found: /path", a CSRF refusal) may write one.

The real-server test runs gunicorn with the project's gunicorn.conf.py on its own SQLite database
(no PostgreSQL needed), sends every signed link in every way a browser, a mail scanner or a
mistyped address would, and reads the whole log (stdout and stderr)."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import signing

from serving.logging_privacy import SECRET_PARAMETERS, TOKEN, NoCapabilityFilter, NoQueryStringFilter, redact
from tests.helpers import url_routes
from tests.servers import ROOT, gunicorn, request

# Path parameters that name public things. A new parameter must be added here or to
# serving.logging_privacy.SECRET_PARAMETERS: whether its value may be logged is a decision.
PUBLIC_PARAMETERS = {
    "slug", "network", "session_id",  # articles, tags, authors, programmes, share networks, sessions
    "object_id", "content_type_id", "id", "pk", "app_label", "url",  # the admin's own addresses and catch-all
    "path",  # media files
}
CAPABILITY_URLS = {"blog:preview", "support:enquiry_received", "support:enquiry_withdraw", "contact:received",
                   "contact:withdraw", "engage:confirm"}


def every_pattern():
    """(namespaced name, the URLPattern) for every route."""
    return [(name, pattern) for _, name, pattern in url_routes()]


def test_every_path_parameter_of_every_route_is_either_public_or_redacted():
    unknown = {(name, parameter) for name, pattern in every_pattern()
               for parameter in pattern.pattern.regex.groupindex
               if parameter not in PUBLIC_PARAMETERS | SECRET_PARAMETERS}
    assert not unknown, ("a route has a path parameter nobody has classified: add it to SECRET_PARAMETERS "
                         "(serving/logging_privacy.py) if it grants anything, else to PUBLIC_PARAMETERS here: "
                         f"{unknown}")


def test_the_signed_links_are_exactly_the_routes_the_logs_redact():
    redacted = {name for name, pattern in every_pattern() if SECRET_PARAMETERS & set(pattern.pattern.regex.groupindex)}
    assert redacted == CAPABILITY_URLS


TOKEN_VALUE = signing.dumps("E-ABCDE-FGHJK", salt="support.enquiry.withdraw")


@pytest.mark.parametrize(("line", "expected"), [
    (f"Not Found: /support/request/withdraw/{TOKEN_VALUE}/", "Not Found: /support/request/withdraw/<token>/"),
    (f"csrf: refused POST /contact/withdraw/{TOKEN_VALUE}/ (CSRF cookie not set.)",
     "csrf: refused POST /contact/withdraw/<token>/ (CSRF cookie not set.)"),
    (f"GET //blog//preview/{TOKEN_VALUE}", "GET //blog//preview/<token>"),  # not what Django resolves, still a key
    (f"/support/request/received/{TOKEN_VALUE[:12]}/x/", "/support/request/received/<token>/x/"),
    ("GET /blog/building-trust/share/whatsapp/ 302", "GET /blog/building-trust/share/whatsapp/ 302"),
    (f"BadSignature: Signature \"{TOKEN_VALUE}\" does not match", "BadSignature: Signature \"<token>\" does not match"),
], ids=["a 404", "a CSRF refusal", "a doubled slash", "a cut token", "no token", "an exception"])
def test_a_line_keeps_what_happened_and_loses_the_token(line, expected):
    assert redact(line) == expected


def test_the_development_servers_request_line_is_redacted_even_percent_encoded():
    encoded = "%" + format(ord(TOKEN_VALUE[0]), "02X") + TOKEN_VALUE[1:]
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s',
                               (f"GET /support/request/withdraw/{encoded}/?utm_source=mail HTTP/1.1", "200", "5"), None)
    for log_filter in (NoQueryStringFilter(), NoCapabilityFilter()):
        log_filter.filter(record)
    assert record.getMessage() == f'"GET /support/request/withdraw/{TOKEN}/ HTTP/1.1" 200 5'


def test_a_traceback_is_redacted_too():
    try:
        raise ValueError(f"cannot open /blog/preview/{TOKEN_VALUE}/")
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
                                   (f"/blog/preview/{TOKEN_VALUE}/",), sys.exc_info())
    NoCapabilityFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert "ValueError" in formatted and TOKEN_VALUE not in formatted and TOKEN_VALUE[-43:] not in formatted


# --- through a real gunicorn ------------------------------------------------------------------------

MAKE_LINKS = """
import datetime, json
from django.utils import timezone
from blog.models import PreviewLink, Post
from engage.models import Registration
from engage.tokens import confirmation_path, token_for
from support import inbox
from tests.factories import make_contact_message, make_enquiry, make_post, make_session
enquiry, gone, message = make_enquiry(), make_enquiry(), make_contact_message()
draft = make_post(status=Post.Status.DRAFT, published_at=None)
preview = PreviewLink.objects.create(post=draft, expires_at=timezone.now() + datetime.timedelta(days=7))
registration = Registration.objects.register(make_session().pk, name="Asha", email="asha@example.com")
unconfirmed = Registration.objects.register(make_session().pk, name="Ravi", email="ravi@example.com")
links = {
    "enquiry_received": inbox.confirmation_path(inbox.ENQUIRY, enquiry),
    "enquiry_withdraw": inbox.withdraw_path(inbox.ENQUIRY, enquiry),
    "gone_withdraw": inbox.withdraw_path(inbox.ENQUIRY, gone),
    "contact_received": inbox.confirmation_path(inbox.CONTACT, message),
    "contact_withdraw": inbox.withdraw_path(inbox.CONTACT, message),
    "preview": preview.get_absolute_url(),
    "registration_confirm": confirmation_path(unconfirmed),
}
gone.delete()
print(json.dumps({"links": links, "registration": token_for(registration.reference)}))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, collected_static):
    root = tmp_path_factory.mktemp("capabilities")
    env = {"DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}", "DJANGO_STATIC_ROOT": collected_static,
           "IDARE_STATE_DIR": str(root / "var")}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True, env={**os.environ, **env})
    made = subprocess.run([sys.executable, "manage.py", "shell", "-c", MAKE_LINKS], cwd=ROOT, check=True,
                          env={**os.environ, **env}, capture_output=True, text=True)
    with gunicorn(root, WEB_CONCURRENCY="1", **env) as port:
        yield port, next(root.glob(f"gunicorn-{port}.log")), json.loads(made.stdout.strip().splitlines()[-1])


def forged(token: str) -> str:
    """The same token with its signature's last character changed: what a guess or a typo sends."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def csrf(port: int, path: str) -> dict:
    """What a browser that opened the page sends back with its form: the cookie and the form's token."""
    _, headers, body = request(port, "GET", path)
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
    form_token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    return {"Cookie": f"csrftoken={cookie}", "X-CSRFToken": form_token, "Referer": f"http://127.0.0.1:{port}{path}"}


def test_no_signed_link_reaches_the_log_however_it_is_sent(server):
    port, log, made = server
    links, registration = made["links"], made["registration"]
    tokens = [link.rstrip("/").rsplit("/", 1)[1] for link in links.values()] + [registration]
    secrets = {part for token in tokens for part in (token, forged(token), token.rsplit(":", 1)[1])}
    sent = 0

    def send(method: str, path: str, headers: dict | None = None) -> int:
        nonlocal sent
        sent += 1
        return request(port, method, path, headers)[0]

    withdraw = csrf(port, links["enquiry_withdraw"])
    sent += 1
    for link in links.values():
        prefix, token = link.rstrip("/").rsplit("/", 1)
        for variant in (link, f"{prefix}/{forged(token)}/", f"{prefix}/{token}", f"/{link}",
                        f"{prefix}/%{ord(token[0]):02X}{token[1:]}/", f"{link}?utm_source=mail&token={token}"):
            for method in ("GET", "HEAD", "POST", "PUT"):
                send(method, variant)
    for path in ("/engage/registration/", "/engage/registration/calendar.ics", "/engage/registration/cancel/"):
        for token in (registration, forged(registration)):
            send("GET", f"{path}?token={token}")
            send("POST", f"{path}?token={token}")
    # A withdrawal as the person makes it (the form's POST), then the link again: "Not Found".
    assert send("POST", links["enquiry_withdraw"], withdraw) == 303
    assert send("GET", links["enquiry_withdraw"]) == 404

    deadline, lines = time.monotonic() + 10, []
    while time.monotonic() < deadline:
        lines = Path(log).read_text().splitlines()
        if sum('"' in line and "ms" in line for line in lines) >= sent:
            break
        time.sleep(0.2)  # gunicorn, another process, writes its access log after answering
    assert sum('"' in line and "ms" in line for line in lines) >= sent, "not every request reached the access log"
    leaks = [line for line in lines if any(secret in line for secret in secrets)]
    assert not leaks, leaks
    # What happened is still there, with the place of the token marked.
    assert any(f'"POST /support/request/withdraw/{TOKEN}/" 303' in line for line in lines)
    assert any(f"Not Found: /support/request/withdraw/{TOKEN}/" in line for line in lines)
    assert any(f"csrf: refused POST /blog/preview/{TOKEN}/" in line for line in lines)
    assert any(f"csrf: refused POST /engage/registration/confirm/{TOKEN}/" in line for line in lines)
