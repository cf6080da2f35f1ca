"""The benchmark's settings, read from BENCH_* environment variables. The defaults make a full run
of about 10–15 minutes on a 2-core machine; smaller values make a quick smoke run."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

DEFAULT_ARCHIVES = (100, 10_000, 100_000)
PORT_RANGE = range(8850, 8870)  # the ports this harness may use on this machine


def _int(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise SystemExit(f"{name} must be at least {minimum}, not {value}")
    return value


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SystemExit(f"{name} must be 1 or 0, not {raw!r}")


def _archives() -> tuple[int, ...]:
    raw = os.environ.get("BENCH_ARCHIVES", "").strip()
    if not raw:
        return DEFAULT_ARCHIVES
    try:
        sizes = tuple(sorted({int(part.strip().replace("_", "")) for part in raw.split(",") if part.strip()}))
    except ValueError:
        raise SystemExit(f"BENCH_ARCHIVES must be comma-separated post counts, like 100,2000, not {raw!r}") from None
    if not sizes or sizes[0] < 10:
        raise SystemExit("BENCH_ARCHIVES needs at least one archive of 10 posts or more")
    return sizes


@dataclass(frozen=True)
class Knobs:
    archives: tuple[int, ...]  # BENCH_ARCHIVES: posts per generated archive
    duration: int  # BENCH_DURATION: seconds of load per URL per round
    warmup: int  # BENCH_WARMUP: seconds of load per URL before the first round
    rounds: int  # BENCH_ROUNDS: interleaved rounds; medians are reported
    threads: int  # BENCH_THREADS: wrk -t
    connections: int  # BENCH_CONNECTIONS: wrk -c
    workers: int  # BENCH_WORKERS: WEB_CONCURRENCY for the site and the minimal WSGI app alike
    # BENCH_SERVER_THREADS: GUNICORN_THREADS for both. The run keeps six site servers up at once on one
    # PostgreSQL; with production's 4 threads they would hold 6 × 5 × (4 + 1) connections, past its 100.
    server_threads: int
    cold_pages: tuple[str, ...]  # BENCH_COLD_PAGES: pages also measured with the page cache off
    fresh: bool  # BENCH_FRESH: rebuild the archives even when they are up to date
    lighthouse: bool  # BENCH_LIGHTHOUSE: run Lighthouse on the smallest archive
    port_base: int  # BENCH_PORT_BASE: first of the ports used (all within 8850–8869)
    report: str  # BENCH_REPORT: where the Markdown report goes, relative to the project

    @classmethod
    def from_environment(cls) -> Knobs:
        cold = os.environ.get("BENCH_COLD_PAGES", "article")
        knobs = cls(
            archives=_archives(),
            duration=_int("BENCH_DURATION", 8),
            warmup=_int("BENCH_WARMUP", 2, minimum=0),
            rounds=_int("BENCH_ROUNDS", 3),
            threads=_int("BENCH_THREADS", 2),
            connections=_int("BENCH_CONNECTIONS", 32),
            workers=_int("BENCH_WORKERS", 5),
            server_threads=_int("BENCH_SERVER_THREADS", 2),
            cold_pages=tuple(page.strip() for page in cold.split(",") if page.strip()),
            fresh=_flag("BENCH_FRESH", False),
            lighthouse=_flag("BENCH_LIGHTHOUSE", True),
            port_base=_int("BENCH_PORT_BASE", PORT_RANGE.start),
            report=os.environ.get("BENCH_REPORT", "docs/PERFORMANCE.md"),
        )
        if knobs.connections < knobs.threads:
            raise SystemExit("BENCH_CONNECTIONS must be at least BENCH_THREADS (wrk gives each thread a connection)")
        if knobs.port_base not in PORT_RANGE or knobs.port_base + knobs.ports_needed - 1 not in PORT_RANGE:
            raise SystemExit(f"{knobs.ports_needed} ports from BENCH_PORT_BASE={knobs.port_base} leave "
                             f"{PORT_RANGE.start}–{PORT_RANGE.stop - 1}, the ports this harness may use")
        return knobs

    @property
    def ports_needed(self) -> int:
        return 2 * len(self.archives) + 2  # a cached and an uncached site per archive, and two ceilings

    def is_full_run(self) -> bool:
        """Whether these are the settings of a full run (a shorter run is labelled as a smoke run)."""
        return (self.archives == DEFAULT_ARCHIVES and self.duration >= 8 and self.rounds >= 3
                and self.warmup >= 2 and self.connections == 32 and self.threads == 2 and self.workers == 5)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)} | {"full_run": self.is_full_run()}

