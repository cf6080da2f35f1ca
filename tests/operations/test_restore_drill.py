"""The restore drill of docs/DEPLOY.md, run for real on PostgreSQL: back the database up with
pg_dump, restore it into a fresh database, start an app server on the copy, and it serves the same
pages, byte for byte, as a server on the original."""

import shutil
import subprocess
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from blog.models import Post, Vote
from tests import servers
from tests.servers import gunicorn, request

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PAGES = ["/", "/blog/", "/help/", "/support/", "/engage/"]


@pytest.fixture
def fresh_database_url():
    """The URL of a database that does not exist yet; dropped afterwards, whatever happened."""
    if connection.vendor != "postgresql":
        pytest.skip("the restore drill is for PostgreSQL: set DATABASE_URL (CI does)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("the restore drill needs PostgreSQL's client programs (pg_dump, pg_restore)")
    original = servers.test_database_url()
    url = f"{original.rsplit('/', 1)[0]}/{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    yield url
    maintenance = f"{original.rsplit('/', 1)[0]}/postgres"
    subprocess.run(["dropdb", "--if-exists", "--force", "--maintenance-db", maintenance, url.rsplit("/", 1)[1]],
                   check=True, capture_output=True)


def test_a_backup_restored_into_a_fresh_database_serves_the_same_pages(
        tmp_path, fresh_database_url, collected_static):
    call_command("import_content", verbosity=0)
    post = Post.objects.published().first()
    Vote.objects.toggle(post.pk, "a-voter-key-made-for-the-drill", "a-network-key-for-the-drill")
    pages = [*PAGES, post.get_absolute_url()]

    backup = tmp_path / "idare.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", backup, servers.test_database_url()],
                   check=True, capture_output=True)
    maintenance = f"{fresh_database_url.rsplit('/', 1)[0]}/postgres"
    subprocess.run(["createdb", "--maintenance-db", maintenance, fresh_database_url.rsplit("/", 1)[1]],
                   check=True, capture_output=True)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", fresh_database_url, backup],
                   check=True, capture_output=True)

    # No Redis: each server renders from its own database, so the copy cannot answer from the original's
    # cache. One public address for both, as the copy would take over the original's.
    common = {"REDIS_URL": "", "DJANGO_STATIC_ROOT": collected_static, "SITE_URL": "http://idare.test"}
    with (gunicorn(tmp_path, IDARE_STATE_DIR=str(tmp_path / "original"), **common) as original,
          gunicorn(tmp_path, IDARE_STATE_DIR=str(tmp_path / "restored"),
                   DATABASE_URL=fresh_database_url, **common) as restored):
        for page in pages:
            status, _, body = request(original, "GET", page)
            assert status == 200, page
            assert request(restored, "GET", page)[2] == body, f"{page} differs on the restored copy"
        state = f"{post.get_absolute_url()}upvote/state/"
        assert request(restored, "GET", state)[2] == request(original, "GET", state)[2] == \
            b'{"upvoted": false, "upvotes": 1}'
