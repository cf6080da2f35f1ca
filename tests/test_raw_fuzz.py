"""Hostile requests to every address in the URL conf: NUL bytes and invalid UTF-8 in the path and
the query, 1,001 form fields, odd methods, odd headers; and, through a real gunicorn, what only a
raw socket can send. Never a 5xx, and a refused request changes no table."""

from __future__ import annotations

import socket
from collections import Counter

import pytest
from django.apps import apps
from django.db import connection
from django.urls import NoReverseMatch, reverse

from tests.factories import make_page, make_post, make_provider, make_session
from tests.helpers import url_routes
from tests.servers import gunicorn

OUR_APPS = ("blog", "support", "engage", "idare")
# The rate limiter's own bookkeeping counts refused requests too, as it should.
BOOKKEEPING = ("idare.RateLimitCounter", "idare.DailySalt")
ODD_METHODS = ["PROPFIND", "TRACE", "OPTIONS", "DELETE", "PUT", "PATCH"]
ODD_QUERIES = ["?q=%00&page=%00", "?q=%FF%FE&page=%FF", "?page=-1&page=99999999999999999999",
               "?q=" + "%E2%80%AE" * 300, "?token=%00&provider=%00&topic=%00&start=%00&end=%00&format=%00"]
ODD_SUFFIXES = ["%00", "%00/", "%FF%FE/", "%C0%AF/", "%E2%80%AE/"]
SAME_SITE = {"HTTP_ORIGIN": "http://testserver"}  # gets past the upvote and share endpoints' Origin check
# Headers a broken client or an attacker sends; each comes with a small form body.
ODD_HEADERS = [
    {"HTTP_COOKIE": "; ".join(f"c{i}={'x' * 200}" for i in range(40)) + "; idare_voter=%00; csrftoken=\xff"},
    {**SAME_SITE, "HTTP_COOKIE": "idare_voter=" + "a" * 4000 + ":1:x; sessionid=\x00; =; ;;"},
    {**SAME_SITE, "HTTP_ACCEPT": "application/json;q=nonsense, */*;q=-1", "CONTENT_TYPE": "text/plain"},
    {"CONTENT_TYPE": "multipart/form-data"},  # no boundary
    {"CONTENT_TYPE": "multipart/form-data; boundary=x"},  # a boundary the body does not have
    {"CONTENT_TYPE": "application/x-www-form-urlencoded; charset=no-such-charset"},
    {"CONTENT_TYPE": "application/json"},
    {"CONTENT_TYPE": "\x00/\xff"},
    # (A Content-Length longer than the body, or not a number, is sent through a real server below:
    # the server refuses those before Django, and the test client cannot send them.)
    {"CONTENT_LENGTH": "-1"},
    {"HTTP_HOST": "127.0.0.1:abc"},
    {"HTTP_HOST": "127.0.0.1:80:80"},
    {"HTTP_X_FORWARDED_FOR": "not-an-address, ::::, 999.1.1.1, \x00, " + "1." * 500},
    {"HTTP_ACCEPT": "application/json;q=nonsense, */*;q=-1"},
    {"HTTP_ORIGIN": "null", "HTTP_REFERER": "http://[::1"},
    {"HTTP_ACCEPT_LANGUAGE": "x" * 5000},
    {"HTTP_IF_MODIFIED_SINCE": "Sun, 99 Foo 2024 99:99:99 GMT", "HTTP_IF_NONE_MATCH": '"\x00"'},
]


def row_counts() -> Counter:
    return Counter({model._meta.label: model.objects.count() for app in OUR_APPS
                    for model in apps.get_app_config(app).get_models() if model._meta.label not in BOOKKEEPING})


def named_patterns():
    """(namespaced name, its keyword arguments, its number of positional ones) for every named
    pattern, nested includes too."""
    for _, name, pattern in url_routes():
        if name:
            regex = pattern.pattern.regex
            yield name, list(regex.groupindex), regex.groups - len(regex.groupindex)


@pytest.fixture
def every_address(db) -> list[str]:
    """Every address of the site, its arguments filled with real objects where there are some."""
    post = make_post(tags=["Anxiety"])
    session = make_session()
    real = {
        "blog:tag": {"slug": post.tags.get().slug}, "blog:author": {"slug": post.author.slug},
        "support:provider": {"slug": make_provider().slug}, "pages:detail": {"slug": make_page().slug},
        "engage:programme": {"slug": session.programme.slug},
        "engage:register": {"slug": session.programme.slug, "session_id": session.pk},
        "blog:share": {"slug": post.slug, "network": "copy"},
    }
    samples = {"slug": post.slug, "token": "not-a-token", "path": "0123456789abcdef.jpg", "app_label": "blog",
               "object_id": str(post.pk), "content_type_id": 1, "session_id": session.pk, "network": "x"}
    addresses, unresolved = set(), []
    for name, arguments, positional in named_patterns():
        kwargs = real.get(name) or {arg: samples.get(arg, "1") for arg in arguments}
        try:
            addresses.add(reverse(name, args=["1"] * positional) if positional else reverse(name, kwargs=kwargs))
        except NoReverseMatch:
            unresolved.append(name)
    assert not unresolved, unresolved
    return sorted(addresses)


# The admin's own query parameters (ordering, page, filters, popups), each with a value it does not expect.
ADMIN_QUERY = ("?o=abc.-9&p=-1&publication=%00&review=%FF&status__exact=%00&languages__id__exact=abc&example__exact=2"
               "&_to_field=password&_popup=1&_changelist_filters=%00&all=%00&start=2024-02-30&end=9999-12-31")
ODD_ARGUMENTS = ["abc", "99999999999999999999", "-1", "0", "\u202eevil", "a b"]
ODD_FORM = b"action=revoke&link=abc&days=%00&from=abc&to=-1&token=%00&q=%00&_selected_action=abc&index=x"


@pytest.fixture
def odd_argument_addresses(db) -> list[str]:
    """Every address with arguments, each argument a value no object has (where its converter takes it)."""
    make_post()
    addresses = set()
    for name, arguments, positional in named_patterns():
        for value in ODD_ARGUMENTS if arguments or positional else []:
            try:
                addresses.add(reverse(name, args=[value] * positional) if positional
                              else reverse(name, kwargs=dict.fromkeys(arguments, value)))
            except NoReverseMatch:
                continue
    return sorted(addresses)


def check(client, method: str, path: str, data=b"", **extra) -> int:
    before = row_counts()
    response = client.generic(method, path, data, **{"content_type": "application/x-www-form-urlencoded", **extra})
    assert response.status_code < 500, (method, path, extra, response.status_code)
    if response.status_code >= 400:
        assert row_counts() == before, (method, path, extra)
    return response.status_code


def test_every_address_answers_nul_bytes_and_invalid_utf8_in_path_and_query(client, every_address):
    assert "/support/request/" in every_address and "/admin/" in every_address
    for path in every_address:
        for query in ODD_QUERIES:
            check(client, "GET", path + query)
        for suffix in ODD_SUFFIXES:
            check(client, "GET", path + suffix)


def test_every_address_answers_odd_methods_without_a_server_error(client, every_address):
    for path in every_address:
        for method in ODD_METHODS:
            check(client, method, path, b"a=1")


def test_every_address_answers_odd_headers_without_a_server_error(client, every_address):
    for path in every_address:
        for headers in ODD_HEADERS:
            check(client, "POST", path, b"name=x&email=a%40b.c&consent=on", **headers)
            check(client, "GET", path, **headers)


def test_every_address_with_arguments_no_object_has_answers_without_a_server_error(
        client, staff_client, odd_argument_addresses):
    assert "/admin/blog/post/abc/preview/" in odd_argument_addresses
    for path in odd_argument_addresses:
        for visitor in (client, staff_client):
            check(visitor, "GET", path)
            check(visitor, "POST", path, ODD_FORM, HTTP_ORIGIN="http://testserver")


def test_a_thousand_and_one_fields_are_refused_with_400(client, every_address, settings):
    body = "&".join(f"f{i}=x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)).encode()
    statuses = {path: check(client, "POST", path, body) for path in every_address}
    # The forms that read a body refuse it as a bad request, not as an error of ours.
    for form in ("/support/request/", "/contact/", [p for p in every_address if p.endswith("/register/")][0]):
        assert statuses[form] == 400, form


def test_a_body_over_the_upload_limit_is_refused_not_an_error(client, every_address, settings):
    body = b"a=" + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    forms, endpoints = ("/support/request/", "/contact/", "/markdownx/", "/admin/login/"), ("/upvote/", "/copy/")
    posting = [p for p in every_address if p.startswith(forms) or p.endswith((*endpoints, "/register/", "/cancel/"))]
    statuses = {path: check(client, "POST", path, body, HTTP_ORIGIN="http://testserver") for path in posting}
    assert statuses["/support/request/"] in (400, 413) and statuses["/contact/"] in (400, 413), statuses


def test_the_admin_answers_hostile_requests_from_staff_without_a_server_error(staff_client, every_address):
    for path in (p for p in every_address if p.startswith("/admin/")):
        check(staff_client, "GET", path + ODD_QUERIES[0])
        check(staff_client, "GET", path + ODD_QUERIES[1])
        check(staff_client, "GET", path + ADMIN_QUERY)
        check(staff_client, "POST", path, b"a=%00&b=%FF&_save=1", CONTENT_TYPE="multipart/form-data")
        check(staff_client, "POST", path, "&".join(f"f{i}=x" for i in range(1001)).encode())


# --- what only a raw socket can send: a real gunicorn on the test database (PostgreSQL) ------------

def raw(port: int, data: bytes, *, timeout: float = 15, then_close: bool = False) -> bytes:
    """Sends bytes as they are and returns what the server answers ("" when it just closes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        try:
            conn.sendall(data)
            if then_close:
                conn.shutdown(socket.SHUT_WR)
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        except (ConnectionResetError, BrokenPipeError):  # the server may stop reading what it refuses
            return b""
        except TimeoutError:
            return b"(timed out)"
    return answer


def status_of(answer: bytes) -> int:
    first = answer.split(b"\r\n", 1)[0].split()
    return int(first[1]) if len(first) > 1 and first[1].isdigit() else 0


@pytest.mark.postgres
def test_raw_requests_to_a_real_server_never_produce_a_server_error(transactional_db, tmp_path, collected_static):
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn serves the test database over PostgreSQL: set DATABASE_URL (CI does)")
    make_post(slug="an-article")
    form = b"POST /support/request/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    cases = {
        "raw NUL in the path": b"GET /blog/\x00/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "raw invalid UTF-8 in the path": b"GET /blog/\xff\xfe/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "raw invalid UTF-8 in the query": b"GET /search/?q=\xff\xfe\x00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "Host with port junk": b"GET / HTTP/1.1\r\nHost: 127.0.0.1:\xff:x\r\n\r\n",
        "no Host": b"GET /help/ HTTP/1.1\r\n\r\n",
        "a shorter body than announced": form + b"Content-Length: 1000\r\n\r\nname=x",
        "a Content-Length that is not a number": form + b"Content-Length: x\r\n\r\nname=x",
        "a longer body than announced": form + b"Content-Length: 3\r\nConnection: close\r\n\r\nname=x&" + b"y" * 5000,
        "a huge body": form + b"Content-Length: 30000000\r\n\r\n" + b"a=" + b"x" * 30_000_000,
        "a huge body to an upvote": b"POST /blog/an-article/upvote/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    b"Content-Length: 30000000\r\n\r\n" + b"x" * 30_000_000,
        "raw invalid UTF-8 in a form": form + b"Content-Length: 12\r\nConnection: close\r\n\r\nname=\xff\xfe\x00abc",
        "a bad chunked body": form + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
    }
    before = row_counts()
    with gunicorn(tmp_path, DJANGO_STATIC_ROOT=collected_static) as port:
        answers = {name: raw(port, data, then_close=name.startswith("a shorter")) for name, data in cases.items()}
        assert status_of(raw(port, b"GET /help/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")) == 200
    errors = {name: answer[:200] for name, answer in answers.items()
              if status_of(answer) >= 500 or answer == b"(timed out)"}
    assert not errors, errors
    assert row_counts() == before
