"""PostgreSQL with a client-side deadline on every answer (ENGINE "serving.postgresql").

The server's statement_timeout ends a slow statement, and connect_timeout a server that does not
let us in, but neither helps when the server stops answering a connection already open: a frozen
or stopped process, a host gone from the network. Its kernel may still acknowledge every packet,
so TCP never notices either, and psycopg would wait for the answer as long as gunicorn lets it.
Here every wait for an answer has a deadline (OPTIONS["answer_timeout"], seconds); when it passes
the connection is closed and psycopg.OperationalError raised: Django then answers the calm 503
(serving/middleware.py) and opens a new connection on the next request."""

from __future__ import annotations

import psycopg
from django.db.backends.postgresql import base
from psycopg.connection import _WAIT_INTERVAL
from psycopg.errors import _WaitTimeout  # what psycopg's waits raise when their timeout passes

# A kept connection is checked with SELECT 1 before a request's first query: a database that does
# not answer that within a second is given up on, which leaves the request time for one fresh
# connection (connect_timeout) within its deadline.
HEALTH_CHECK_SECONDS = 1.0


class DeadlineConnection(psycopg.Connection):
    answer_timeout: float | None = None

    def wait(self, gen, interval=_WAIT_INTERVAL, timeout=None):
        deadline = self.answer_timeout
        if deadline is None or (timeout is not None and timeout <= deadline):
            return super().wait(gen, interval, timeout)  # the caller's own timeout: its own affair
        try:
            return super().wait(gen, interval, deadline)
        except _WaitTimeout:
            # The connection is mid-exchange and its state unknown: it can never be used again.
            self.pgconn.finish()
            raise psycopg.OperationalError(f"the database did not answer within {deadline:g} s") from None


class _Psycopg:
    """psycopg as Django's wrapper sees it (errors, types, connect()), except that connect() makes
    a DeadlineConnection: Django's own get_new_connection then runs unchanged."""

    connect = staticmethod(DeadlineConnection.connect)

    def __getattr__(self, name):
        return getattr(psycopg, name)


class DatabaseWrapper(base.DatabaseWrapper):
    Database = _Psycopg()

    def get_connection_params(self):
        params = super().get_connection_params()
        params.pop("answer_timeout", None)  # ours, not libpq's
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        connection.answer_timeout = self.settings_dict["OPTIONS"].get("answer_timeout")
        return connection

    def is_usable(self):
        if self.connection is None or self.connection.answer_timeout is None:
            return super().is_usable()
        kept = self.connection.answer_timeout
        self.connection.answer_timeout = min(kept, HEALTH_CHECK_SECONDS)
        try:
            return super().is_usable()
        finally:
            self.connection.answer_timeout = kept
