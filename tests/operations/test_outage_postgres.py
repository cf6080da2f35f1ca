"""The outage, tried as it happens: a throwaway PostgreSQL cluster under a running gunicorn (as
`make serve` runs it) is locked, frozen and stopped, and /help/ keeps listing every active number
while every other page answers the calm 503 within the database timeouts.

Needs PostgreSQL's server binaries (initdb, pg_ctl); it runs with the PostgreSQL suite."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import ROOT, Cluster, free_port

pytestmark = pytest.mark.postgres

CONNECT_TIMEOUT = 2
STATEMENT_TIMEOUT = 2
SLACK = 1  # the calm 503 arrives within the timeout plus a second


@pytest.fixture(scope="module")
def server(cluster, tmp_path_factory):
    """`make serve` against the throwaway cluster: migrate, import, collectstatic, then gunicorn with
    the project's config. The import's copy of the helplines is removed first, so what /help/ shows
    comes from gunicorn's start-up."""
    state = tmp_path_factory.mktemp("server")
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "IDARE_"))}
    env.pop("REDIS_URL", None)
    env.update({
        "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "outage-test-" + "s" * 40,
        "IDARE_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWtleS1uZXZlci1pbi1wcm9kdWN0aW8=",
        "DATABASE_URL": cluster.url, "DJANGO_CONN_MAX_AGE": "0",
        "DATABASE_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT), "DATABASE_STATEMENT_TIMEOUT": str(STATEMENT_TIMEOUT),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "SITE_URL": f"http://127.0.0.1:{port}",
        "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_HSTS_SECONDS": "0", "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SERVE_MEDIA": "1", "DJANGO_MEDIA_ROOT": str(state / "media"),
        "DJANGO_STATIC_ROOT": str(state / "static"), "IDARE_STATE_DIR": str(state / "var"),
        "WEB_CONCURRENCY": "2",
    })
    python = sys.executable
    for command in (["migrate", "--noinput", "-v0"], ["import_content"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True,
                       timeout=300)
    shutil.rmtree(state / "var" / "snapshots")
    log = (state / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [str(Path(python).parent / "gunicorn"), "idare.wsgi", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if fetch(base + "/readyz").status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.25)  # gunicorn, another process, is starting
        else:
            pytest.fail("gunicorn did not become ready:\n" + (state / "gunicorn.log").read_text())
        yield Server(base, state / "var" / "snapshots")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


@dataclass
class Server:
    base: str
    snapshot_dir: Path

    def get(self, path: str) -> Answer:
        return fetch(self.base + path)


@dataclass
class Answer:
    status: int
    headers: dict
    body: str
    seconds: float


def fetch(url: str) -> Answer:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            status, headers, body = response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read().decode()
    return Answer(status, headers, body, time.monotonic() - started)


def tel_links(html: str) -> set[str]:
    return set(re.findall(r'href="(tel:[^"]+)"', html))


def active_numbers(cluster: Cluster) -> set[str]:
    import psycopg

    with psycopg.connect(cluster.url.replace("postgres://", "postgresql://")) as conn:
        rows = conn.execute("SELECT numbers FROM support_helpline WHERE active").fetchall()
    return {"tel:" + re.sub(r"[^0-9+]", "", n) for (numbers,) in rows for n in numbers.split(";") if n.strip()}


def assert_calm_503(answer: Answer, numbers: set[str], within: float) -> None:
    assert answer.status == 503, answer.body[:500]
    assert answer.headers.get("Retry-After"), answer.headers
    assert answer.seconds < within, f"the 503 took {answer.seconds:.1f}s"
    assert numbers <= tel_links(answer.body), "the 503 page does not list every active number"
    assert 'href="/help/"' in answer.body


# A listing no server has kept yet, one for each state: the page cache keys on the parameters a view
# reads (the listing reads `page`), so "?while=..." would be the kept /blog/ (rightly: kept pages
# outlive an outage), while "page=01" is page 1 under a key of its own, built from the database.
NOT_KEPT = {"locked": "/blog/?page=1", "frozen": "/blog/?page=01", "stopped": "/blog/?page=001"}


def test_help_survives_a_locked_a_frozen_and_a_stopped_database(server, cluster):
    numbers = active_numbers(cluster)
    assert len(numbers) >= 4
    assert (server.snapshot_dir / "helplines.json").exists(), "gunicorn's start-up wrote no snapshot"
    assert numbers <= tel_links(server.get("/help/").body)

    # Hanging statements: a table locked by someone else. The statement timeout ends the wait.
    import psycopg

    holder = psycopg.connect(cluster.url.replace("postgres://", "postgresql://"))
    try:
        holder.execute("LOCK TABLE blog_post IN ACCESS EXCLUSIVE MODE")
        # A fresh address each time: pages the page cache kept are (rightly) still answered from it.
        assert_calm_503(server.get(NOT_KEPT["locked"]), numbers, within=STATEMENT_TIMEOUT + SLACK)
        helping = server.get("/help/")
        assert helping.status == 200 and numbers <= tel_links(helping.body) and helping.seconds < SLACK
    finally:
        holder.rollback()
        holder.close()
    assert server.get("/blog/").status == 200

    # A frozen server: the postmaster accepts nothing. The connect timeout ends the wait.
    os.kill(cluster.postmaster_pid(), signal.SIGSTOP)
    try:
        assert_calm_503(server.get(NOT_KEPT["frozen"]), numbers, within=CONNECT_TIMEOUT + SLACK)
        helping = server.get("/help/")
        assert helping.status == 200 and numbers <= tel_links(helping.body) and helping.seconds < SLACK
    finally:
        os.kill(cluster.postmaster_pid(), signal.SIGCONT)

    # Stopped: connections are refused at once.
    cluster.ctl("-m", "fast", "stop")
    page = server.get(NOT_KEPT["stopped"])
    assert_calm_503(page, numbers, within=SLACK)
    helping = server.get("/help/")  # where the 503 page's "Get help now" leads
    assert helping.status == 200 and numbers <= tel_links(helping.body)
    assert "Last checked" in helping.body
