"""The servers under test: the site and the minimal WSGI app under gunicorn (`-c gunicorn.conf.py`, the
same worker count), and nginx. Each runs in its own process group, and every one started is stopped,
group and all, when the run ends, however it ends."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 90  # seconds: five workers importing Django on a busy 2-core machine


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Processes:
    """Every long-running process of the run. Used as a context manager: leaving it stops them all."""

    def __init__(self) -> None:
        self._started: list[Server] = []

    def __enter__(self) -> Processes:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop_all()

    def start(self, name: str, command: list[str], port: int, env: dict[str, str], log: Path) -> Server:
        ensure_port_free(port)
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        server = Server(name, port, process, log)
        self._started.append(server)
        return server

    def stop(self, server: Server) -> None:
        _stop_group(server.process)
        self._started.remove(server)

    def stop_all(self) -> None:
        for server in reversed(self._started):
            _stop_group(server.process)
        self._started.clear()


def _stop_group(process: subprocess.Popen, grace: float = 20) -> None:
    """SIGTERM to the process group (gunicorn's arbiter and workers, nginx's master and workers),
    then SIGKILL to whatever is left of it."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError):  # stray workers of a group whose leader has gone
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def ensure_port_free(port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise SystemExit(f"port {port} is in use: stop what listens there or set BENCH_PORT_BASE") from None


def fetch(port: int, path: str, method: str = "GET", headers: dict[str, str] | None = None,
          timeout: float = 30) -> tuple[int, list[tuple[str, str]], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, headers={"Accept-Encoding": "identity", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def wait_until_ready(server: Server, path: str, timeout: float = READY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            if fetch(server.port, path, timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    tail = server.log.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"{server.name} did not answer {path} on port {server.port}:\n{tail}")


def drain(server: Server) -> None:
    """Waits until the server has answered what wrk left queued when it stopped: slow requests still
    running would otherwise steal the CPU from whatever is measured next. The probe queues behind them."""
    with contextlib.suppress(OSError):
        fetch(server.port, "/healthz", timeout=120)


def gunicorn_command(app: str, port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", app, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
            "--no-control-socket"]


NGINX_CONF = """\
daemon off;
worker_processes 2;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    default_type text/html;
    sendfile on;
    tcp_nopush on;
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        location / {{ try_files /article.html =404; }}
    }}
}}
"""


def start_nginx(processes: Processes, nginx: str, folder: Path, port: int, body: bytes) -> Server:
    """nginx serving `body` as a static file, with its own configuration, pid file and logs in `folder`.
    Its workers run as an unprivileged user when started by root, so they must be able to read it."""
    (folder / "www").mkdir(parents=True)
    (folder / "www" / "article.html").write_bytes(body)
    (folder / "nginx.conf").write_text(NGINX_CONF.format(root=folder, port=port))
    for path in (folder, folder / "www"):
        path.chmod(0o755)
    (folder / "www" / "article.html").chmod(0o644)
    command = [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")]
    return processes.start("nginx", command, port, dict(os.environ), folder / "nginx.out")
