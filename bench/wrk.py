"""Load with wrk on loopback, and what it measured. A small Lua `done()` prints wrk's own summary and
latency distribution as one JSON line, so nothing depends on the layout of its text report."""

from __future__ import annotations

import json
import statistics
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPORT_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_WRK {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""
# The upvote: a POST from the site's own page (Origin), asking for JSON, and never a cookie, so
# every request is a new visitor whose vote is inserted.
POST_LUA = """
wrk.method = "POST"
wrk.body = ""
wrk.headers["Origin"] = "{origin}"
wrk.headers["Accept"] = "application/json"
"""


@dataclass(frozen=True)
class Measurement:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    bad_status: int  # responses that were not 2xx or 3xx
    socket_errors: int  # connect, read, write errors and timeouts

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def parse_output(output: str) -> Measurement:
    """The JSON line REPORT_LUA prints, from wrk's whole standard output."""
    for line in output.splitlines():
        if line.startswith("BENCH_WRK "):
            data = json.loads(line.removeprefix("BENCH_WRK "))
            return Measurement(
                requests=data["requests"], seconds=data["duration_us"] / 1e6,
                p50_ms=data["p50_us"] / 1000, p90_ms=data["p90_us"] / 1000, p99_ms=data["p99_us"] / 1000,
                max_ms=data["max_us"] / 1000, bad_status=data["status"],
                socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
            )
    raise ValueError(f"wrk printed no summary:\n{output[-2000:]}")


def script_for(folder: Path, method: str, origin: str) -> Path:
    """The Lua script for one server and method, written on first use."""
    path = folder / f"{method.lower()}-{origin.rsplit(':', 1)[-1]}.lua"
    if not path.exists():
        path.write_text((POST_LUA.replace("{origin}", origin) if method == "POST" else "") + REPORT_LUA)
    return path


def run(wrk: str, url: str, script: Path, *, seconds: int, threads: int, connections: int,
        log: Path | None = None) -> Measurement:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
               "-s", str(script), url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if log is not None:
        with log.open("a") as out:
            out.write(f"$ {' '.join(command)}\n{done.stdout}{done.stderr}\n")
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed on {url} ({done.returncode}): {done.stderr.strip()}")
    return parse_output(done.stdout)


@dataclass(frozen=True)
class Summary:
    """The medians over rounds of one URL's measurements; errors are added up, not hidden."""

    rounds: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    bad_status: int
    socket_errors: int
    empty_rounds: int  # rounds that completed no request at all (too short for the page's latency)

    @property
    def has_errors(self) -> bool:
        return bool(self.bad_status or self.socket_errors)


def summarise(measurements: Sequence[Measurement]) -> Summary:
    answered = [m for m in measurements if m.requests] or list(measurements)
    return Summary(
        rounds=len(measurements),
        requests_per_second=statistics.median(m.requests_per_second for m in measurements),
        p50_ms=statistics.median(m.p50_ms for m in answered),
        p99_ms=statistics.median(m.p99_ms for m in answered),
        bad_status=sum(m.bad_status for m in measurements),
        socket_errors=sum(m.socket_errors for m in measurements),
        empty_rounds=sum(1 for m in measurements if not m.requests),
    )
