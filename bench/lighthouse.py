"""Lighthouse (npm, mobile emulation by default) with Debian's chromium, on loopback only. Its JSON
reports are kept; the four category scores, and any request that left this machine, are returned."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.tools import CHROMIUM

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
                "--disable-sync --no-first-run")
TIMEOUT = 240  # seconds for one page on a busy machine


@dataclass(frozen=True)
class Audit:
    url: str
    scores: dict[str, int | None]  # 0–100, None when Lighthouse could not score it
    foreign_requests: list[str]  # requests to anything but this machine (there must be none)
    error: str = ""


def audit(lighthouse: Path, url: str, output: Path) -> Audit:
    command = [
        str(lighthouse), url, "--output=json", f"--output-path={output}", "--quiet",
        f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
        "--no-enable-error-reporting", "--max-wait-for-load=60000",
    ]
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)  # its chromium goes with it, whatever happens
    try:
        log, _ = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        log = f"no report after {TIMEOUT} s"
    finally:
        with contextlib.suppress(ProcessLookupError):  # a chromium left behind, or everything on Ctrl-C
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    if process.returncode != 0 or not output.exists():
        return Audit(url, dict.fromkeys(CATEGORIES), [], f"lighthouse exited {process.returncode}: {log[-500:]}")
    return read_report(url, json.loads(output.read_text()))


def read_report(url: str, report: dict) -> Audit:
    scores = {}
    for name in CATEGORIES:
        score = report.get("categories", {}).get(name, {}).get("score")
        scores[name] = round(score * 100) if isinstance(score, int | float) else None
    requests = report.get("audits", {}).get("network-requests", {}).get("details", {}).get("items", [])
    foreign = sorted({item["url"] for item in requests if not _is_local(item.get("url", ""))})
    error = report.get("runtimeError", {}).get("message", "")
    return Audit(url, scores, foreign, error)


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about", "chrome", "chrome-extension") or parts.hostname in (
        "127.0.0.1", "localhost", "::1")
