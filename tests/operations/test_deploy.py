"""Production configuration, exercised the way it runs: fresh processes with their environment."""

import os
import sys
from pathlib import Path

import pytest

from tests.servers import PRODUCTION, ROOT, run


def test_without_a_secret_key_production_refuses_to_start_and_says_why():
    result = run([sys.executable, "manage.py", "check"], PRODUCTION, drop=["DJANGO_SECRET_KEY"])
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("keys", [None, "not-a-fernet-key"])
def test_without_a_valid_encryption_key_production_refuses_to_start_and_says_why(keys):
    env = {**PRODUCTION, "IDARE_ENCRYPTION_KEYS": keys} if keys else PRODUCTION
    result = run([sys.executable, "manage.py", "check"], env, drop=[] if keys else ["IDARE_ENCRYPTION_KEYS"])
    assert result.returncode != 0
    assert "IDARE_ENCRYPTION_KEYS" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_turning_off_hsts_outside_production_is_caught_by_the_checklist():
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 {**PRODUCTION, "DJANGO_SECURE_HSTS_SECONDS": "0", "DJANGO_SECURE_SSL_REDIRECT": "0"})
    assert result.returncode != 0 and "security.W004" in result.stderr + result.stdout


def test_without_a_mail_server_the_checklist_says_staff_would_never_hear_of_enquiries():
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION,
                 drop=["DJANGO_EMAIL_HOST"])
    assert result.returncode != 0 and "idare.W001" in result.stderr + result.stdout
    assert "DJANGO_EMAIL_HOST is not set" in result.stderr + result.stdout


@pytest.mark.parametrize(("name", "value", "message"), [
    ("DJANGO_EMAIL_BACKEND", "console", "DJANGO_EMAIL_BACKEND must be one of smtp, file"),
    ("IDARE_ENQUIRY_RATE", "lots", "IDARE_ENQUIRY_RATE: a rate looks like"),
    ("IDARE_CONTACT_RATE", "5 per hour", "IDARE_CONTACT_RATE: a rate looks like"),
    ("IDARE_ENQUIRY_RETENTION_DAYS", "forever", "IDARE_ENQUIRY_RETENTION_DAYS must be a whole number of days"),
    ("IDARE_ENQUIRY_RETENTION_DAYS", "0", "IDARE_ENQUIRY_RETENTION_DAYS must be a whole number of days"),
])
def test_malformed_enquiry_settings_are_refused_clearly(name, value, message):
    result = run([sys.executable, "manage.py", "check"], {**PRODUCTION, name: value})
    assert result.returncode != 0 and message in result.stderr


def test_a_malformed_boolean_is_refused_clearly():
    result = run([sys.executable, "manage.py", "check"], {**PRODUCTION, "DJANGO_SECURE_COOKIES": "maybe"})
    assert result.returncode != 0 and "DJANGO_SECURE_COOKIES must be a boolean" in result.stderr


def test_production_redirects_plain_http_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/help/")  # every page; the health probes answer a load balancer over HTTP (test_faults)
    assert response.status_code == 301 and response["Location"] == "https://testserver/help/"


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="needs a POSIX shell")
def test_docker_entrypoint_migrates_then_runs_the_command(tmp_path):
    database = tmp_path / "entrypoint.sqlite3"
    python_dir = str(Path(sys.executable).parent)
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{database}", "IMPORT_CONTENT": "1",
           "PATH": python_dir + os.pathsep + os.environ.get("PATH", ""), "DJANGO_MEDIA_ROOT": str(tmp_path / "m")}
    probe = ("from blog.models import Post; from django.db import connection; "
             "print(Post.objects.published().count(), 'blog_post' in connection.introspection.table_names())")
    result = run([str(ROOT / "docker/entrypoint.sh"), "python", "manage.py", "shell", "-c", probe], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "6 True"
    again = run([str(ROOT / "docker/entrypoint.sh"), "true"], env)  # idempotent on restart
    assert again.returncode == 0 and "No migrations to apply" in again.stdout


def test_dockerfile_declares_a_non_root_user_collectstatic_and_the_tested_entrypoint():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "USER idare" in dockerfile and "collectstatic" in dockerfile
    assert 'ENTRYPOINT ["/app/docker/entrypoint.sh"]' in dockerfile and "gunicorn" in dockerfile
