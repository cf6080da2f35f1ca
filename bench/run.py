"""`make bench`: how fast and how heavy the reading pages are, measured against the real
production-like server (`make serve`, gunicorn, DEBUG off) on this machine.

Reports, per page: requests per second and latency percentiles under a fixed concurrency,
the HTML size (raw and gzip), and the number of database queries Django runs to build it.
Figures depend on the machine: compare runs on the same one."""

import concurrent.futures
import gzip
import http.client
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8799"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
PAGES = ["/", "/blog/", "/blog/building-trust-through-trust-issues/", "/blog/tag/trust/", "/help/", "/about/"]


def fetch(path: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    conn.request("GET", path, headers={"Accept-Encoding": "identity"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return time.perf_counter() - started, response.status, body


def wait_until_ready(deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if fetch("/readyz")[1] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not become ready in time")


def query_counts() -> dict[str, int]:
    """Queries per page, counted in-process by Django against the same database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idare.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, counts = Client(), {}
    for path in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, headers={"host": "127.0.0.1"}).status_code == 200, path
        counts[path] = len(queries)
    return counts


def main() -> None:
    env = {**os.environ, "PORT": str(PORT)}
    server = subprocess.Popen(["make", "--no-print-directory", "serve"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until_ready(time.monotonic() + 120)
        for path in PAGES:  # warm up every worker
            for _ in range(10):
                fetch(path)
        queries = query_counts()
        print(f"{'page':<46}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'KB':>7}{'gz KB':>7}{'SQL':>5}")
        for path in PAGES:
            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
                results = list(pool.map(fetch, [path] * REQUESTS))
            elapsed = time.perf_counter() - started
            assert all(status == 200 for _, status, _ in results), path
            latencies = sorted(seconds * 1000 for seconds, _, _ in results)
            q = statistics.quantiles(latencies, n=100)
            body = results[0][2]
            print(f"{path:<46}{REQUESTS / elapsed:>8.0f}{q[49]:>8.1f}{q[94]:>8.1f}{q[98]:>8.1f}"
                  f"{len(body) / 1024:>7.1f}{len(gzip.compress(body)) / 1024:>7.1f}{queries[path]:>5}")
        print(f"\n{REQUESTS} requests per page, {CONCURRENCY} at a time, against `make serve` on port {PORT}.")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
