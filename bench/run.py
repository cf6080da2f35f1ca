"""`make bench`: the reading pages and the upvote under load, on this machine, in one run.

1. Checks its tools (wrk, nginx, Lighthouse with Debian's chromium), installing what it can.
2. Builds or reuses one PostgreSQL archive per size (bench/archive.py) and counts each page's queries
   (bench/pagestats.py).
3. Starts, per archive, the site under gunicorn with the page cache on and with it off, then the two
   ceilings: a minimal WSGI app returning the article's bytes (same gunicorn settings) and nginx.
4. Loads every URL and ceiling with wrk in interleaved rounds, then runs Lighthouse on the smallest
   archive, and writes docs/PERFORMANCE.md (bench/report.py).
Every process it starts is stopped when it ends, on success, error or Ctrl-C. Knobs: bench/knobs.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from cryptography.fernet import Fernet

from bench import lighthouse, wrk
from bench.archive import SEED_ARTICLE
from bench.corpus import COMMON_TERM, RARE_TERM
from bench.knobs import Knobs
from bench.report import Baseline, Run, Series, carried_over, markdown, terminal_summary
from bench.servers import ROOT, Processes, Server, drain, fetch, gunicorn_command, start_nginx, wait_until_ready
from bench.tools import Tools, ensure_tools, load_average, machine_facts

ARTICLE = f"/blog/{SEED_ARTICLE}/"
PAGES = [  # key, label, method, path
    ("home", "Home", "GET", "/"),
    ("index", "Blog index", "GET", "/blog/"),
    ("tag", f"Tag page ({COMMON_TERM})", "GET", f"/blog/tag/{COMMON_TERM}/"),
    ("article", "Article", "GET", ARTICLE),
    ("search_rare", "Search, rare term", "GET", f"/search/?q={RARE_TERM}"),
    ("search_common", "Search, common term", "GET", f"/search/?q={COMMON_TERM}"),
    ("upvote", "Upvote (POST, new visitor)", "POST", f"{ARTICLE}upvote/"),
]
LIGHTHOUSE_PAGES = ["/", ARTICLE, "/help/", f"/search/?q={COMMON_TERM}"]
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
RESULTS, MEDIA = ROOT / "var" / "bench" / "results", ROOT / "var" / "bench" / "media"
HOP_BY_HOP = {"connection", "content-length", "date", "keep-alive", "server", "transfer-encoding"}


def page_cache_is_read() -> bool:
    """Whether the site's code reads IDARE_PAGE_CACHE (until it does, cache on and off are the same)."""
    packages = [d for d in ROOT.iterdir() if (d / "__init__.py").exists() and d.name not in ("bench", "tests")]
    return any("IDARE_PAGE_CACHE" in path.read_text(errors="ignore") for d in packages for path in d.rglob("*.py"))


def rate_settings() -> list[str]:
    """Every IDARE_*_RATE idare/settings.py reads: all are turned off, as one client makes all the load."""
    return sorted(set(re.findall(r"\bIDARE_[A-Z_]+_RATE\b", (ROOT / "idare" / "settings.py").read_text())))


class Site:
    """The environment shared by every process that runs the site: one secret and key per run."""

    def __init__(self, workers: int, threads: int) -> None:
        self.workers, self.threads, self.rates = workers, threads, dict.fromkeys(rate_settings(), "off")
        self.secret, self.fernet = secrets.token_urlsafe(50), Fernet.generate_key().decode()

    def inherited(self) -> dict[str, str]:
        ours = ("DJANGO_", "IDARE_", "BENCH_", "DATABASE_URL", "SITE_URL", "WEB_CONCURRENCY", "GUNICORN_THREADS")
        return {k: v for k, v in os.environ.items() if not k.startswith(ours)}

    def environment(self, size: int, port: int, page_cache: bool = True) -> dict[str, str]:
        return {
            **self.inherited(), **self.rates, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": self.secret,
            "IDARE_ENCRYPTION_KEYS": self.fernet, "DATABASE_URL": f"{POSTGRES}/idare_bench_{size}",
            "SITE_URL": f"http://127.0.0.1:{port}", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_HSTS_SECONDS": "0", "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_SERVE_MEDIA": "1", "DJANGO_MEDIA_ROOT": str(MEDIA), "IDARE_PAGE_CACHE": "1" if page_cache else "0",
            **self.gunicorn(),
        }

    def gunicorn(self) -> dict[str, str]:
        return {"WEB_CONCURRENCY": str(self.workers), "GUNICORN_THREADS": str(self.threads)}


def django_child(module: str, args: list[str], env: dict[str, str]) -> dict:
    """Runs one of the harness's Django-side modules and returns the JSON it reports."""
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT "))
    raise RuntimeError(f"{module} {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")


def build_series(knobs: Knobs) -> list[Series]:
    keys = {key for key, _, method, _ in PAGES if method == "GET"}
    unknown = set(knobs.cold_pages) - keys - {"all"}
    if unknown:
        raise SystemExit(f"BENCH_COLD_PAGES: unknown page(s) {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(sorted(keys))} or all")
    series = []
    for size in knobs.archives:
        for key, label, method, path in PAGES:
            if key in knobs.cold_pages or ("all" in knobs.cold_pages and method == "GET"):
                series.append(Series(size, key, f"{label} (page cache on)", method, path))
                series.append(Series(size, f"{key}:cold", f"{label} (page cache off)", method, path))
            else:
                series.append(Series(size, key, label, method, path))
    return series


def probe(series: Series, server: Server) -> None:
    """One request before the load: the status (only 2xx and 3xx are measured) and the bytes."""
    headers = {"Origin": server.base_url, "Accept": "application/json"} if series.method == "POST" else {}
    series.status, _, body = fetch(server.port, series.path, series.method, headers)
    series.raw_bytes, series.gzip_bytes = len(body), len(gzip.compress(body, 6))


def start_ceilings(processes: Processes, tools: Tools, site: Site, article: Server, folder: Path,
                   port: int) -> list[tuple[Baseline, Server]]:
    """The article's exact bytes and headers, fetched once from the running site, served from memory by a
    minimal WSGI app (gunicorn, same settings) and as a static file by nginx."""
    status, headers, body = fetch(article.port, ARTICLE)
    if status != 200:
        raise RuntimeError(f"the article answered {status}: no bytes for the ceilings")
    (folder / "ceiling").mkdir()
    (folder / "ceiling" / "body.html").write_bytes(body)
    kept = [(name, value) for name, value in headers if name.lower() not in HOP_BY_HOP]
    (folder / "ceiling" / "headers.json").write_text(json.dumps(kept))
    env = {**site.inherited(), **site.gunicorn(), "BENCH_CEILING_DIR": str(folder / "ceiling")}
    wsgi = processes.start("minimal WSGI app", gunicorn_command("bench.ceiling_app:application", port), port, env,
                           folder / "ceiling.log")
    started = [(Baseline("wsgi", "Minimal WSGI app, article bytes (gunicorn)", len(body)), wsgi)]
    if tools.nginx:
        server = start_nginx(processes, tools.nginx, folder / "nginx", port + 1, body)
        started.append((Baseline("nginx", "nginx, article bytes as a static file", len(body)), server))
    for _, server in started:
        wait_until_ready(server, "/")
    return started


def prepare_archives(run: Run, site: Site, ports: dict[int, tuple[int, int]]) -> None:
    """Each archive built or reused, and each page's queries counted on it."""
    for size in run.knobs.archives:
        print(f"archive of {size:,} posts…", flush=True)
        env = site.environment(size, ports[size][0], page_cache=False)
        info = django_child("bench.archive", [str(size), *(["--fresh"] if run.knobs.fresh else [])], env)
        run.archives[size] = info
        if info["reused"]:
            print(f"  reused in {info['seconds']} s (generated earlier in {info['generated_in']} s)", flush=True)
        else:
            steps = ", ".join(f"{step} {seconds} s" for step, seconds in info["steps"])
            print(f"  generated in {info['seconds']} s ({steps})", flush=True)
        pages = [s for s in run.series if s.archive == size]
        counts = django_child("bench.pagestats", [json.dumps({s.key: [s.method, s.path] for s in pages})], env)
        for s in pages:
            s.queries = counts[s.key]["queries"] if 200 <= counts[s.key]["status"] < 400 else None


def start_sites(processes: Processes, site: Site, run: Run, ports: dict[int, tuple[int, int]],
                folder: Path) -> dict[tuple[int, bool], Server]:
    """Per archive, the site with the page cache on and, when a page is measured without it, off."""
    any_cold = any(s.key.endswith(":cold") for s in run.series)
    servers = {}
    for size, (warm_port, cold_port) in ports.items():
        for cold, port in ((False, warm_port), (True, cold_port)):
            if cold and not any_cold:
                continue
            name = f"site, {size:,} posts, page cache {'off' if cold else 'on'}"
            servers[size, cold] = processes.start(name, gunicorn_command("idare.wsgi", port), port,
                                                  site.environment(size, port, page_cache=not cold),
                                                  folder / f"site-{port}.log")
    for server in servers.values():
        wait_until_ready(server, "/readyz")
    return servers


def measure(run: Run, tools: Tools, targets: list[tuple[Series | Baseline, Server, str]], folder: Path,
            log: Path) -> None:
    """Warm-up, then interleaved rounds: every URL and ceiling once per round."""
    knobs = run.knobs

    def load(server: Server, path: str, method: str, seconds: int) -> wrk.Measurement:
        measured = wrk.run(tools.wrk, server.base_url + path, wrk.script_for(folder, method, server.base_url),
                           seconds=seconds, threads=knobs.threads, connections=knobs.connections, log=log)
        drain(server)
        return measured

    if knobs.warmup:
        print(f"warming up every URL for {knobs.warmup} s…", flush=True)
        for item, server, path in targets:
            load(server, path, getattr(item, "method", "GET"), knobs.warmup)
    for number in range(1, knobs.rounds + 1):
        for item, server, path in targets:
            measured = load(server, path, getattr(item, "method", "GET"), knobs.duration)
            item.measurements.append(measured)
            label = f"{item.archive:,} posts · {item.label}" if isinstance(item, Series) else item.description
            report_progress(number, knobs.rounds, label, measured)


def run_lighthouse(run: Run, tools: Tools, server: Server, results: Path) -> None:
    assert tools.lighthouse is not None
    for number, path in enumerate(LIGHTHOUSE_PAGES):
        print(f"lighthouse {path}…", flush=True)
        status = fetch(server.port, path)[0]
        if status != 200:
            run.audits.append(lighthouse.Audit(path, dict.fromkeys(lighthouse.CATEGORIES), [],
                                               f"answered {status}: not audited"))
            continue
        audit = lighthouse.audit(tools.lighthouse, server.base_url + path, results / f"lighthouse-{number}.json")
        run.audits.append(dataclasses.replace(audit, url=path))


def main() -> None:
    # Ctrl-C even when started in the background (which ignores SIGINT), and SIGTERM or a closed
    # terminal, all unwind through the `with` blocks below, which stop every server.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, lambda number, _: sys.exit(128 + number))
    knobs, clock = Knobs.from_environment(), time.monotonic()
    series = build_series(knobs)
    estimate = (knobs.rounds * knobs.duration + knobs.warmup) * (len(series) + 2) / 60
    print(f"bench: {len(series)} URLs over {len(knobs.archives)} archives and 2 ceilings, {knobs.rounds} rounds of "
          f"{knobs.duration} s: about {estimate:.0f} min of load, plus archives and Lighthouse", flush=True)
    tools = ensure_tools(knobs.lighthouse)
    with psycopg.connect(f"{POSTGRES}/postgres") as conn:
        postgres_version = conn.execute("SHOW server_version").fetchone()[0]
    run = Run(knobs, machine_facts(postgres_version), dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
              load_average(), series=series, page_cache_read=page_cache_is_read(), missing=tools.missing)
    results = RESULTS / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    results.mkdir(parents=True)
    MEDIA.mkdir(parents=True, exist_ok=True)
    site = Site(knobs.workers, knobs.server_threads)
    ports = {size: (knobs.port_base + 2 * i, knobs.port_base + 2 * i + 1) for i, size in enumerate(knobs.archives)}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True,
                   env=site.environment(knobs.archives[0], ports[knobs.archives[0]][0]))
    prepare_archives(run, site, ports)

    with tempfile.TemporaryDirectory(prefix="idare-bench-") as tmp, Processes() as processes:
        folder = Path(tmp)
        folder.chmod(0o755)  # nginx's workers run as nobody and read the article from here
        servers = start_sites(processes, site, run, ports, folder)
        for s in series:
            probe(s, servers[s.archive, s.key.endswith(":cold")])
        smallest = servers[knobs.archives[0], False]
        ceilings = start_ceilings(processes, tools, site, smallest, folder, knobs.port_base + 2 * len(knobs.archives))
        run.baselines = [baseline for baseline, _ in ceilings]
        targets = [(s, servers[s.archive, s.key.endswith(":cold")], s.path) for s in series if s.measured]
        measure(run, tools, [*targets, *((b, server, "/") for b, server in ceilings)], folder, results / "wrk.log")
        if tools.lighthouse:
            run_lighthouse(run, tools, smallest, results)
    run.load_after, run.minutes = load_average(), (time.monotonic() - clock) / 60
    (results / "results.json").write_text(json.dumps(dataclasses.asdict(run), indent=1, default=str))
    report = ROOT / knobs.report
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(carried_over(markdown(run), report.read_text() if report.exists() else ""))
    print("\n" + terminal_summary(run) + f"\n\nwrote {knobs.report}; raw results in {results.relative_to(ROOT)}/")


def report_progress(number: int, rounds: int, label: str, m: wrk.Measurement) -> None:
    flag = f"  !! {m.bad_status} bad status, {m.socket_errors} socket errors" if m.bad_status or m.socket_errors else ""
    print(f"[round {number}/{rounds}] {label:<58} {m.requests_per_second:>7.0f} req/s  p50 {m.p50_ms:>6.1f} ms  "
          f"p99 {m.p99_ms:>6.1f} ms{flag}", flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
