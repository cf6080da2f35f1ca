import contextlib
import io
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from hypothesis import settings as hypothesis_settings

from tests.helpers import WATCHED, unreachable_database
from tests.servers import Cluster, free_port, pg_bin

# The fuzzers (tests/test_fuzz_forms.py) try the same examples on every run, and keep no example
# database: whether the suite is green is the code's doing, never the draw's. `make fuzz` loads the
# "fuzz" profile instead: many more examples, drawn at random from a seed it prints.
hypothesis_settings.register_profile("default", max_examples=30, derandomize=True, database=None)
hypothesis_settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "200")),
                                     derandomize=False, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_configure(config):
    # Tests create staff users; PBKDF2 is slow on purpose, which only costs time here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Static files straight from static/: the manifest needs collectstatic, which `make serve` runs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test has its own media folder, never the developer's media/ nor another test's files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def snapshot_dir(settings, tmp_path):
    """Each test starts with no snapshot (core/snapshots.py): its own folder and an empty cache."""
    from django.core.cache import cache

    settings.IDARE_SNAPSHOT_DIR = tmp_path / "snapshots"
    cache.clear()
    yield settings.IDARE_SNAPSHOT_DIR
    with contextlib.suppress(Exception):  # a test may have pointed the cache at a server that is down
        cache.clear()


@pytest.fixture
def content(db):
    """The real initial content from content/, imported as `make run` imports it."""
    call_command("import_content", stdout=io.StringIO())


def import_from_content(tmp_path: Path, *relative: str) -> None:
    """Only these files of the real content/ imported: the importer skips what a folder lacks."""
    part = tmp_path / "content-part"
    for name in relative:
        (part / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(settings.CONTENT_DIR / name, part / name)
    call_command("import_content", "--content-dir", str(part), stdout=io.StringIO())


@pytest.fixture
def helplines(db, tmp_path):
    """The real crisis lines (content/helplines.yaml) and nothing else: the numbers are the point,
    the articles, images and title cards the `content` fixture also makes are not."""
    import_from_content(tmp_path, "helplines.yaml")


@pytest.fixture
def phrases(db, tmp_path):
    """The seed crisis phrases and the helplines search shows beside them, and nothing else, with the
    help snapshot rebuilt (the test's transaction never commits, which is when an import rebuilds it)."""
    from core.snapshots import refresh_all

    folder = tmp_path / "content"  # tests import it again after editing a file in it
    folder.mkdir()
    for name in ("crisis_phrases.yaml", "helplines.yaml"):
        shutil.copyfile(settings.CONTENT_DIR / name, folder / name)
    call_command("import_content", "--content-dir", str(folder), stdout=io.StringIO())
    refresh_all()
    return folder


@pytest.fixture
def programmes(db, tmp_path):
    """The seeded Engage programmes and sessions (content/engage/programmes.yaml) and nothing else."""
    import_from_content(tmp_path, "engage/programmes.yaml")


@pytest.fixture
def one_article_content(db, tmp_path):
    """content/ with one article, the seed (building-trust-through-trust-issues), instead of all of
    them: every page, helpline, snippet and listing, for tests that walk the site's pages rather
    than read the articles (one hero to encode and one title card to draw instead of six)."""
    part = tmp_path / "one-article"
    shutil.copytree(settings.CONTENT_DIR, part, ignore=shutil.ignore_patterns("00[2-9]-*.md", "0[1-9]?-*.md"))
    for image in (part / "images").glob("*.jpg"):
        if image.name != "building-trust-through-trust-issues.jpg":
            image.unlink()
    call_command("import_content", "--content-dir", str(part), stdout=io.StringIO())


@pytest.fixture
def content_dir(tmp_path) -> Path:
    """A copy of content/ that a test may change."""
    target = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, target)
    return target


@pytest.fixture
def staff_client(client, db):
    """The test's client signed in as a superuser (tests/factories.py make_staff)."""
    from tests.factories import make_staff

    client.force_login(make_staff(username="editor"))
    return client


@pytest.fixture
def database_gone(db):
    with unreachable_database():
        yield


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> str:
    """Static files collected as `make serve` collects them (hashed names, the manifest), once per
    run: app servers started by tests (tests/servers.py) render pages with DJANGO_STATIC_ROOT set to it."""
    import os
    import subprocess
    import sys

    target = tmp_path_factory.mktemp("staticfiles")
    env = {**os.environ, "DJANGO_DEBUG": "1", "DJANGO_STATIC_ROOT": str(target)}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=Path(__file__).resolve().parent.parent, env=env, check=True)
    return str(target)


# --- the page cache and production's settings (tests/test_pagecache*.py, test_observatory, test_faults)

@pytest.fixture
def fresh_caches(settings):
    """The page cache on, empty, with the snapshots a page shows, as gunicorn starts (tests of
    serving/page_cache.py ask for it with usefixtures)."""
    from django.core import signals
    from django.db import close_old_connections

    from core.snapshots import refresh_all

    settings.IDARE_PAGE_CACHE = True
    settings.IDARE_PAGE_CACHE_CHECK = 0  # read the content version on every request unless a test says so
    caches["default"].clear()
    refresh_all()  # as gunicorn does at start-up: pages then find the snapshots they show
    # As Django's test client does: a request finishing must not close the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
    while WATCHED:
        WATCHED.pop().watcher.stop()



@pytest.fixture
def production(settings):
    """HTTPS with production's security settings, whatever the environment running the tests says."""
    from core.snapshots import refresh_all

    settings.SECURE_HSTS_SECONDS = 31_536_000  # a year, as production sends
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    refresh_all()
    return settings



@pytest.fixture
def wsgi_site(production):
    """The WSGI application as gunicorn calls it (the page cache in front), under production's settings."""
    from django.core import signals
    from django.db import close_old_connections

    from serving.page_cache import PageCacheHandler

    production.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    production.IDARE_PAGE_CACHE_CHECK = 0  # read the content version on each request: no watcher thread
    # As Django's test client does: a request finishing must not close the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield PageCacheHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# --- a PostgreSQL cluster of the test's own (tests/operations/test_outage_postgres.py, test_frozen_database)

@pytest.fixture(scope="module")
def cluster():
    """A throwaway PostgreSQL cluster of its own (initdb, on a free port), for tests that lock, freeze
    or stop the database under a running site."""
    if connection.vendor != "postgresql":
        pytest.skip("the outage is tried on PostgreSQL: set DATABASE_URL (CI does)")
    binaries = pg_bin()
    if binaries is None:
        pytest.skip("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
    # initdb refuses to run as root: the cluster then belongs to the postgres user, in a folder it owns.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    root = Path(tempfile.mkdtemp(prefix="idare-outage-"))
    if prefix:
        shutil.chown(root, "postgres")
    data, port = root / "data", free_port()
    subprocess.run([*prefix, str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                    "-E", "UTF8", "--no-sync"], check=True, capture_output=True, timeout=120)
    found = Cluster(binaries, data, port, prefix)
    found.ctl("-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off", "-l", str(root / "log"),
              "-w", "start")
    try:
        subprocess.run([*prefix, str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                        "idare"], check=True, capture_output=True, timeout=60)
        yield found
    finally:
        with_pid = (data / "postmaster.pid").exists()
        if with_pid:
            os.kill(found.postmaster_pid(), signal.SIGCONT)
            subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                           capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)
