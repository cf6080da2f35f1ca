import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from hypothesis import settings as hypothesis_settings

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


@pytest.fixture
def content_dir(tmp_path) -> Path:
    """A copy of content/ that a test may change."""
    target = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, target)
    return target


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        "editor", "editor@example.com", "a long editor password", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client


@contextlib.contextmanager
def unreachable_database():
    """The default connection points at a database that is not there (a missing file, a closed
    port), as when the database server goes away under a running site."""
    working = connections["default"]
    settings_dict = {**working.settings_dict}
    if working.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-dir/idare.sqlite3"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT="1")
    broken = working.__class__(settings_dict, alias="default")
    connections["default"] = broken
    try:
        yield
    finally:
        broken.close()
        connections["default"] = working


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
