"""`make loadtest`: mixed traffic at a steady rate against `make serve` on PostgreSQL.

Starts `make serve` on a database of its own (rate limits off: one client makes all the load), then
sends reads, searches, upvotes, shares and enquiries on loopback at LOADTEST_RATE requests per
second for LOADTEST_DURATION seconds. The schedule is fixed in advance (open loop): each request's
latency counts from the moment it was due, so a slow server cannot hide its queue by slowing the
client down. Afterwards the votes the site said it counted must equal the votes in the database,
and so must the enquiries and shares. Writes its section of docs/PERFORMANCE.md (between
`<!-- loadtest -->` and `<!-- /loadtest -->`), leaving the rest of the file as it is; exits 1 on any
error. Knobs: LOADTEST_DURATION (60), LOADTEST_RATE (50), LOADTEST_THREADS (32), LOADTEST_PORT
(8870), LOADTEST_DATABASE (postgres://postgres@127.0.0.1:5432/idare_loadtest)."""

from __future__ import annotations

import datetime as dt
import http.client
import itertools
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import psycopg

from bench.report import END, START, replace_section
from bench.run import rate_settings
from bench.servers import ROOT, Processes, fetch, wait_until_ready

REPORT = ROOT / "docs" / "PERFORMANCE.md"
# What a minute of traffic is made of: kind → share of the requests.
MIX = {"read": 60, "search": 15, "vote": 12, "share": 8, "enquiry": 5}
EXPECTED = {"read": {200}, "search": {200}, "vote": {200}, "share": {204}, "enquiry": {303}}
SEARCHES = ["anxiety", "sleep", "trust", "grief", "work", "therapy", "kintsugi", "no such word at all"]


@dataclass
class Knobs:
    duration: int = int(os.environ.get("LOADTEST_DURATION", "60"))
    rate: float = float(os.environ.get("LOADTEST_RATE", "50"))
    threads: int = int(os.environ.get("LOADTEST_THREADS", "32"))
    port: int = int(os.environ.get("LOADTEST_PORT", "8870"))
    database: str = os.environ.get("LOADTEST_DATABASE", "postgres://postgres@127.0.0.1:5432/idare_loadtest")


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if error:
                self.errors[kind].append(error)

    def ok(self, kind: str) -> int:
        return len(self.latencies[kind]) - len(self.errors[kind])


class Visitor(threading.local):
    """One keep-alive connection per client thread, and the enquiry form's CSRF cookie and token."""

    conn: http.client.HTTPConnection | None = None
    csrf: tuple[str, str] | None = None


class Traffic:
    def __init__(self, port: int, articles: list[str], pages: list[str], enquiry_fields: dict[str, str]) -> None:
        self.port, self.articles, self.pages, self.enquiry_fields = port, articles, pages, enquiry_fields
        self.origin = f"http://127.0.0.1:{port}"
        self.visitor = Visitor()

    def send(self, method: str, path: str, body: bytes | None = None,
             headers: dict | None = None) -> tuple[int, dict, bytes]:
        while True:
            reused = self.visitor.conn is not None
            if not reused:
                self.visitor.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.visitor.conn.request(method, path, body=body, headers=headers or {})
                response = self.visitor.conn.getresponse()
                return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.visitor.conn.close()
                self.visitor.conn = None
                if not reused:  # only an idle keep-alive connection the server closed is tried again
                    raise

    def request(self, kind: str, rng: random.Random) -> int:
        if kind == "read":
            return self.send("GET", rng.choice(self.pages + self.articles))[0]
        if kind == "search":
            return self.send("GET", "/search/?" + urlencode({"q": rng.choice(SEARCHES)}))[0]
        article = rng.choice(self.articles)
        if kind == "vote":  # no voter cookie: each vote is a new visitor's, so each one adds one
            return self.send("POST", f"{article}upvote/", b"", {"Origin": self.origin, "Accept": "application/json"})[0]
        if kind == "share":
            return self.send("POST", f"{article}share/copy/", b"", {"Origin": self.origin})[0]
        return self.enquire()

    def enquire(self) -> int:
        if self.visitor.csrf is None:
            status, headers, body = self.send("GET", "/support/request/")
            cookie = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", ""))
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
            if status != 200 or not cookie or not token:
                return status or 599
            self.visitor.csrf = (cookie.group(1), token.group(1).decode())
        cookie, token = self.visitor.csrf
        form = {**self.enquiry_fields, "csrfmiddlewaretoken": token}
        return self.send("POST", "/support/request/", urlencode(form).encode(), {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}",
            "Origin": self.origin, "Referer": f"{self.origin}/support/request/",
        })[0]


def enquiry_fields(port: int) -> dict[str, str]:
    """The enquiry form filled as an adult asking for help by e-mail would: the first language and
    the first choice of every other required radio group."""
    page = fetch(port, "/support/request/")[2].decode()
    first = {name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1) for name in ("mode", "budget")}
    language = re.search(r'<option value="([^"]+)"', page[page.index('name="language"'):]).group(1)
    return {"age": "adult", "name": "Load test", "reply_by": "email", "email": "loadtest@example.com",
            "safe_to_leave_message": "no", "language": language, **first, "consent": "on"}


def site_paths(port: int) -> tuple[list[str], list[str]]:
    """(article paths, other reading pages) from the sitemap."""
    sitemap = fetch(port, "/sitemap.xml")[2].decode()
    paths = [urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    articles = [p for p in paths if re.fullmatch(r"/blog/[-\w]+/", p)]
    pages = ["/", "/blog/", "/help/", "/support/", "/support/providers/", "/engage/",
             *[p for p in paths if p.startswith("/blog/tag/")][:5]]
    return articles, pages


def database_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT (SELECT count(*) FROM blog_vote), (SELECT coalesce(sum(upvote_count), 0) FROM "
                           "blog_post), (SELECT coalesce(sum(clicks), 0) FROM blog_sharecount WHERE network = 'copy'),"
                           " (SELECT count(*) FROM support_enquiry)").fetchone()
    return dict(zip(("votes", "upvote_counts", "shares", "enquiries"), row, strict=True))


def schedule(knobs: Knobs, seed: int = 9) -> list[tuple[float, str]]:
    """(seconds from the start, kind) for every request of the run, evenly spaced."""
    rng = random.Random(seed)
    kinds = list(itertools.chain.from_iterable([kind] * weight for kind, weight in MIX.items()))
    total = int(knobs.duration * knobs.rate)
    return [(i / knobs.rate, rng.choice(kinds)) for i in range(total)]


def drive(traffic: Traffic, knobs: Knobs) -> tuple[Results, float]:
    results, plan = Results(), schedule(knobs)
    start = time.monotonic() + 0.5

    def one(due: float, kind: str, n: int) -> None:
        rng = random.Random(n)
        try:
            status = traffic.request(kind, rng)
            error = None if status in EXPECTED[kind] else f"HTTP {status}"
        except OSError as exc:
            error = f"{type(exc).__name__}"
        results.record(kind, time.monotonic() - (start + due), error)

    with ThreadPoolExecutor(knobs.threads) as pool:
        for n, (due, kind) in enumerate(plan):
            time.sleep(max(0.0, start + due - time.monotonic()))
            pool.submit(one, due, kind, n)
    return results, time.monotonic() - start


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


def section(knobs: Knobs, results: Results, elapsed: float, delta: dict[str, int], when: dt.datetime) -> str:
    """The loadtest's part of docs/PERFORMANCE.md, markers included."""
    sent = sum(len(v) for v in results.latencies.values())
    errors = sum(len(v) for v in results.errors.values())
    lines = [
        START, "## Mixed traffic at a steady rate (`make loadtest`)", "",
        f"Written by `make loadtest` on {when:%Y-%m-%d %H:%M} UTC: `make serve` (PostgreSQL, DEBUG off, rate limits "
        f"off) under {knobs.rate:g} requests per second for {knobs.duration} s on loopback, from "
        f"{knobs.threads} client threads on a fixed schedule; latency counts from the moment each request was due. "
        f"Knobs: `LOADTEST_DURATION`, `LOADTEST_RATE`, `LOADTEST_THREADS`, `LOADTEST_PORT`.", "",
        f"**{sent} requests in {elapsed:.1f} s ({sent / elapsed:.1f}/s), {errors} errors** "
        "(a 5xx, an unexpected status or a connection error).", "",
        "| kind | requests | errors | p50 | p99 | max |", "|---|---:|---:|---:|---:|---:|",
    ]
    for kind in MIX:
        values = results.latencies[kind]
        lines.append(f"| {kind} | {len(values)} | {len(results.errors[kind])} | {percentile(values, 50) * 1000:.0f} ms"
                     f" | {percentile(values, 99) * 1000:.0f} ms | {max(values, default=0) * 1000:.0f} ms |")
    lines += [
        "", "Counted afterwards in the database:", "",
        f"- upvotes: {results.ok('vote')} answered 200, {delta['votes']} new vote rows, the posts' upvote counts "
        f"up by {delta['upvote_counts']}: {'exact' if votes_exact(results, delta) else '**not exact**'};",
        f"- shares: {results.ok('share')} answered 204, share clicks up by {delta['shares']};",
        f"- enquiries: {results.ok('enquiry')} answered 303, {delta['enquiries']} new enquiries.",
        END,
    ]
    return "\n".join(lines)


def votes_exact(results: Results, delta: dict[str, int]) -> bool:
    return results.ok("vote") == delta["votes"] == delta["upvote_counts"]


def main() -> int:
    knobs = Knobs()
    db = knobs.database
    with psycopg.connect(db.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        name = db.rsplit("/", 1)[1]
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IDARE_", "DATABASE_URL", "SITE_URL"))}
    env.update(dict.fromkeys(rate_settings(), "off"), DATABASE_URL=db, PORT=str(knobs.port))
    log = ROOT / "var" / "loadtest-serve.log"
    log.parent.mkdir(exist_ok=True)
    with Processes() as processes:
        server = processes.start("make serve", ["make", "serve"], knobs.port, env, log)
        # `make serve` migrates and imports the content first: on a fresh database that takes a while.
        wait_until_ready(server, "/readyz", timeout=600)
        articles, pages = site_paths(knobs.port)
        traffic = Traffic(knobs.port, articles, pages, enquiry_fields(knobs.port))
        before = database_counts(db)
        print(f"loadtest: {knobs.rate:g}/s for {knobs.duration} s over {len(articles)} articles", flush=True)
        results, elapsed = drive(traffic, knobs)
        after = database_counts(db)
    delta = {key: after[key] - before[key] for key in before}
    text = section(knobs, results, elapsed, delta, dt.datetime.now(dt.UTC))
    REPORT.write_text(replace_section(REPORT.read_text() if REPORT.exists() else "# Performance\n", text))
    print(text.replace(START, "").replace(END, "").strip())
    for kind, errors in results.errors.items():
        if errors:
            print(f"{kind}: {statistics.mode(errors)} and {len(errors)} errors in all", file=sys.stderr)
    failed = any(results.errors.values()) or not votes_exact(results, delta) or \
        delta["enquiries"] != results.ok("enquiry") or delta["shares"] != results.ok("share")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
