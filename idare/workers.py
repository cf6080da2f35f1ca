"""gunicorn's threaded worker, except that a thread takes a connection only once the request's head
(request line and headers) has arrived whole.

gunicorn's gthread worker hands a connection to a thread as soon as a byte arrives, and the thread
then blocks until the headers are complete: six clients that send half a request and stop (a
"slowloris") hold six threads, and every page behind them waits, /help/ included. Here the head is
read without blocking as it arrives; until it is whole, the connection waits in the worker's poller,
costing no thread, and a head still unfinished after HEAD_TIMEOUT seconds is dropped. Bodies are
read by the threads as before: the size limit refuses big ones unread (idare.middleware), and the
proxy in front buffers slow ones (docs/DEPLOY.md).

Only plain HTTP/1.x is handled this way (TLS ends at the proxy); anything else is left to gthread."""

from __future__ import annotations

import io
import time

from gunicorn.http2 import negotiation
from gunicorn.workers.gthread import _DEFER, ThreadWorker

END_OF_HEAD = b"\r\n\r\n"
HEAD_TIMEOUT = 10.0  # seconds from the first byte of a request to the end of its headers


class HeadFirstThreadWorker(ThreadWorker):
    def head_limit(self) -> int:
        """More than a valid head can be: past it, gunicorn's parser refuses the request."""
        cfg = self.cfg
        return cfg.limit_request_line + 4 + (cfg.limit_request_fields + 1) * (cfg.limit_request_field_size + 2)

    def handle(self, conn):
        if self.cfg.is_ssl or conn.is_http2 or negotiation.prior_knowledge_allowed(self.cfg, conn.client):
            return super().handle(conn)
        head = getattr(conn, "head_so_far", b"")
        if conn.initialized:  # bytes the parser already read ahead belong to this head
            head += conn.parser.unreader.buf.getvalue()
            conn.parser.unreader.buf = io.BytesIO()
        limit = self.head_limit()
        conn.sock.setblocking(False)  # a kept-alive connection may come back still blocking
        try:
            while END_OF_HEAD not in head and len(head) < limit:
                chunk = conn.sock.recv(65536)
                if not chunk:
                    break  # the client closed: gunicorn's parser says the rest
                head += chunk
        except BlockingIOError:
            started = getattr(conn, "head_started", None) or time.monotonic()
            if head and time.monotonic() - started > HEAD_TIMEOUT:
                return False  # closes it
            conn.head_so_far, conn.head_started = head, started if head else None
            return _DEFER  # back to the poller until more arrives, holding no thread
        except OSError:
            return False
        conn.head_so_far, conn.head_started = b"", None
        conn.data_ready = True
        conn.init()
        conn.parser.unreader.unread(head)
        return super().handle(conn)
