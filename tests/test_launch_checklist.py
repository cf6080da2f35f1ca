"""The launch checklist: seeded from content/, shown in the admin with missing facts first and links to
where each is edited, and counted by `check --deploy`."""

import io
import re
import sys

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.checks import launch_facts_are_supplied
from core.models import LaunchFact
from tests.factories import make_staff
from tests.servers import PRODUCTION, run

CHECKLIST = "/admin/idare/launchfact/"


@pytest.fixture
def admin_client_(client, db):
    user = make_staff(username="root")
    client.force_login(user)
    return client, user


@pytest.mark.django_db
def test_import_seeds_the_facts_and_keeps_an_editor_answer(one_article_content, content_dir):
    fact = LaunchFact.objects.get(slug="registered-name")
    assert not fact.is_supplied and ("blog.page", "privacy") in fact.places
    fact.answer = "iDare Foundation, a Section 8 company"
    fact.save()
    out = io.StringIO()
    call_command("import_content", "--content-dir", str(content_dir), stdout=out)
    fact.refresh_from_db()
    assert fact.answer == "iDare Foundation, a Section 8 company" and fact.supplied_at is not None


@pytest.mark.django_db
def test_the_checklist_lists_missing_facts_first_with_links_that_resolve(one_article_content, admin_client_):
    client, user = admin_client_
    supplied = LaunchFact.objects.get(slug="registered-name")
    response = client.post(f"{CHECKLIST}{supplied.pk}/change/", {"answer": "iDare Foundation"})
    assert response.status_code == 302
    supplied.refresh_from_db()
    assert supplied.supplied_by == user and supplied.supplied_at is not None
    html = client.get(CHECKLIST).content.decode()
    states = re.findall(r'class="field-state">(\w+)<', html)
    assert states == sorted(states, key=lambda state: state != "Missing") and states[-1] == "Supplied"
    links = set(re.findall(r'href="(/admin/(?:blog|support|engage|idare)/[a-z]+/(?:\d+/change/)?)"', html))
    assert "/admin/support/provider/" in links and any("/change/" in link for link in links)
    for link in links:
        assert client.get(link).status_code == 200, link


@pytest.mark.django_db
def test_deploy_check_warns_while_facts_are_missing(one_article_content):
    missing = LaunchFact.objects.missing().count()
    assert missing
    [warning] = launch_facts_are_supplied(None)
    assert warning.id == "idare.W002" and str(missing) in warning.msg and "launch checklist" in warning.hint
    LaunchFact.objects.update(answer="given", supplied_at=timezone.now())
    assert launch_facts_are_supplied(None) == []


def test_deploy_check_is_silent_on_an_unmigrated_database(tmp_path):
    """As `make check-deploy` runs in CI: production settings, an empty SQLite, --fail-level WARNING."""
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 {**PRODUCTION, "DATABASE_URL": f"sqlite:///{empty}"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "idare.W002" not in result.stdout + result.stderr


def test_deploy_check_is_silent_without_a_database():
    assert launch_facts_are_supplied(None) == []  # no database access allowed here
