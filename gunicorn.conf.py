# gunicorn settings shared by `make serve` and the Docker image.
import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = 30
# Request lines up to 8 KB (gunicorn's default is 4 KB): a long search query is cut by the site and
# answered, not refused by the server with an error page outside the site's design.
limit_request_line = 8190
graceful_timeout = 20
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# No client addresses, user agents, referrers or query strings in the logs: when, method, path, status,
# size and duration only (the privacy notice lists exactly these).
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"


def on_starting(server):
    """Before any worker starts: write this server's copy of what must not depend on the database
    (the crisis helplines for /help/ and the 503 page). A database that does not answer now leaves
    the last copy in place; the site still starts. Only for the site itself: the bench's ceiling app
    shares this file and must start exactly as it would alone."""
    if getattr(server.app, "app_uri", None) != "idare.wsgi":
        return
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idare.settings")
    django.setup()
    from django.db import connections

    from idare.snapshots import refresh_all

    failed = refresh_all()
    if failed:
        server.log.warning("snapshots kept from before (the database did not answer): %s", ", ".join(failed))
    connections.close_all()  # the workers fork from here: none may inherit a connection
