"""Real app servers for tests that need more than one process: gunicorn on the test database."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_database_url() -> str:
    """The database this test run uses, as a URL another process can open (PostgreSQL only)."""
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def gunicorn(tmp_path: Path, **environment: str):
    """One gunicorn instance (one worker) on a free port, serving this checkout on the test
    database; yields its port. Its log is in tmp_path."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IDARE_", "DATABASE_URL"))},
        "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "IDARE_ENCRYPTION_KEYS": ",".join(settings.IDARE_ENCRYPTION_KEYS),
        "DATABASE_URL": test_database_url(), "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_HSTS_SECONDS": "0", "DJANGO_SECURE_COOKIES": "0",
        "SITE_URL": f"http://127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        **environment,
    }
    log = (tmp_path / f"gunicorn-{port}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "idare.wsgi", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--no-control-socket"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while request(port, "GET", "/healthz")[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: {(tmp_path / f'gunicorn-{port}.log').read_text()}")
            time.sleep(0.2)  # another process is starting: only its own pace will do
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def request(port: int, method: str, path: str, headers: dict | None = None, *, body: bytes | None = None,
            source: str | None = None) -> tuple[int, dict, bytes]:
    """One request to 127.0.0.1:port, from the loopback address `source` if given (any of 127/8)."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10,
                                          source_address=(source, 0) if source else None)
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    except OSError:
        return 0, {}, b""


@contextlib.contextmanager
def nginx(tmp_path: Path, *, upstream: int, media_origin: str = "http://127.0.0.1:9", edit=lambda site: site):
    """docker/nginx.conf as the official image fills it in, on a free port, in front of the app
    server at 127.0.0.1:upstream; `edit` changes the site's text first. Yields nginx's port."""
    port = free_port()
    site = ((ROOT / "docker/nginx.conf").read_text().replace("server app:8000;", f"server 127.0.0.1:{upstream};")
            .replace("listen 80;", f"listen 127.0.0.1:{port};")
            .replace("${MEDIA_ORIGIN}", media_origin))
    (tmp_path / "site.conf").write_text(edit(site))
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = " ".join(f"{kind}_temp_path {tmp_path / kind};" for kind in kinds)
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}pid {tmp_path / 'nginx.pid'}; error_log {tmp_path / 'error.log'};\n"
        f"events {{}}\nhttp {{ access_log off; {temp} include {tmp_path / 'site.conf'}; }}\n")
    process = subprocess.Popen(["nginx", "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while request(port, "GET", "/media/")[0] == 0:
            assert process.poll() is None and time.monotonic() < deadline, process.stderr.read().decode()
            time.sleep(0.1)  # nginx, another process, is starting
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@dataclass
class Cluster:
    bin: Path
    data: Path
    port: int
    prefix: list[str]

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/idare"

    def ctl(self, *args: str) -> None:
        subprocess.run([*self.prefix, str(self.bin / "pg_ctl"), "-D", str(self.data), *args],
                       check=True, capture_output=True, timeout=60)

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])


# What a production deployment sets (tests/operations/test_deploy.py and the tests that start the site like it).
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k" * 20 + "-a-long-random-production-like-secret-0123456789",
    "DJANGO_ALLOWED_HOSTS": "idare.example",
    "SITE_URL": "https://idare.example",
    "IDARE_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1saWtlLWtleS1mb3ItdGVzdHMtb24=",
    "DJANGO_EMAIL_HOST": "smtp.idare.example",
}


def run(args, env_overrides, *, drop=(), cwd=ROOT, timeout=120):
    """A fresh process (manage.py, the entrypoint, compose) with production's environment as overrides
    say, none of the test run's own settings, and an empty database of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "SITE_URL", "IDARE_"))}
    env.update(env_overrides)
    for name in drop:
        env.pop(name, None)
    # A database of its own, empty as on a new deployment: never the developer's db.sqlite3, whose
    # imported content (`make run`) would make the launch checklist's warning the answer.
    with tempfile.TemporaryDirectory() as scratch:
        env.setdefault("DATABASE_URL", f"sqlite:///{scratch}/deploy.sqlite3")
        return subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
