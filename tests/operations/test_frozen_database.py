"""A frozen database under a running site: every process of a throwaway PostgreSQL cluster is
stopped (SIGSTOP) while gunicorn holds a kept-alive connection to it, from a reader's kept-alive
HTTP connection. The server's kernel still acknowledges every packet, so neither TCP nor the
server's own timeouts end the wait: only the client's deadline (serving/postgresql) does. The
article and /readyz answer 503 within 5 s, and the site recovers when the database wakes.

Needs PostgreSQL's server binaries (initdb, pg_ctl); it runs with the PostgreSQL suite."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.servers import ROOT, gunicorn

pytestmark = pytest.mark.postgres
DEADLINE = 5.0  # the README's promise: the calm 503 within 5 s, whatever the database's state


def cluster_processes(postmaster: int) -> list[int]:
    """The postmaster and every process it started (backends, checkpointer, WAL writer, ...)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # "pid (name) state ppid ...": the name may hold spaces, so split after its parenthesis.
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                children.append(int(stat.parent.name))
    return [postmaster, *children]


@contextlib.contextmanager
def frozen(cluster):
    stopped = cluster_processes(cluster.postmaster_pid())
    try:
        for pid in stopped:
            os.kill(pid, signal.SIGSTOP)
        yield
    finally:
        for pid in stopped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)


@pytest.fixture(scope="module")
def site(cluster, tmp_path_factory, collected_static):
    """The cluster migrated and its content imported, as `make serve` does, and the newest article."""
    state = tmp_path_factory.mktemp("frozen")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IDARE_", "DATABASE_"))},
        "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": settings.SECRET_KEY, "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "IDARE_ENCRYPTION_KEYS": ",".join(settings.IDARE_ENCRYPTION_KEYS), "DATABASE_URL": cluster.url,
        "DJANGO_MEDIA_ROOT": str(state / "media"), "IDARE_STATE_DIR": str(state / "var"), "REDIS_URL": "",
    }
    for command in (["migrate", "--noinput", "-v0"], ["import_content"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=300)
    with psycopg.connect(cluster.url.replace("postgres://", "postgresql://")) as conn:
        (slug,) = conn.execute("SELECT slug FROM blog_post WHERE status = 'published' "
                               "ORDER BY published_at DESC LIMIT 1").fetchone()
    return state, f"/blog/{slug}/"


def timed_get(conn: http.client.HTTPConnection, path: str) -> tuple[int, float]:
    """Status and seconds of one GET on a kept-alive connection; 0 when no answer came in 10 s."""
    started = time.monotonic()
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    return status, time.monotonic() - started


@pytest.mark.parametrize("page", ["article", "/readyz"])
def test_a_frozen_database_is_the_503_within_five_seconds_on_kept_connections(cluster, site, page,
                                                                              collected_static):
    state, article = site
    path = article if page == "article" else page
    # One thread, so the request under test runs on the database connection the warm-up kept;
    # no page cache, so the article is read from the database as any page not yet kept would be.
    with gunicorn(state, DATABASE_URL=cluster.url, DJANGO_STATIC_ROOT=collected_static, REDIS_URL="",
                  IDARE_STATE_DIR=str(state / "var"), IDARE_PAGE_CACHE="0", GUNICORN_THREADS="1",
                  DJANGO_CONN_MAX_AGE="600") as port:
        reader = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            assert timed_get(reader, path)[0] == 200  # the warm-up: both connections are now kept
            with frozen(cluster):
                status, seconds = timed_get(reader, path)
            assert status == 503 and seconds < DEADLINE, f"{path}: {status or 'no answer'} after {seconds:.1f} s"
            print(f"{page}: 503 in {seconds:.2f} s")  # noqa: T201 - the figure the issue asks for
        finally:
            reader.close()

        # Awake again: the broken connection was dropped and the next request opens a new one.
        reader = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            assert timed_get(reader, path)[0] == 200
        finally:
            reader.close()


def test_a_statement_sent_to_a_frozen_database_is_given_up_on_at_its_answer_timeout(cluster):
    """Past the health check: the database freezes between a connection's queries, so the next one
    is sent and never answered. The deadline ends the wait, and the connection is closed for good."""
    from serving.postgresql.base import DeadlineConnection

    conn = DeadlineConnection.connect(cluster.url.replace("postgres://", "postgresql://"), connect_timeout=2)
    conn.answer_timeout = 1.5
    try:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        with frozen(cluster):
            started = time.monotonic()
            with pytest.raises(psycopg.OperationalError, match="did not answer within 1.5 s"):
                conn.execute("SELECT 1")
            seconds = time.monotonic() - started
        assert 1.5 <= seconds < 2.5, f"gave up after {seconds:.1f} s"
        assert conn.closed
    finally:
        conn.close()
