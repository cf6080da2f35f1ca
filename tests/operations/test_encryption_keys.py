"""The encryption keys are checked at start: valid Fernet keys that are not this database's would let
the site start and then fail on every enquiry, message and registration. The database keeps one
known value encrypted under its keys; `migrate`, `manage.py check --database default` and gunicorn's
start refuse keys that cannot decrypt it, and rotation keeps working."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection

from core.crypto import KNOWN_VALUE, WrongKeys, check_keys
from core.models import EncryptionKeyCheck
from support.models import Enquiry
from tests.factories import make_enquiry
from tests.servers import ROOT, gunicorn, request

pytestmark = pytest.mark.django_db


def stored_check() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {EncryptionKeyCheck._meta.db_table}")  # noqa: S608 - our table
        return cursor.fetchone()[0]


def test_a_fresh_database_records_a_check_that_is_not_the_key(settings):
    EncryptionKeyCheck.objects.all().delete()  # as a database before its first start
    check_keys()
    assert EncryptionKeyCheck.objects.get().value == KNOWN_VALUE
    raw = stored_check()
    assert KNOWN_VALUE not in raw and not any(key in raw for key in settings.IDARE_ENCRYPTION_KEYS)


def test_migrating_a_new_database_records_the_check():
    assert EncryptionKeyCheck.objects.count() == 1  # pytest-django's migrate made the test database


def test_valid_keys_that_are_not_this_databases_are_refused_saying_what_to_do(settings):
    settings.IDARE_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(WrongKeys) as refused:
        check_keys()
    assert "IDARE_ENCRYPTION_KEYS cannot decrypt what this database holds" in str(refused.value)
    assert "rotate_encryption_keys" in refused.value.hint
    with pytest.raises(SystemCheckError, match=r"idare.E001.*cannot decrypt what this database holds"):
        call_command("check", databases=["default"])


def test_a_database_from_before_the_check_is_judged_by_what_it_holds(settings):
    EncryptionKeyCheck.objects.all().delete()
    make_enquiry()
    settings.IDARE_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(WrongKeys, match="enquiries"):
        check_keys()
    assert not EncryptionKeyCheck.objects.exists()  # nothing recorded under the wrong key


def test_rotation_keeps_starting_and_the_old_key_can_then_go(settings):
    old_key, new_key = settings.IDARE_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    make_enquiry()
    before = stored_check()
    settings.IDARE_ENCRYPTION_KEYS = [new_key, old_key]
    check_keys()  # a new key put first, the old one still listed: starts
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "idare.EncryptionKeyCheck: 1 re-encrypted" in out.getvalue() and stored_check() != before
    settings.IDARE_ENCRYPTION_KEYS = [new_key]
    check_keys()
    assert Enquiry.objects.get().name == "Asha"
    settings.IDARE_ENCRYPTION_KEYS = [old_key]  # after rotation the old key alone is not this database's
    with pytest.raises(WrongKeys):
        check_keys()


# --- for real: migrate and gunicorn, each in its own process ---------------------------------------

@pytest.fixture
def migrated(tmp_path):
    """A database migrated (so its check recorded) under the test suite's key, with an enquiry."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "IDARE_STATE_DIR": str(tmp_path / "var")}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "shell", "-c", "from tests.factories import make_enquiry; "
                    "make_enquiry()"], cwd=ROOT, env=env, check=True)
    return env


def test_migrate_and_gunicorn_refuse_wrong_keys_and_start_with_rotated_ones(migrated, tmp_path, settings,
                                                                            collected_static):
    wrong = Fernet.generate_key().decode()
    env = {**migrated, "IDARE_ENCRYPTION_KEYS": wrong}
    migrate = subprocess.run([sys.executable, "manage.py", "migrate"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120)
    assert migrate.returncode != 0 and "idare.E001" in migrate.stderr and "rotate_encryption_keys" in migrate.stderr

    started = subprocess.run(
        [sys.executable, "-m", "gunicorn", "idare.wsgi", "--config", "gunicorn.conf.py", "--bind", "127.0.0.1:0",
         "--no-control-socket"],
        cwd=ROOT, env={**env, "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "WEB_CONCURRENCY": "1",
                       "DJANGO_STATIC_ROOT": collected_static},
        capture_output=True, text=True, timeout=60)  # before the check, it started and served: a timeout
    assert started.returncode == 1
    assert "cannot decrypt what this database holds" in started.stderr and "Nothing was changed" in started.stderr
    assert "Booting worker" not in started.stdout + started.stderr

    # The new key first and the database's key still listed: it starts and serves.
    keys = f"{wrong},{settings.IDARE_ENCRYPTION_KEYS[0]}"
    with gunicorn(tmp_path, IDARE_ENCRYPTION_KEYS=keys, DATABASE_URL=migrated["DATABASE_URL"],
                  IDARE_STATE_DIR=migrated["IDARE_STATE_DIR"], DJANGO_STATIC_ROOT=collected_static) as port:
        assert request(port, "GET", "/support/request/")[0] == 200
