"""The tools the benchmark drives (Debian's wrk and nginx, npm's Lighthouse with Debian's chromium),
installed when they are missing and this machine allows it, and the facts about the machine that
go into the report."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
LIGHTHOUSE = BENCH_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = Path("/usr/bin/chromium")
DEBIAN_PACKAGES = {"wrk": "wrk", "nginx": "nginx"}  # command: package


@dataclass
class Tools:
    wrk: str
    nginx: str | None
    lighthouse: Path | None
    missing: list[str] = field(default_factory=list)  # what could not be had, and how to get it


def _apt_install(packages: list[str]) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Debian's policy-rc.d on this kind of machine keeps nginx's own service from starting.
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env, check=True, stdout=subprocess.DEVNULL)


def _npm_install() -> None:
    """Lighthouse, exactly as bench/package-lock.json pins it, into bench/node_modules (git-ignored)."""
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=BENCH_DIR, check=True,
                   stdout=subprocess.DEVNULL)


def ensure_tools(want_lighthouse: bool) -> Tools:
    missing_packages = [pkg for cmd, pkg in DEBIAN_PACKAGES.items() if shutil.which(cmd) is None]
    if missing_packages and os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing Debian packages: {' '.join(missing_packages)}", flush=True)
        _apt_install(missing_packages)
    wrk, nginx = shutil.which("wrk"), shutil.which("nginx")
    if wrk is None:
        raise SystemExit("wrk is missing and cannot be installed here: run `apt-get install wrk` as root")
    missing = [] if nginx else ["nginx (`apt-get install nginx` as root): the machine's ceiling is not measured"]
    lighthouse = None
    if want_lighthouse:
        if not LIGHTHOUSE.exists() and shutil.which("npm"):
            print("installing Lighthouse into bench/node_modules (npm ci)", flush=True)
            with contextlib.suppress(subprocess.CalledProcessError):  # said below
                _npm_install()
        if not LIGHTHOUSE.exists():
            missing.append("Lighthouse (`npm ci` in bench/, needs npm): Lighthouse is not run")
        elif not CHROMIUM.exists():
            missing.append("chromium (`apt-get install chromium` as root): Lighthouse is not run")
        else:
            lighthouse = LIGHTHOUSE
    return Tools(wrk=wrk, nginx=nginx, lighthouse=lighthouse, missing=missing)


def _first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "not available"
    lines = (done.stdout + done.stderr).strip().splitlines()
    return lines[0].strip() if lines else "unknown"


def _cpu() -> tuple[str, int]:
    text = Path("/proc/cpuinfo").read_text()
    models = re.findall(r"^model name\s*:\s*(.+)$", text, re.M)
    return (models[0].strip() if models else platform.processor() or "unknown"), os.cpu_count() or 0


def _memory() -> str:
    match = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    return f"{int(match.group(1)) / 1024 / 1024:.1f} GiB" if match else "unknown"


def _os() -> str:
    try:
        release = Path("/etc/os-release").read_text()
    except OSError:
        return platform.platform()
    match = re.search(r'^PRETTY_NAME="?([^"\n]+)"?', release, re.M)
    return f"{match.group(1) if match else 'Linux'}, kernel {platform.release()}"


def _lighthouse_version() -> str:
    package = BENCH_DIR / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text())["version"] if package.exists() else "not installed"


def machine_facts(postgres_version: str) -> dict[str, str]:
    cpu, cores = _cpu()
    return {
        "CPU": f"{cpu} ({cores} cores)",
        "Memory": _memory(),
        "OS": _os(),
        "Python": platform.python_version(),
        "Django": version("django"),
        "gunicorn": version("gunicorn"),
        "psycopg": version("psycopg"),
        "PostgreSQL": postgres_version,
        "wrk": _first_line(["wrk", "-v"]).split(" Copyright")[0],
        "nginx": _first_line(["nginx", "-v"]).replace("nginx version: ", ""),
        "Lighthouse": _lighthouse_version(),
        "Chromium": _first_line([str(CHROMIUM), "--version"]) if CHROMIUM.exists() else "not installed",
        "Node.js": _first_line(["node", "--version"]),
    }


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"
