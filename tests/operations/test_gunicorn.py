"""The app server as production runs it: a real gunicorn with the project's gunicorn.conf.py, tried
with slow and hostile clients, and its log read for what must never be in it.

One server serves the whole module, on its own SQLite database with static files collected (no
PostgreSQL needed): one worker with two threads, so that a handful of bad clients would be enough
to stall it if anything let them, and a whole-request deadline of two seconds, so that a request
cut short is answered in the time a test can wait."""

from __future__ import annotations

import http.client
import logging
import os
import re
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from serving.logging_privacy import OneLineSecurityFilter, scrub
from tests.servers import ROOT, gunicorn, request

THREADS = 2
REQUEST_TIMEOUT = 2
BODY_BUFFER = 100_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("gunicorn")
    env = {"DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}", "DJANGO_STATIC_ROOT": str(root / "static"),
           "IDARE_STATE_DIR": str(root / "var")}
    for command in (["migrate"], ["collectstatic", "--no-input"]):
        subprocess.run([sys.executable, "manage.py", *command, "-v0"], cwd=ROOT, check=True,
                       env={**os.environ, "DJANGO_SECRET_KEY": "x", **env})
    with gunicorn(root, WEB_CONCURRENCY="1", GUNICORN_THREADS=str(THREADS),
                  GUNICORN_REQUEST_TIMEOUT=str(REQUEST_TIMEOUT), GUNICORN_BODY_BUFFER=str(BODY_BUFFER),
                  **env) as port:
        yield port, next(root.glob(f"gunicorn-{port}.log"))


def raw(port: int, data: bytes, until: bytes = b"\r\n\r\n", timeout: float = 5) -> bytes:
    """Sends the bytes as they are; what came back once `until` arrived (or the server closed)."""
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        while until not in answer and (chunk := sock.recv(65536)):
            answer += chunk
    return answer


def log_lines(log: Path) -> list[str]:
    time.sleep(0.3)  # gunicorn writes its lines just after answering
    return log.read_text().splitlines()


def help_behind(port: int, held: list[socket.socket]) -> tuple[int, bytes, float]:
    """/help/ asked for while `held` connections wait, then those closed: its status, body and seconds."""
    time.sleep(0.5)  # the server takes in what they sent
    try:
        started = time.monotonic()
        status, _, body = request(port, "GET", "/help/")
        return status, body, time.monotonic() - started
    finally:
        for sock in held:
            sock.close()


def test_idle_and_half_sent_connections_do_not_stall_help(server):
    port, _ = server
    stalled = []
    half_request = b"GET /help/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
    for n in range(3 * THREADS + 3):
        sock = socket.create_connection(("127.0.0.1", port))
        if n % 3 == 1:  # half a request, then nothing: a "slowloris"
            sock.sendall(half_request)
        elif n % 3 == 2:  # the same after a whole request on a kept-alive connection
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + half_request)
        stalled.append(sock)  # (and the others send nothing at all)
    status, body, elapsed = help_behind(port, stalled)
    assert status == 200 and b"tel:112" in body
    assert elapsed < 2, f"/help/ took {elapsed:.1f} s behind {len(stalled)} stalled connections"


def test_slow_bodies_do_not_stall_help(server):
    port, _ = server
    slow = []
    for _ in range(3 * THREADS + 3):  # a whole head, then a body that trickles: a few bytes of 1,000
        sock = socket.create_connection(("127.0.0.1", port))
        # (with a CSRF cookie, so that the site reads the body for its token rather than refusing unread)
        sock.sendall(b"POST /contact/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n"
                     b"Cookie: csrftoken=abcdefghijklmnopqrstuvwxyz012345\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n\r\nmessage=")
        slow.append(sock)
    status, body, elapsed = help_behind(port, slow)
    assert status == 200 and b"tel:112" in body
    assert elapsed < 1, f"/help/ took {elapsed:.1f} s behind {len(slow)} slow bodies"


def test_a_body_that_stops_short_is_answered_408_at_the_deadline(server):
    port, _ = server
    started = time.monotonic()
    answer = raw(port, b"POST /contact/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nmessage=hi",
                 until=b"\r\n\r\n", timeout=REQUEST_TIMEOUT + 5)
    elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 ") and b"Connection: close" in answer
    assert REQUEST_TIMEOUT - 0.1 < elapsed < REQUEST_TIMEOUT + 1.5


def test_a_form_sent_in_pieces_reaches_the_site_whole(server):
    port, _ = server
    status, headers, page = request(port, "GET", "/contact/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    cookie = headers["Set-Cookie"].split(";")[0]
    body = urlencode({"csrfmiddlewaretoken": token, "name": "Asha", "topic": "other",
                      "message": "zqmarker " * 300}).encode()  # no consent: the form comes back with the message
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"POST /contact/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
                     f"Origin: http://127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     f"Content-Length: {len(body)}\r\n\r\n".encode())
        for start in range(0, len(body), 1000):
            time.sleep(0.05)  # a slow client on a real socket: the server's own timeouts run on real time
            sock.sendall(body[start:start + 1000])
        answer = b""
        while b"</html>" not in answer and (chunk := sock.recv(65536)):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400 ")  # the form again, saying what is missing
    assert answer.count(b"zqmarker") >= 300 and b"Tick the box to agree" in answer


def test_pipelined_and_kept_alive_requests_keep_their_bodies_apart(server):
    port, _ = server
    answer = raw(port, b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello"
                       b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                       b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", until=b"\0")
    assert answer.count(b"HTTP/1.1 ") == 3 and b"400 Bad Request" not in answer
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    statuses, sockets = [], set()
    for method, body in [("POST", b"x" * 3000), ("GET", None)] * 2:  # one connection, kept alive
        conn.request(method, "/healthz", body=body)
        response = conn.getresponse()
        response.read()
        statuses.append(response.status)
        sockets.add(id(conn.sock))
    conn.close()
    assert statuses == [405, 200, 405, 200] and len(sockets) == 1


def test_bodies_past_the_workers_buffer_get_503_until_it_frees(server):
    port, _ = server

    def post(size: int, first: bytes = b"") -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(f"POST /contact/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {size}\r\n\r\n".encode())
        time.sleep(0.3)  # the head alone, then the body: the body counts against the buffer
        sock.sendall(b"x" * (size if not first else len(first)))
        return sock

    def answer(sock: socket.socket) -> bytes:
        with sock:
            return sock.recv(100)

    hog = post(BODY_BUFFER, first=b"x" * (BODY_BUFFER - 20_000))  # most of the buffer, and it stalls
    time.sleep(0.3)  # the server, another process, takes the stalled bytes in
    assert answer(post(30_000)).startswith(b"HTTP/1.1 503 ")
    hog.close()  # gone before it was whole: its bytes are let go
    time.sleep(0.3)  # and lets them go in its own time
    assert answer(post(30_000)).startswith(b"HTTP/1.1 403 ")  # read whole: the site refuses it (no CSRF cookie)


def test_a_client_that_waits_to_be_told_to_send_its_body_is_told(server):
    port, _ = server
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"hello")
        answer = b""
        while b"HTTP/1.1 405 " not in answer and (chunk := sock.recv(65536)):
            answer += chunk
    assert b"HTTP/1.1 405 " in answer


def test_a_chunked_body_is_refused_before_it_is_read(server):
    port, _ = server
    answer = raw(port, b"POST /contact/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhe")
    assert answer.startswith(b"HTTP/1.1 411 ")


def test_clients_that_stay_after_a_closing_answer_do_not_stall_help(server):
    port, _ = server
    stayed = []
    for _ in range(3 * THREADS + 3):  # answered with "Connection: close"; the client keeps its end open
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
        stayed.append(sock)
    status, body, elapsed = help_behind(port, stayed)
    assert status == 200 and b"tel:112" in body
    assert elapsed < 1, f"/help/ took {elapsed:.1f} s behind {len(stayed)} clients that stayed"


def test_a_huge_anonymous_post_is_refused_before_it_is_read(server):
    port, _ = server
    started = time.monotonic()
    answer = raw(port, b"POST /support/request/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 104857600\r\n\r\nage=adult",
                 until=b"</html>")
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert time.monotonic() - started < 2
    assert b"too large" in answer


def test_no_server_header(server):
    port, _ = server
    status, headers, _ = request(port, "GET", "/healthz")
    assert status == 200 and "Server" not in headers and "server" not in {k.lower() for k in headers}


def test_probes_answer_whatever_the_host(server):
    port, _ = server
    assert request(port, "GET", "/healthz", {"Host": "evil.example"})[0] == 200
    assert request(port, "GET", "/readyz", {"Host": "10.0.0.7:8000"})[0] == 200
    assert request(port, "GET", "/", {"Host": "evil.example"})[0] == 400  # every other path checks it


def test_malformed_requests_leave_no_address_or_request_line_in_the_log(server):
    port, log = server
    before = len(log_lines(log))
    raw(port, b"GE\x00T /zqmarker?q=secret HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    raw(port, b"GET /" + b"zqmarker" * 1100 + b" HTTP/1.1\r\n\r\n")
    raw(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header zqmarker: x\r\n\r\n")
    lines = log_lines(log)[before:]
    assert any("Invalid request" in line for line in lines)
    assert not [line for line in lines if "zqmarker" in line or "ip=" in line or "127.0.0.1" in line]


def test_a_disallowed_host_is_one_line_without_the_host_or_a_traceback(server):
    port, log = server
    before = len(log_lines(log))
    assert request(port, "GET", "/blog/", {"Host": "asha-zqmarker.example"})[0] == 400
    lines = log_lines(log)[before:]
    assert [line for line in lines if "DisallowedHost" in line] == ["ERROR django.security.DisallowedHost "
                                                                      "DisallowedHost: refused GET /blog/"]
    assert not [line for line in lines if "zqmarker" in line or "Traceback" in line]


# --- the configuration itself ------------------------------------------------------------------------

def config(monkeypatch, cpus: int, **environment: str) -> dict:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)))
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_workers_follow_the_cpus_this_process_may_use_within_a_ceiling(monkeypatch):
    assert config(monkeypatch, 1)["workers"] == 3
    assert config(monkeypatch, 2)["workers"] == 5
    assert config(monkeypatch, 96)["workers"] == 8  # not 193 workers, each with database connections
    assert config(monkeypatch, 96, WEB_CONCURRENCY="12")["workers"] == 12


def test_threads_limits_and_no_shared_control_socket(monkeypatch):
    settings = config(monkeypatch, 2)
    assert settings["worker_class"] == "serving.gunicorn_worker.HeadFirstThreadWorker" and settings["threads"] == 4
    assert settings["control_socket_disable"] is True
    assert settings["limit_request_line"] == 8190 and settings["limit_request_fields"] <= 100
    assert settings["graceful_timeout"] > 0
    assert re.search(r"%\(h\)|%\(a\)|%\(q\)|%\(f\)", settings["access_log_format"]) is None


def test_the_worker_reads_ahead_no_more_body_than_the_site_would_take(settings):
    from serving.gunicorn_worker import body_limit

    head = b"POST /markdownx/upload/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    assert body_limit(head) == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    session = settings.SESSION_COOKIE_NAME.encode()
    assert body_limit(head + b"Cookie: csrftoken=x; " + session + b"=abc") == settings.IDARE_STAFF_UPLOAD_MAX_BYTES
    assert body_limit(head + b"Cookie: not" + session + b"=abc") == settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_the_error_log_keeps_what_went_wrong_without_who_asked_or_what_for():
    assert scrub("Error handling request GET /search/?q=asha%40example.com") == "Error handling request GET /search/"
    assert scrub("Invalid request from ip=2001:db8::7: Invalid HTTP method: 'GE\\x00T'") == (
        "Invalid request (Invalid HTTP method)")
    assert scrub("Worker timeout for a request from 203.0.113.9") == "Worker timeout for a request from <address>"
    assert scrub("Listening at: http://127.0.0.1:8000 (12)") == "Listening at: http://127.0.0.1:8000 (12)"


def test_a_csrf_refusal_keeps_its_reason_but_not_the_origin_it_quotes():
    from django.test import RequestFactory

    request = RequestFactory().post("/contact/")
    record = logging.LogRecord("django.security.csrf", logging.WARNING, __file__, 1, "Forbidden (%s): %s",
                               ("Origin checking failed - https://asha.example does not match any trusted origins.",
                                "/contact/"), None)
    record.request = request
    OneLineSecurityFilter().filter(record)
    assert record.getMessage() == "csrf: refused POST /contact/ (Origin checking failed)"


def test_the_gunicorn_internals_the_worker_builds_on_are_there():
    """serving/gunicorn_worker.py's docstring names the private parts it uses and why; an upgrade
    that drops one fails here, by name, rather than under load in production."""
    import gunicorn
    from gunicorn.http import unreader, wsgi
    from gunicorn.workers import gthread

    assert gunicorn.version_info[:1] == (27,), gunicorn.__version__
    assert hasattr(gthread, "_DEFER")
    assert callable(getattr(gthread.ThreadWorker, "_keepalive_after", None))
    assert hasattr(unreader.Unreader(), "buf")
    assert callable(getattr(wsgi.Response, "default_headers", None))
