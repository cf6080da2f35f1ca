"""Django's Redis cache, for a site where the cache is only ever a shortcut.

Everything iDare keeps in the cache (finished pages, the helpline snapshot) can be had again from
the database or a file, so a Redis that is down or unreachable must cost a page nothing but the
shortcut: every operation then answers as a miss (get → default, add → False, ...) instead of
raising. After a failure Redis is left alone for a few seconds, so an unreachable server costs one
short timeout per process and interval, not one per cache call; the outage and the recovery are
each logged once, in one line without the server's address."""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("idare.cache")
RETRY_SECONDS = 5.0
MISSING = object()


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        # A cache call waits at most this long for Redis; the database is the real answer anyway.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._state = threading.Lock()

    def _call(self, fallback, operation, *args, **kwargs):
        if self._down_since is not None and time.monotonic() < self._retry_at:
            return fallback
        try:
            result = operation(*args, **kwargs)
        except (RedisError, OSError) as exc:
            with self._state:
                if self._down_since is None:
                    self._down_since = time.monotonic()
                    logger.warning("cache: Redis did not answer (%s); serving without it", exc.__class__.__name__)
                self._retry_at = time.monotonic() + RETRY_SECONDS
            return fallback
        if self._down_since is not None:
            with self._state:
                if self._down_since is not None:
                    logger.warning("cache: Redis answers again after %.0f s", time.monotonic() - self._down_since)
                    self._down_since = None
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._call(MISSING, super().incr, key, delta, version)
        if result is MISSING:  # as Django answers for a key it does not have
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(None, super().delete_many, keys, version)

    def clear(self):
        return self._call(False, super().clear)


class BoundedLocMemCache(LocMemCache):
    """Django's local-memory cache, bounded in bytes (OPTIONS["MAX_BYTES"]) as well as in entries:
    what one process keeps when there is no Redis, whatever the size of each page. The least
    recently used entries go first; a value larger than the whole bound is not kept."""

    def __init__(self, name, params):
        super().__init__(name, params)
        self._max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 64 * 1024 * 1024))

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        if len(value) > self._max_bytes:
            self._delete(key)
            return
        super()._set(key, value, timeout)
        total = sum(map(len, self._cache.values()))  # at most MAX_ENTRIES of them
        while total > self._max_bytes:
            oldest, pickled = self._cache.popitem()  # the end: least recently used
            self._expire_info.pop(oldest, None)
            total -= len(pickled)
