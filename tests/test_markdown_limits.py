"""Rendering an editor's Markdown has a bounded cost: text that would hold a worker for seconds or
minutes is refused with a message, in the admin and in the editor's preview; real text renders.
The texts are bench/markdown_cost.py's, which times them."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from bench.markdown_cost import AT_THE_LIMITS, PATHOLOGICAL
from core.markdown import markdown_problems, render_markdown
from tests.factories import make_staff, post_form


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_text_is_refused_with_a_reason(text):
    problems = markdown_problems(text)
    assert problems and all(problem.endswith(".") for problem in problems)


@pytest.mark.parametrize("text", AT_THE_LIMITS.values(), ids=AT_THE_LIMITS.keys())
def test_the_costliest_text_within_the_limits_is_accepted_and_renders(text):
    # How long these take is measured by `make bench` (bench/markdown_cost.py), not by a timed test.
    assert markdown_problems(text) == []
    assert render_markdown(text)


@pytest.mark.parametrize("path", sorted(Path(settings.CONTENT_DIR).rglob("*.md")), ids=lambda path: path.name)
def test_every_real_text_is_within_the_limits(path):
    assert markdown_problems(path.read_text()) == []


def test_code_in_a_closed_fence_may_be_indented_deeply_but_an_unclosed_fence_counts():
    code = "```\n" + "".join(" " * 4 * depth + "step()\n" for depth in range(20)) + "```\n"
    assert markdown_problems(code) == []
    assert markdown_problems(code.removesuffix("```\n"))


@pytest.mark.django_db
def test_the_admin_refuses_a_costly_article_with_its_reason_and_keeps_what_was_typed(client):
    client.force_login(make_staff("Editor"))
    response = client.post("/admin/blog/post/add/", post_form(body="[" * 200_000))
    page = response.content.decode()
    assert response.status_code == 200 and "200,000 “[”" in page
    from blog.models import Post

    assert not Post.objects.exists()


@pytest.mark.django_db
def test_the_preview_answers_a_costly_text_with_400_and_its_reason():
    client = Client()
    client.force_login(make_staff("Editor"))
    response = client.post(reverse("markdownx_markdownify"), {"content": ">" * 500 + " deep"})
    assert response.status_code == 400 and "nested more than" in response.content.decode()


@pytest.mark.django_db
def test_the_real_seed_article_still_renders_and_saves(content):
    from blog.models import Post

    post = Post.objects.get(slug="building-trust-through-trust-issues")
    assert "<h2" in render_markdown(post.body)
    client = Client()
    client.force_login(make_staff("Editor"))
    response = client.post(reverse("markdownx_markdownify"), {"content": post.body})
    assert response.status_code == 200 and "<h2" in response.content.decode()
