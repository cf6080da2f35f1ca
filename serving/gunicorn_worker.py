"""gunicorn's threaded worker, except that a thread takes a connection only once its request has
arrived whole: the head (request line and headers) and then the body.

gunicorn's gthread worker hands a connection to a thread as soon as a byte arrives, and the thread
then blocks until the headers, and later the body, are complete: clients that send half a request
and stop (a "slowloris"), or trickle a body a byte at a time, hold a thread each, and every page
behind them waits, /help/ included. Here the request is read without blocking as it arrives; until
it is whole, the connection waits in the worker's poller, costing no thread.

- The body is read up to the size limit the site applies (serving.middleware.body_limit). A longer
  Content-Length goes to a thread at once, which refuses it (413) unread, and the connection is
  closed after that answer instead of being drained.
- A request must be whole within GUNICORN_REQUEST_TIMEOUT seconds of its first byte, its head
  within GUNICORN_HEAD_TIMEOUT, and may not go quiet for `keepalive` seconds on the way: otherwise
  it is answered 408 and closed, without a thread.
- Chunked request bodies are refused (411) before a byte of them is read: no browser sends one,
  nginx sends a Content-Length, and Django reads a body by its Content-Length only, so a chunked
  one would reach the site empty. Reading them ahead would be framing code for nobody.
- A client that waits for "100 Continue" before its body is told to send it.
- A connection closed after its answer lingers in the poller for the client's last bytes, not in
  a blocking wait on the loop all connections share (close_connection).

Memory: a worker holds the bodies on their way in, each within the limit and only until its
deadline. What comes after a request's first read (64 KiB, so a form sent in one piece always gets
through) counts against GUNICORN_BODY_BUFFER (64 MiB a worker: five staff uploads at once, or
thousands of forms); a body that would pass it is answered 503 (Retry-After) and closed, so clients
that send big bodies slowly can cost POSTs an answer, never the worker its memory or the pages their
threads.

Only plain HTTP/1.x is handled this way (TLS ends at the proxy); anything else is left to gthread.

Why this reaches into gunicorn's private parts, and pins gunicorn ~=27.0 for them (pyproject.toml;
tests/operations/test_gunicorn.py fails on a gunicorn without them):
- gthread's `_DEFER` and `_keepalive_after` are how 27's worker parks a connection in its poller
  without a thread; a public hook for "not yet" does not exist, and the alternative (a proxy that
  buffers whole requests) is not always there: `make serve`, a health check or a misconfigured
  nginx reach gunicorn directly, and /help/ must answer then too.
- The connection's parser buffer (`conn.parser.unreader.buf`) holds the bytes read ahead, which the
  request read here must start from.
- `Response.default_headers` writes "Server: gunicorn/27.x" on every answer. What runs the site
  and its version are nobody's business, gunicorn has no setting for it, and an app's own Server
  header would only be sent as a second one; `without_server_line()` drops the line. It is applied
  when gunicorn loads this worker, so it holds wherever the worker runs.
The pin is the price: each gunicorn release is read against these four before it is let in."""

from __future__ import annotations

import contextlib
import functools
import io
import math
import os
import selectors
import socket
import threading
import time

from gunicorn import util
from gunicorn.http import wsgi as http_wsgi
from gunicorn.http2 import negotiation
from gunicorn.workers.gthread import _DEFER, ThreadWorker

_gunicorn_default_headers = http_wsgi.Response.default_headers


def without_server_line(response) -> list[str]:
    return [line for line in _gunicorn_default_headers(response) if not line.startswith("Server:")]


http_wsgi.Response.default_headers = without_server_line

END_OF_HEAD = b"\r\n\r\n"
# Written straight to the socket: no page, the site never saw the request. Browsers show their own.
REQUEST_TIMEOUT = b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
LENGTH_REQUIRED = b"HTTP/1.1 411 Length Required\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
BUSY = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 10\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
ANSWERS = {"late": REQUEST_TIMEOUT, "chunked": LENGTH_REQUIRED, "full": BUSY}
LINGER = 2.0  # seconds a closing connection is read from and discarded, as gunicorn's own close does
DJANGOS_DEFAULT_LIMIT = 2_621_440  # when no Django settings are there (the bench's ceiling app)


def header_values(head: bytes, name: bytes) -> list[bytes]:
    """The values of every `name` field in the head (lowercase name)."""
    prefix = name + b":"
    return [line[len(prefix):].strip() for line in head.split(b"\r\n")[1:] if line.lower().startswith(prefix)]


def expects_continue(head: bytes) -> bool:
    """An HTTP/1.1 client that sends its body only once told to (RFC 9110, section 10.1.1)."""
    return head.split(b"\r\n", 1)[0].endswith(b"HTTP/1.1") and any(
        value.lower() == b"100-continue" for value in header_values(head, b"expect"))


def body_limit(head: bytes) -> int:
    """The largest body the site would take with this head (serving.middleware.body_limit)."""
    from django.conf import settings

    if not settings.configured:
        return DJANGOS_DEFAULT_LIMIT
    from django.http.cookie import parse_cookie

    from serving.middleware import body_limit as site_limit

    cookies = {}
    for value in header_values(head, b"cookie"):  # as Django reads them (WSGI joins several with "; ")
        cookies.update(parse_cookie(value.decode("latin-1")))
    return site_limit(has_session=settings.SESSION_COOKIE_NAME in cookies)


class HeadFirstThreadWorker(ThreadWorker):
    # Seconds from the first byte of a request to the end of its headers, and to the end of its body.
    head_timeout = float(os.environ.get("GUNICORN_HEAD_TIMEOUT", "10"))
    request_timeout = float(os.environ.get("GUNICORN_REQUEST_TIMEOUT", "20"))
    # Bytes of bodies a worker holds while they arrive; a body that would take more is answered 503.
    body_buffer = int(os.environ.get("GUNICORN_BODY_BUFFER", str(64 * 1024 * 1024)))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.buffered = 0  # bytes of requests read ahead, over all connections
        self.buffered_lock = threading.Lock()
        self.lingering: dict[socket.socket, float] = {}  # closing sockets, and when to give up on them

    def head_limit(self) -> int:
        """More than a valid head can be: past it, gunicorn's parser refuses the request."""
        cfg = self.cfg
        return cfg.limit_request_line + 4 + (cfg.limit_request_fields + 1) * (cfg.limit_request_field_size + 2)

    def handle(self, conn):
        if self.cfg.is_ssl or conn.is_http2 or negotiation.prior_knowledge_allowed(self.cfg, conn.client):
            return super().handle(conn)
        if not hasattr(conn, "received"):
            self.start_request(conn)
        if conn.initialized:  # bytes the parser already read ahead belong to this request
            self.keep(conn, conn.parser.unreader.buf.getvalue(), budgeted=False)
            conn.parser.unreader.buf = io.BytesIO()
        conn.sock.setblocking(False)  # a kept-alive connection may come back still blocking
        try:
            state = self.read_request(conn)
        except OSError:
            state = "closed"
        except BaseException:
            self.forget(conn)
            raise
        if state == "waiting":
            if not self.past_deadline(conn):
                return _DEFER  # back to the poller until more arrives, holding no thread
            state = "late"
        request, refuse = self.forget(conn)
        if state == "closed":  # by the client, before its request was whole: nothing to answer
            return False
        if state != "whole":
            return self.answer_and_close(conn, ANSWERS[state])
        conn.data_ready = True
        conn.init()
        conn.parser.unreader.unread(request)
        conn.refuse_body = refuse
        keepalive = super().handle(conn)
        if refuse:  # the rest of a refused body is not worth a thread's wait: close now
            return self.answer_and_close(conn, b"")
        return keepalive

    def start_request(self, conn) -> None:
        conn.received = bytearray()  # the request so far: head, then as much body as has come
        conn.started = None  # when its first byte came
        conn.deadline = math.inf
        conn.expected = None  # its whole length, once the head says it
        conn.refuse_body = False  # its body is over the limit: refused unread

    def keep(self, conn, data: bytes, *, budgeted: bool) -> bool:
        """Adds data to the request; False if it is body and over the worker's buffer."""
        with self.buffered_lock:
            if budgeted and self.buffered + len(data) > self.body_buffer:
                return False
            self.buffered += len(data)
        conn.received += data
        return True

    def forget(self, conn) -> tuple[bytes, bool]:
        """The request read so far and whether its body is refused; the connection starts afresh."""
        request, refuse = bytes(conn.received), conn.refuse_body
        with self.buffered_lock:
            self.buffered -= len(request)
        self.start_request(conn)
        return request, refuse

    def past_deadline(self, conn) -> bool:
        now = time.monotonic()
        if conn.received and conn.started is None:
            conn.started = now
        if conn.started is None:
            return False  # nothing sent yet: gthread closes it after `keepalive` seconds
        timeout = self.request_timeout if conn.expected else min(self.head_timeout, self.request_timeout)
        conn.deadline = conn.started + timeout
        return now > conn.deadline

    def read_request(self, conn) -> str:
        """Reads what has arrived, without blocking: "whole" once the request is (or once waiting
        is pointless: gunicorn's parser then refuses it), "waiting" for more, "closed" by the client,
        "chunked" for a chunked body."""
        received = conn.received  # (grown in place by keep())
        while True:
            if conn.expected is None:
                end = received.find(END_OF_HEAD)
                if end < 0 and len(received) >= self.head_limit():
                    return "whole"
                if end >= 0:
                    head = bytes(received[:end])
                    if header_values(head, b"transfer-encoding"):
                        return "chunked"  # or another coding, which gunicorn refuses anyway
                    lengths = header_values(head, b"content-length")
                    length = int(lengths[0]) if len(lengths) == 1 and lengths[0].isdigit() else 0
                    if length > body_limit(head):
                        conn.refuse_body, length = True, 0
                    # A missing or malformed length: no body to wait for (the parser refuses the latter).
                    conn.expected = end + len(END_OF_HEAD) + length
                    if length and len(received) < conn.expected and expects_continue(head):
                        with contextlib.suppress(OSError):  # (gunicorn sends its own later: 1xx may repeat)
                            conn.sock.send(CONTINUE)  # the client waits for it before sending the body
            if conn.expected is not None and len(received) >= conn.expected:
                return "whole"
            try:
                chunk = conn.sock.recv(65536)
            except BlockingIOError:
                return "waiting"
            if not chunk:
                return "closed"
            if not self.keep(conn, chunk, budgeted=conn.expected is not None):
                return "full"

    def _keepalive_after(self, conn, keepalive):
        if getattr(conn, "refuse_body", False):
            return False  # not drained: it was never going to be read
        return super()._keepalive_after(conn, keepalive)

    def answer_and_close(self, conn, answer: bytes) -> bool:
        """Writes a last answer and shuts the connection, so that gthread's close, on its main loop,
        does not linger for the client's last bytes."""
        with contextlib.suppress(OSError):
            conn.sock.setblocking(False)
            if answer:
                conn.sock.send(answer)  # a few bytes: the socket's buffer takes them at once
            while conn.sock.recv(65536):  # what is already here, lest closing with it unread reset the answer
                pass
        with contextlib.suppress(OSError):
            conn.sock.shutdown(socket.SHUT_RDWR)
        return False

    def murder_pending(self):
        """gthread's, with each request's deadline as well as its quiet time, and a 408 for a
        request cut short (a connection that sent nothing is closed silently, as before)."""
        now = time.monotonic()
        for sock in [sock for sock, deadline in self.lingering.items() if deadline <= now]:
            self.end_linger(sock)
        for conn in [c for c in self.pending_conns if min(c.timeout, getattr(c, "deadline", math.inf)) <= now]:
            self.pending_conns.remove(conn)
            with contextlib.suppress(OSError, KeyError, ValueError):
                self.poller.unregister(conn.sock)
            self.nr_conns -= 1
            if getattr(conn, "received", None):
                self.forget(conn)
                self.answer_and_close(conn, REQUEST_TIMEOUT)
            conn.close()

    def finish_request(self, conn, fs):
        conn.close = functools.partial(self.close_connection, conn)
        try:
            super().finish_request(conn, fs)
        finally:
            del conn.close
        if getattr(conn, "received", None) and conn.sock.fileno() == -1:  # closed on a path not seen here
            self.forget(conn)

    def close_connection(self, conn, graceful=False):
        """gthread's close after an answer, without its wait on the main loop: gthread half-closes,
        then reads what the client still sends for up to 2 s (so that unread bytes do not reset the
        answer) in a blocking call on the loop every connection shares, so each client that kept
        its end open after a "Connection: close" answer stalled the whole worker for 2 s. Here the
        poller does that reading."""
        if not graceful:
            return util.close(conn.sock)
        sock = conn.sock
        try:
            sock.setblocking(False)
            sock.shutdown(socket.SHUT_WR)
            self.poller.register(sock, selectors.EVENT_READ, self.discard)
        except (OSError, ValueError, KeyError):
            return util.close(sock)
        self.lingering[sock] = time.monotonic() + LINGER
        return None

    def discard(self, sock) -> None:
        try:
            for _ in range(16):  # a client that floods waits for the next turn
                if not sock.recv(65536):
                    return self.end_linger(sock)  # the client closed too
        except BlockingIOError:
            return None
        except OSError:
            return self.end_linger(sock)
        return None

    def end_linger(self, sock) -> None:
        self.lingering.pop(sock, None)
        with contextlib.suppress(OSError, KeyError, ValueError):
            self.poller.unregister(sock)
        util.close(sock)
