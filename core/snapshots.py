"""Data rendered from the database and kept outside it, for pages that must not depend on it.

The crisis helplines have to show on /help/ and on the 503 page while the database is down or
hanging; the article's call to action is shown on every article without a query. Each such piece
of data is a *snapshot*: an app registers how to build it (one query), and it is rebuilt whenever
its rows change (after the transaction commits) and when a server starts.

A snapshot is kept twice: in a JSON file under IDARE_SNAPSHOT_DIR, which every worker of a server
reads, and in Django's cache, which every server shares once REDIS_URL is set. A reader takes
whichever copy is newer, so an edit on one server reaches the others through the cache, and a
server whose cache is gone still has its own file."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger("idare.snapshots")

_builders: dict[str, Callable[[], Any]] = {}
_file_memo: dict[Path, tuple[tuple[int, int, int], Snapshot]] = {}
_memo_lock = threading.Lock()


@dataclass(frozen=True)
class Snapshot:
    generated_at: float
    data: Any


def register(name: str, build: Callable[[], Any]) -> None:
    """`build()` reads the database and returns JSON-serializable data."""
    _builders[name] = build


def get(name: str, *, allow_database: bool = True) -> Any:
    """The newest copy of the snapshot. When there is none yet (a fresh server, a cleared cache),
    it is built from the database, unless `allow_database` is False (the 503 page): then None."""
    snapshot = newest(name)
    if snapshot is not None:
        return snapshot.data
    if not allow_database:
        return None
    return refresh(name)


def newest(name: str) -> Snapshot | None:
    copies = [copy for copy in (_from_cache(name), _from_file(name)) if copy is not None]
    return max(copies, key=lambda copy: copy.generated_at, default=None)


def refresh(name: str) -> Any:
    """Rebuild from the database and store both copies. Database errors are the caller's. Pages
    show snapshots, so every kept page is out of date once a new one is stored."""
    from serving.page_cache import bump_version

    data = _builders[name]()
    store(name, data)
    bump_version()
    return data


def refresh_on_commit(name: str) -> None:
    """Rebuild once the current transaction commits, so an edit that is rolled back (or a dry-run
    import) never reaches readers, and no reader can rebuild from the old rows after it."""
    transaction.on_commit(lambda: _refresh_quietly(name))


def refresh_all() -> list[str]:
    """At start-up: rebuild every snapshot; one that cannot be rebuilt keeps its last copy.
    Returns the names that failed."""
    return [name for name in sorted(_builders) if not _refresh_quietly(name)]


def store(name: str, data: Any) -> None:
    snapshot = Snapshot(generated_at=time.time(), data=data)
    payload = json.dumps({"generated_at": snapshot.generated_at, "data": data}, ensure_ascii=False)
    stored = False
    try:
        cache.set(_cache_key(name), payload, timeout=None)
        stored = True
    except Exception as exc:  # noqa: BLE001 - a cache outage must not stop the file from being written
        logger.warning("snapshot %s: the cache did not take it (%s)", name, exc.__class__.__name__)
    try:
        _write_file(_path(name), payload)
        stored = True
    except OSError as exc:
        logger.error("snapshot %s: cannot write %s (%s)", name, _path(name), exc.__class__.__name__)
    if not stored:
        raise OSError(f"snapshot {name} could be stored neither in the cache nor in a file")


def _refresh_quietly(name: str) -> bool:
    try:
        refresh(name)
    except Exception as exc:  # noqa: BLE001 - the last good copy stays; readers must never see an error
        logger.warning("snapshot %s: not rebuilt, the last copy stays (%s)", name, exc.__class__.__name__)
        return False
    return True


def _cache_key(name: str) -> str:
    return f"snapshot:{name}"


def _path(name: str) -> Path:
    return Path(settings.IDARE_SNAPSHOT_DIR) / f"{name}.json"


def _parse(payload: str | bytes) -> Snapshot | None:
    try:
        parsed = json.loads(payload)
        return Snapshot(generated_at=float(parsed["generated_at"]), data=parsed["data"])
    except (ValueError, KeyError, TypeError):
        return None


def _from_cache(name: str) -> Snapshot | None:
    try:
        payload = cache.get(_cache_key(name))
    except Exception as exc:  # noqa: BLE001 - without the cache, the file still answers
        logger.warning("snapshot %s: the cache did not answer (%s)", name, exc.__class__.__name__)
        return None
    return _parse(payload) if payload is not None else None


def _from_file(name: str) -> Snapshot | None:
    """Parsed once per version of the file and process: every page may read it."""
    path = _path(name)
    try:
        stat = path.stat()
    except OSError:
        return None
    version = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    with _memo_lock:
        memo = _file_memo.get(path)
    if memo is not None and memo[0] == version:
        return memo[1]
    try:
        snapshot = _parse(path.read_bytes())
    except OSError:
        return None
    if snapshot is not None:
        with _memo_lock:
            _file_memo[path] = (version, snapshot)
    return snapshot


def _write_file(path: Path, payload: str) -> None:
    """Write beside, then rename: a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(payload)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
