"""docs/PERFORMANCE.md and the summary printed at the end of a run, written from the run's numbers,
including an honest list of what falls short of the issue's targets."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.knobs import Knobs
from bench.lighthouse import CATEGORIES, Audit
from bench.wrk import Measurement, Summary, summarise

# The targets (medians of a run).
WARM_ARTICLE_FLOOR, WARM_ARTICLE_GOAL = 0.60, 0.80  # of the minimal WSGI app's requests per second
COLD_ARTICLE_FLOOR = 0.05
SCALING_LIMIT = 1.5  # p50 at the largest archive over p50 at the smallest
SCALING_PAGES = ("home", "index", "tag", "article", "search_rare")
QUERY_BUDGET = 6  # queries on a cache miss
ARTICLE_GZIP_BUDGET = 15 * 1024


class Rounds:
    """Something loaded once per round: its measurements, and their medians."""

    measurements: list[Measurement]

    @property
    def summary(self) -> Summary | None:
        return summarise(self.measurements) if self.measurements else None


@dataclass
class Series(Rounds):
    """One URL on one archive's server, and what was measured of it."""

    archive: int
    key: str  # "article", "article:cold", …
    label: str
    method: str
    path: str
    status: int = 0
    raw_bytes: int = 0
    gzip_bytes: int = 0
    queries: int | None = None
    measurements: list[Measurement] = field(default_factory=list)

    @property
    def measured(self) -> bool:
        return 200 <= self.status < 400


@dataclass
class Baseline(Rounds):
    """A ceiling: the article's bytes served by the minimal WSGI app or by nginx."""

    name: str
    description: str
    raw_bytes: int
    measurements: list[Measurement] = field(default_factory=list)


@dataclass
class Run:
    knobs: Knobs
    machine: dict[str, str]
    started: str
    load_before: str
    load_after: str = ""
    minutes: float = 0.0
    archives: dict[int, dict] = field(default_factory=dict)  # size: what bench.archive reported
    series: list[Series] = field(default_factory=list)
    baselines: list[Baseline] = field(default_factory=list)
    audits: list[Audit] = field(default_factory=list)
    page_cache_read: bool = False
    missing: list[str] = field(default_factory=list)

    def ceiling(self) -> Summary | None:
        return next((b.summary for b in self.baselines if b.name == "wsgi"), None)

    def find(self, archive: int, key: str) -> Series | None:
        return next((s for s in self.series if s.archive == archive and s.key == key), None)


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _ratio(series: Series, ceiling: Summary | None) -> float | None:
    if ceiling is None or series.summary is None or not ceiling.requests_per_second:
        return None
    return series.summary.requests_per_second / ceiling.requests_per_second


def _errors(summary: Summary) -> str:
    problems = [f"{summary.bad_status} bad status" if summary.bad_status else "",
                f"{summary.socket_errors} socket" if summary.socket_errors else "",
                f"{summary.empty_rounds} empty rounds" if summary.empty_rounds else ""]
    return ", ".join(f"**{p}**" for p in problems if p) or "0"


def archive_table(run: Run, size: int) -> list[str]:
    lines = ["| page | method and path | status | req/s | p50 ms | p99 ms | errors | queries | bytes | gzip bytes "
             "| of ceiling |", "|---|---|---|---:|---:|---:|---|---:|---:|---:|---:|"]
    for s in (s for s in run.series if s.archive == size):
        queries = "" if s.queries is None else str(s.queries)
        if s.summary is None:
            reason = "not measured" if not s.measured else "no data"
            lines.append(f"| {s.label} | `{s.method} {s.path}` | **{s.status}** | {reason} | | | | {queries} "
                         f"| {s.raw_bytes:,} | {s.gzip_bytes:,} | |")
            continue
        ratio = _ratio(s, run.ceiling())
        lines.append(f"| {s.label} | `{s.method} {s.path}` | {s.status} | {s.summary.requests_per_second:,.0f} "
                     f"| {_ms(s.summary.p50_ms)} | {_ms(s.summary.p99_ms)} | {_errors(s.summary)} | {queries} "
                     f"| {s.raw_bytes:,} | {s.gzip_bytes:,} | {'' if ratio is None else f'{ratio:.1%}'} |")
    return lines


def baseline_table(run: Run) -> list[str]:
    lines = ["| baseline | req/s | p50 ms | p99 ms | errors | bytes |", "|---|---:|---:|---:|---|---:|"]
    for b in run.baselines:
        if b.summary is None:
            lines.append(f"| {b.description} | not measured | | | | {b.raw_bytes:,} |")
        else:
            lines.append(f"| {b.description} | {b.summary.requests_per_second:,.0f} | {_ms(b.summary.p50_ms)} "
                         f"| {_ms(b.summary.p99_ms)} | {_errors(b.summary)} | {b.raw_bytes:,} |")
    return lines


def scaling(run: Run) -> list[tuple[str, list[float | None], float | None]]:
    """(page, p50 at each archive, p50 at the largest over p50 at the smallest) for every page."""
    sizes = sorted(run.archives)
    rows = []
    for s in (s for s in run.series if s.archive == sizes[0]):
        p50s = []
        for size in sizes:
            other = run.find(size, s.key)
            p50s.append(other.summary.p50_ms if other and other.summary else None)
        ratio = p50s[-1] / p50s[0] if p50s[0] and p50s[-1] is not None else None
        rows.append((s.key, p50s, ratio))
    return rows


def scaling_table(run: Run) -> list[str]:
    sizes = sorted(run.archives)
    labels = {s.key: s.label for s in run.series}
    head = " | ".join(f"p50 ms at {size:,}" for size in sizes)
    lines = [f"| page | {head} | largest / smallest |", "|---|" + "---:|" * (len(sizes) + 1)]
    for key, p50s, ratio in scaling(run):
        cells = " | ".join("not measured" if p is None else _ms(p) for p in p50s)
        mark = "" if ratio is None else f"{ratio:.2f}×" + (" **over 1.5×**" if key in SCALING_PAGES
                                                               and ratio > SCALING_LIMIT else "")
        lines.append(f"| {labels[key]} | {cells} | {mark} |")
    return lines


def lighthouse_table(run: Run) -> list[str]:
    lines = ["| page | " + " | ".join(CATEGORIES) + " | requests off this machine | note |",
             "|---|" + "---:|" * len(CATEGORIES) + "---:|---|"]
    for audit in run.audits:
        cells = " | ".join("–" if audit.scores[c] is None else str(audit.scores[c]) for c in CATEGORIES)
        lines.append(f"| `{audit.url}` | {cells} | {len(audit.foreign_requests)} | {audit.error[:120]} |")
    return lines


def shortfalls(run: Run) -> list[str]:
    """What the numbers say against the issue's targets, in plain sentences."""
    notes: list[str] = []
    sizes, ceiling = sorted(run.archives), run.ceiling()
    if not run.knobs.is_full_run():
        notes.append("This is a **short run** (see the settings above): its figures show that the harness works, "
                     "not how fast the site is. Compare full runs on a quiet machine only.")
    if not run.page_cache_read:
        spreads = []
        for size in sizes:
            warm, cold = run.find(size, "article"), run.find(size, "article:cold")
            if warm and cold and warm.summary and cold.summary:
                rates = warm.summary.requests_per_second, cold.summary.requests_per_second
                spreads.append(f"{abs(rates[0] - rates[1]) / max(*rates, 1):.0%} at {size:,} posts")
        notes.append("The site does not read `IDARE_PAGE_CACHE` yet (no application page cache): the article "
                     "\"page cache on\" and \"page cache off\" rows measure the same code"
                     + (f"; their requests per second differ by {', '.join(spreads)}, a measure of this run's noise."
                        if spreads else "."))
    elif "all" not in run.knobs.cold_pages:
        notes.append("Rows without \"page cache off\" are measured as the site is served, page cache on: a miss "
                     "shows only in their queries. `BENCH_COLD_PAGES=all` measures every page with it off too.")
    unmeasured: dict[tuple[str, str, int], list[int]] = {}
    for s in run.series:
        if not s.measured:
            unmeasured.setdefault((s.method, s.path, s.status), []).append(s.archive)
        elif s.summary and s.summary.has_errors:
            notes.append(f"**{s.label}** at {s.archive:,} posts had errors under load: {s.summary.bad_status} "
                         f"responses that were not 2xx/3xx, {s.summary.socket_errors} socket errors.")
        if s.summary and s.summary.empty_rounds:
            notes.append(f"**{s.label}** at {s.archive:,} posts completed no request in {s.summary.empty_rounds} of "
                         f"{s.summary.rounds} rounds: BENCH_DURATION is too short for its latency.")
    for (method, path, status), where in unmeasured.items():
        notes.append(f"`{method} {path}` answered {status} (at {', '.join(f'{n:,}' for n in where)} posts): "
                     "**not measured**.")
    if ceiling:
        for size in sizes:
            for key, floor, what in (("article", WARM_ARTICLE_FLOOR, "warm article"),
                                     ("article:cold", COLD_ARTICLE_FLOOR, "cold article")):
                s = run.find(size, key)
                ratio = _ratio(s, ceiling) if s else None
                if ratio is None:
                    continue
                verdict = "meets" if ratio >= floor else "**falls short of**"
                goal = f" (goal {WARM_ARTICLE_GOAL:.0%})" if key == "article" else ""
                notes.append(f"The {what} at {size:,} posts serves {ratio:.2%} of the minimal WSGI app's rate: "
                             f"{verdict} the {floor:.0%} target{goal}.")
        nginx = next((b.summary for b in run.baselines if b.name == "nginx"), None)
        if nginx and nginx.requests_per_second:
            notes.append(f"The minimal WSGI app reaches {ceiling.requests_per_second / nginx.requests_per_second:.0%}"
                         " of nginx serving the same bytes: what gunicorn and Python cost per request with the "
                         "worker class of gunicorn.conf.py: a limit of the serving stack, not of the application.")
    if len(sizes) > 1:
        labels = {s.key: s.label for s in run.series}
        over = [f"{labels[key]} ({ratio:.2f}×)" for key, _, ratio in scaling(run)
                if key in SCALING_PAGES and ratio is not None and ratio > SCALING_LIMIT]
        notes.append(f"p50 at {sizes[-1]:,} posts over p50 at {sizes[0]:,}: " + (
            f"over {SCALING_LIMIT}× for {', '.join(over)}." if over
            else f"within {SCALING_LIMIT}× for every page with that target that was measured."))
    heavy = sorted({f"{s.label} ({s.queries})" for s in run.series if s.method == "GET" and s.queries is not None
                    and s.queries > QUERY_BUDGET and s.archive == sizes[-1]})
    if heavy:
        notes.append(f"Pages with more than {QUERY_BUDGET} queries on a cache miss at {sizes[-1]:,} posts: "
                     f"{', '.join(heavy)}.")
    article = run.find(sizes[0], "article")
    if article and article.gzip_bytes > ARTICLE_GZIP_BUDGET:
        notes.append(f"The article's HTML is {article.gzip_bytes:,} bytes gzipped: over the 15 KB budget.")
    below = [f"{a.url} {c} {a.scores[c]}" for a in run.audits for c in CATEGORIES
             if a.scores[c] is not None and a.scores[c] < 100]
    if below:
        notes.append("Lighthouse below 100: " + "; ".join(below) + ".")
    foreign = sorted({u for a in run.audits for u in a.foreign_requests})
    if foreign:
        notes.append("**Requests left this machine** during Lighthouse: " + ", ".join(foreign[:5]) + ".")
    notes += [f"Missing tool: {what}." for what in run.missing]
    notes.append(f"Load average (1/5/15 min) was {run.load_before} at the start and {run.load_after} at the end, "
                 f"on {run.machine.get('CPU', 'this machine')}: figures from a loaded machine read low.")
    return notes


def markdown(run: Run) -> str:
    k = run.knobs
    kind = "a full run" if k.is_full_run() else "a **smoke run** (shorter or smaller than the defaults)"
    out = [
        "# Performance", "",
        f"Written by `make bench` on {run.started}, {kind}, in {run.minutes:.1f} minutes. "
        "Every figure is a median over interleaved rounds, measured from outside with wrk on loopback.", "",
        "Run it with `make bench` (about 10–15 minutes with the defaults). Knobs: `BENCH_ARCHIVES` "
        "(post counts, default 100,10000,100000), `BENCH_DURATION` (seconds per URL per round, 8), "
        "`BENCH_ROUNDS` (3), `BENCH_WARMUP` (2), `BENCH_THREADS`/`BENCH_CONNECTIONS` (wrk -t/-c, 2/32), "
        "`BENCH_WORKERS` (gunicorn workers, 5), `BENCH_SERVER_THREADS` (gunicorn threads, 2), "
        "`BENCH_COLD_PAGES` (pages also measured with the page cache "
        "off: article), `BENCH_LIGHTHOUSE` (1), `BENCH_FRESH` (1 rebuilds the archives), `BENCH_PORT_BASE` (8850).",
        "", "## How to read this / what falls short", "", *(f"- {note}" for note in shortfalls(run)), "",
        "## The machine", "", "| | |", "|---|---|", *(f"| {name} | {value} |" for name, value in run.machine.items()),
        "", "## The run", "", "| setting | value |", "|---|---|",
        f"| archives | {', '.join(f'{n:,}' for n in k.archives)} posts |",
        f"| load per URL | {k.duration} s × {k.rounds} interleaved rounds, after {k.warmup} s of warm-up |",
        f"| wrk | `-t{k.threads} -c{k.connections} --latency`, loopback, kept alive as gunicorn.conf.py allows |",
        f"| gunicorn | `-c gunicorn.conf.py`, WEB_CONCURRENCY={k.workers}, GUNICORN_THREADS={k.server_threads}, "
        "for the site and the minimal WSGI app alike |",
        "| site | PostgreSQL, DEBUG off, rate limits off, `IDARE_PAGE_CACHE=1` except rows marked page cache off |",
        "| Lighthouse | mobile emulation and simulated throttling (its defaults), Debian's chromium, headless |",
        *(f"| archive {n:,} | {_archive_note(info)} |" for n, info in sorted(run.archives.items())),
        "", "Queries are counted in-process (Django's CaptureQueriesContext, page cache off, second request); "
        "bytes are the HTML as served, raw and gzipped (level 6); \"of ceiling\" is requests per second over "
        "the minimal WSGI app's.", "",
        "## Ceilings", "", *baseline_table(run), "",
    ]
    for size in sorted(run.archives):
        out += [f"## Archive of {size:,} posts", "", *archive_table(run, size), ""]
    if len(run.archives) > 1:
        out += [f"## Scaling: p50 at {max(run.archives):,} posts over p50 at {min(run.archives):,}", "",
                *scaling_table(run), ""]
    out += [f"## Lighthouse (mobile, {min(run.archives):,}-post archive)", ""]
    out += [*lighthouse_table(run), "", "Lighthouse's performance score simulates a slow phone from what it observed: "
            "on a busy machine, long main-thread tasks (Total Blocking Time) lower it. The other three do not "
            "depend on load."] if run.audits else ["Not run (see above)."]
    out += ["", "The JSON reports and wrk's own output are kept in `var/bench/results/` (not in git)."]
    return "\n".join(out) + "\n"


def _archive_note(info: dict) -> str:
    steps = ", ".join(f"{name} {seconds} s" for name, seconds in info.get("steps", []))
    built = f"generated in {info.get('generated_in', info['seconds'])} s ({steps})"
    how = f"reused, built earlier: {built}" if info.get("reused") else built
    return (f"{info['published']:,} published of {info['posts']:,} posts, {info['tags']} tags, "
            f"{info['posts_on_trust_tag']:,} on the measured tag, {info['posts_with_rare_term']} with the rare term; "
            f"{how}")


def terminal_summary(run: Run) -> str:
    ceiling = run.ceiling()
    lines = [f"{'archive':>8}  {'page':<34}{'status':>7}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'SQL':>5}"
             f"{'KB gz':>7}{'ceil':>7}"]
    for s in run.series:
        summary, ratio = s.summary, _ratio(s, ceiling)
        numbers = (f"{summary.requests_per_second:>9.0f}{summary.p50_ms:>9.1f}{summary.p99_ms:>9.1f}"
                   if summary else f"{'–':>9}{'–':>9}{'–':>9}")
        lines.append(f"{s.archive:>8}  {s.label:<34}{s.status:>7}{numbers}{'' if s.queries is None else s.queries:>5}"
                     f"{s.gzip_bytes / 1024:>7.1f}{'' if ratio is None else f'{ratio:.0%}':>7}")
    for b in run.baselines:
        if b.summary:
            lines.append(f"{'':>8}  {b.description:<34}{200:>7}{b.summary.requests_per_second:>9.0f}"
                         f"{b.summary.p50_ms:>9.1f}{b.summary.p99_ms:>9.1f}")
    for audit in run.audits:
        lines.append(f"lighthouse {audit.url}: " + ", ".join(f"{c} {audit.scores[c]}" for c in CATEGORIES))
    lines += ["", *(f"- {note}" for note in shortfalls(run))]
    return "\n".join(lines)


# docs/PERFORMANCE.md is shared: `make bench` writes all of it but the loadtest's section, which
# `make loadtest` writes between these markers.
START, END = "<!-- loadtest -->", "<!-- /loadtest -->"


def replace_section(document: str, new: str) -> str:
    """The document with its loadtest section replaced by `new` (appended when it has none); every
    other part is kept byte for byte."""
    start, end = document.find(START), document.find(END)
    if start == -1 or end < start:
        return document.rstrip("\n") + "\n\n" + new + "\n"
    return document[:start] + new + document[end + len(END):]


def carried_over(document: str, previous: str) -> str:
    """`document` (the bench's new report) with the loadtest section of `previous`, if it had one."""
    start, end = previous.find(START), previous.find(END)
    if start == -1 or end < start:
        return document
    return replace_section(document, previous[start:end + len(END)])
