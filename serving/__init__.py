"""The serving stack: how a finished page reaches a reader fast and safely, whatever is down.

The page cache in front of Django, the HTTP caching headers views declare, the cache backends that
answer as a miss while Redis is away, the middleware, the gunicorn worker, the database backend
with a deadline on every answer, logs without personal data, and where uploads are stored."""
