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
ARTICLE = "/blog/building-trust-through-trust-issues/"
PAGES = ["/", "/blog/", ARTICLE, "/blog/tag/trust/", "/help/", "/about/"]
# Each upvote comes from a new visitor (no cookie): every request inserts a vote under the post's lock.
UPVOTE = f"{ARTICLE}upvote/"


def fetch(path: str, method: str = "GET") -> tuple[float, int, bytes]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    headers = {"Accept-Encoding": "identity"}
    if method == "POST":
        headers.update({"Origin": f"http://127.0.0.1:{PORT}", "Accept": "application/json"})
    conn.request(method, path, headers=headers)
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
    with CaptureQueriesContext(connection) as queries:  # a first vote, from a new visitor
        voted = Client().post(UPVOTE, headers={"host": "127.0.0.1", "origin": "http://127.0.0.1",
                                               "accept": "application/json"})
        assert voted.status_code == 200, voted.status_code
    counts[f"POST {UPVOTE}"] = len(queries)
    return counts


def main() -> None:
    env = {**os.environ, "PORT": str(PORT), "IDARE_VOTE_RATE": "off"}  # one client, thousands of votes
    server = subprocess.Popen(["make", "--no-print-directory", "serve"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until_ready(time.monotonic() + 120)
        for path in PAGES:  # warm up every worker
            for _ in range(10):
                fetch(path)
        queries = query_counts()
        print(f"{'page':<46}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'KB':>7}{'gz KB':>7}{'SQL':>5}")
        for method, path in [("GET", p) for p in PAGES] + [("POST", UPVOTE)]:
            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
                results = list(pool.map(fetch, [path] * REQUESTS, [method] * REQUESTS))
            elapsed = time.perf_counter() - started
            assert all(status == 200 for _, status, _ in results), (method, path, {s for _, s, _ in results})
            latencies = sorted(seconds * 1000 for seconds, _, _ in results)
            q = statistics.quantiles(latencies, n=100)
            body = results[0][2]
            label = path if method == "GET" else f"POST {path}"
            print(f"{label:<46}{REQUESTS / elapsed:>8.0f}{q[49]:>8.1f}{q[94]:>8.1f}{q[98]:>8.1f}"
                  f"{len(body) / 1024:>7.1f}{len(gzip.compress(body)) / 1024:>7.1f}{queries[label]:>5}")
        print(f"\n{REQUESTS} requests per page, {CONCURRENCY} at a time, against `make serve` on port {PORT}.")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
