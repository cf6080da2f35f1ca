"""Database timeouts come from the environment: short for the web, longer for management commands."""

import subprocess
import sys

import pytest

from tests.servers import ROOT

PROBE = "from django.conf import settings; d = settings.DATABASES['default']; print(d['ENGINE'], d['OPTIONS'])"
ENV = {"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://idare@db.invalid:5432/idare", "PATH": "/usr/bin:/bin"}


def options(*, command: bool, **env) -> str:
    if command:
        args = [sys.executable, "manage.py", "shell", "-c", PROBE]
    else:
        args = [sys.executable, "-c", f"import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'idare.settings'; "
                                      f"django.setup(); {PROBE}"]
    result = subprocess.run(args, cwd=ROOT, env={**ENV, **env}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_web_gives_up_on_postgresql_within_seconds():
    web = options(command=False)
    assert "'connect_timeout': 2" in web and "-c statement_timeout=4000" in web
    # Whatever the server does, a page waits at most this long for an answer (serving/postgresql).
    assert web.startswith("serving.postgresql ") and "'answer_timeout': 4.5" in web
    assert "'keepalives': 1" in web


def test_management_commands_get_a_longer_statement_timeout():
    command = options(command=True)
    assert "-c statement_timeout=600000" in command and "'answer_timeout': 600.5" in command
    # The web's answer deadline is the web's only.
    assert "'answer_timeout': 600.5" in options(command=True, DATABASE_ANSWER_TIMEOUT="3")


def test_the_timeouts_follow_the_environment():
    tuned = options(command=False, DATABASE_CONNECT_TIMEOUT="3", DATABASE_STATEMENT_TIMEOUT="1.5")
    assert "'connect_timeout': 3" in tuned and "-c statement_timeout=1500" in tuned
    assert "'answer_timeout': 2.0" in tuned
    untimed = options(command=False, DATABASE_STATEMENT_TIMEOUT="0")
    assert "statement_timeout" not in untimed and "answer_timeout" not in untimed
    assert "'answer_timeout': 3.0" in options(command=False, DATABASE_ANSWER_TIMEOUT="3")


@pytest.mark.parametrize("value", ["soon", "-1"])
def test_a_malformed_timeout_is_refused_clearly(value):
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT,
                            env={**ENV, "DATABASE_STATEMENT_TIMEOUT": value}, capture_output=True, text=True)
    assert result.returncode != 0 and "DATABASE_STATEMENT_TIMEOUT must be a number of seconds" in result.stderr
