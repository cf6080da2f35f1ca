# gunicorn settings shared by `make serve` and the Docker image.
import os


def usable_cpus() -> int:
    """The CPUs this process may run on (a container's or taskset's share), not the host's count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Workers: 2 per usable CPU + 1 (gunicorn's rule of thumb), at most 8 unless WEB_CONCURRENCY says
# otherwise: each worker holds its own database connection per thread and its own page cache, so
# a big host must not open 100+ connections to PostgreSQL. Several app servers scale further.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * usable_cpus() + 1, 8)))
# Threads per worker; a connection holds a thread only once its whole request, headers and body (up
# to the site's size limit), is in (serving/gunicorn_worker.py), so clients that connect and trickle, or send
# nothing, stall no one. A request must be whole within GUNICORN_REQUEST_TIMEOUT seconds (default
# 20) of its first byte, its headers within GUNICORN_HEAD_TIMEOUT (10), and may not pause for
# `keepalive` seconds on the way, or it is answered 408 and closed. GUNICORN_BODY_BUFFER (64 MiB)
# bounds the bodies a worker holds while they arrive. The worker reads these three variables.
worker_class = "serving.gunicorn_worker.HeadFirstThreadWorker"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Each thread keeps its own database connection for DJANGO_CONN_MAX_AGE seconds, and each worker has
# one more for the page cache's version watcher: at most workers × (threads + 1) connections per
# server (40 with 8 workers of 4 threads): two servers stay inside PostgreSQL's default of 100.
timeout = 30
graceful_timeout = 20  # a stop or restart lets requests in flight finish for up to this long
keepalive = 5  # seconds an idle kept-alive connection (or one that has sent nothing) stays open
# Request lines up to 8 KB (gunicorn's default is 4 KB): a long search query is cut by the site and
# answered, not refused by the server with an error page outside the site's design.
limit_request_line = 8190
limit_request_fields = 50  # browsers send about 15
limit_request_field_size = 8190
# gunicorn 27's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl), shared by
# every instance on the machine, which a second instance takes over. Nothing here uses it.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# No client addresses, user agents, referrers or query strings in the logs: when, method, path, status,
# size and duration only (the privacy notice lists exactly these).
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
# The error log without client addresses or request lines (serving/logging_privacy.py).
logger_class = "serving.logging_privacy.PrivateGunicornLogger"
# The worker also leaves out gunicorn's "Server:" line (serving/gunicorn_worker.py says why and how).


def on_starting(server):
    """Before any worker starts: refuse encryption keys that are not this database's (core/crypto.py),
    then write this server's copy of what must not depend on the database
    (the crisis helplines for /help/ and the 503 page). A database that does not answer now leaves
    the last copy in place; the site still starts. Only for the site itself: the bench's ceiling app
    shares this file and must start exactly as it would alone."""
    if getattr(server.app, "app_uri", None) != "idare.wsgi":
        return
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idare.settings")
    django.setup()
    from django.db import connections

    from core.crypto import WrongKeys, check_keys
    from core.snapshots import refresh_all

    try:
        check_keys()
    except WrongKeys as exc:
        raise RuntimeError(f"{exc}\n{exc.hint}") from None  # gunicorn prints it and exits 1
    failed = refresh_all()
    if failed:
        server.log.warning("snapshots kept from before (the database did not answer): %s", ", ".join(failed))
    connections.close_all()  # the workers fork from here: none may inherit a connection
