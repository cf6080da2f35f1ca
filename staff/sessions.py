"""Staff sessions: the only sessions the site hands out, and the only thing that turns the page cache
off for a request.

At a staff sign-in the session gets a mark (STAFF_MARK). The page cache (serving/page_cache.py) asks
`is_staff_session(key)` for a request that carries a session cookie, and answers anyone whose session
does not have the mark, or whose account is no longer active staff, as the anonymous reader they are.
What that costs is bounded: a cookie that is not shaped like a session key costs nothing, a forged
well-formed one costs one session lookup (one Redis GET with REDIS_URL, one indexed SELECT without),
and only a marked session costs a second one, for its account.

With REDIS_URL, sessions are read from Redis and written through to the database (`SessionStore`
below, Django's cached_db), under a keyed hash of the session key: whoever can list Redis's keys
learns nothing that signs them in."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends import cached_db
from django.db import DatabaseError, connection
from django.dispatch import receiver
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string

logger = logging.getLogger("idare.sessions")  # the name operators know it by, from before it moved
STAFF_MARK = "idare_staff"
SESSION_KEY_SHAPE = re.compile(r"[a-z0-9]{32}")  # what Django's get_random_string(32, ...) makes


class SessionStore(cached_db.SessionStore):
    """Django's cached_db, with the cache keyed by an HMAC of the session key, never the key itself."""

    cache_key_prefix = "idare.session:"

    def cache_name(self, session_key: str) -> str:
        return self.cache_key_prefix + salted_hmac("staff.sessions.cache", session_key, algorithm="sha256").hexdigest()

    @property
    def cache_key(self):
        return self.cache_name(self._get_or_create_session_key())

    async def acache_key(self):
        return self.cache_name(await self._aget_or_create_session_key())

    def exists(self, session_key):
        return bool(session_key and self.cache_name(session_key) in self._cache) or super(
            cached_db.SessionStore, self).exists(session_key)

    async def aexists(self, session_key):
        return bool(session_key and await self._cache.ahas_key(self.cache_name(session_key))) or await super(
            cached_db.SessionStore, self).aexists(session_key)

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        if session_key is None:
            return
        super(cached_db.SessionStore, self).delete(session_key)
        self._cache.delete(self.cache_name(session_key))

    async def adelete(self, session_key=None):
        session_key = session_key or self.session_key
        if session_key is None:
            return
        await super(cached_db.SessionStore, self).adelete(session_key)
        await self._cache.adelete(self.cache_name(session_key))

    def cached_data(self) -> dict:
        """What Redis holds for this session, without asking the database: the page cache's one
        lookup. A staff session Redis has dropped reads as a reader's until the next admin page
        (which reads the database and puts it back)."""
        return self._cache.get(self.cache_key) or {}


@receiver(user_logged_in, dispatch_uid="staff.sessions.mark_staff")
def mark_staff(sender, request, user, **kwargs) -> None:
    if request is not None and user.is_staff and user.is_active and hasattr(request, "session"):
        request.session[STAFF_MARK] = True


def is_staff_session(session_key: str) -> bool:
    """True only for a live session marked at a staff sign-in whose account is still active staff."""
    if not SESSION_KEY_SHAPE.fullmatch(session_key):
        return False
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)
    try:
        data = store.cached_data() if isinstance(store, SessionStore) else store.load()
        if not data.get(STAFF_MARK):
            return False
        user_id = get_user_model()._meta.pk.to_python(data.get("_auth_user_id"))
        return get_user_model()._default_manager.filter(pk=user_id, is_staff=True, is_active=True).exists()
    except DatabaseError:
        connection.close()  # the request goes on as a reader's; the next one opens a fresh connection
        return False
    except Exception:  # noqa: BLE001 - an unreadable session is nobody's: serve the reader's page
        logger.warning("page cache: a session could not be read", exc_info=False)
        return False
