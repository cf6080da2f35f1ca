"""The article's call to action is one editable snippet (idare.Snippet), shown on every article."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Snippet
from tests.factories import make_post, make_snippet
from tests.helpers import edit_file, run_import

pytestmark = pytest.mark.django_db


def call_to_action(response) -> str:
    html = response.content.decode()
    start = html.index(">", html.index('class="call-to-action"')) + 1
    section = html[start:html.index("</section>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", section).split())


@pytest.mark.usefixtures("one_article_content")
def test_the_seed_wording_is_the_snippets_initial_text(client):
    snippet = Snippet.objects.get(slug="article-call-to-action")
    assert "consider reaching out to our ‘[Support](/support/)’ and ‘[Engage](/engage/)’" in snippet.body
    text = call_to_action(client.get("/blog/building-trust-through-trust-issues/"))
    assert text == ("If you or someone you know is struggling with trust issues, mental health challenges, or is "
                    "curious about therapy and self-work, consider reaching out to our ‘ Support ’ and ‘ Engage ’ "
                    "verticals — designed for affordable and inclusive help.")


def test_an_article_without_a_topic_reads_naturally(client):
    make_snippet()
    assert call_to_action(client.get(make_post(cta_topic="").get_absolute_url())) == (
        "Struggling with something? Try Support and Engage ."
    )


def test_one_edit_changes_every_article(staff_client, django_capture_on_commit_callbacks):
    snippet = make_snippet()
    first, second = make_post(cta_topic="grief"), make_post()
    assert "Struggling with grief, something?" in call_to_action(staff_client.get(first.get_absolute_url()))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/admin/idare/snippet/{snippet.pk}/change/", {
            "description": snippet.description, "body": "Finding {topic}things hard? [Engage](/engage/) can help.",
        })
    assert response.status_code == 302
    assert call_to_action(staff_client.get(first.get_absolute_url())) == "Finding grief, things hard? Engage can help."
    assert call_to_action(staff_client.get(second.get_absolute_url())) == "Finding things hard? Engage can help."


def test_the_snippet_and_the_topic_are_sanitized(client):
    make_snippet(body='Hello {topic}<script>alert(1)</script><a href="javascript:alert(2)">x</a>')
    html = client.get(make_post(cta_topic='<img src=x onerror="alert(3)">').get_absolute_url()).content.decode()
    section = html[html.index('class="call-to-action"'):]
    section = section[:section.index("</section>")]
    assert "<script" not in section and "javascript:" not in section and "<img" not in section
    assert "&lt;img src=x" in section


def test_the_snippet_is_read_with_one_query_until_it_changes(client):
    make_snippet()
    posts = [make_post(), make_post()]
    with CaptureQueriesContext(connection) as queries:
        for post in posts * 2:
            client.get(post.get_absolute_url())
    assert sum("idare_snippet" in query["sql"] for query in queries.captured_queries) == 1


def test_without_the_snippet_the_article_still_shows_with_its_help_box(client):
    response = client.get(make_post().get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200 and 'class="call-to-action"' not in html and 'class="help-box"' in html


def test_a_changed_import_file_does_not_overwrite_an_editors_wording(content_dir):
    run_import(content_dir)
    snippet = Snippet.objects.get(slug="article-call-to-action")
    snippet.body = "Edited by an editor: {topic}see [Support](/support/)."
    snippet.save()
    # The file's wording really changes (edit_file checks), so the import has something to keep back.
    edit_file(content_dir, "snippets.yaml", "self-work", "self-care")
    assert "kept  snippet article-call-to-action" in run_import(content_dir)
    assert Snippet.objects.get(slug="article-call-to-action").body.startswith("Edited by an editor")
    # --force is how an editor asks for the file's wording back: the change was there to take.
    run_import(content_dir, "--force")
    assert "self-care" in Snippet.objects.get(slug="article-call-to-action").body
