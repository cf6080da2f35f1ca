"""Rendering an editor's Markdown has a bounded cost: text that would hold a worker for seconds or
minutes is refused with a message, in the admin and in the editor's preview; real text renders."""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from idare.markdown import (
    MAX_DEPTH,
    MAX_FOOTNOTES,
    MAX_HEADINGS,
    MAX_LINES,
    MAX_TABLE_CELLS,
    markdown_problems,
    render_markdown,
)
from tests.factories import make_staff, post_form

PATHOLOGICAL = {
    "200,000 “[”": "[" * 200_000,
    "10,000 footnotes": "".join(f"Word[^{i}]\n" for i in range(10_000)) + "".join(
        f"[^{i}]: Note {i}.\n" for i in range(10_000)),
    "quotes nested 500 deep": ">" * 500 + " deep",
    "lists nested 150 deep": "".join("    " * depth + "- item\n" for depth in range(150)),
    "19,000 one-word paragraphs": "*a*\n\n" * 19_000,
    "3,000 markup characters in a long paragraph": "[*_`<&" * 500 + " word" * 15_000,
    "10,000 headings": "## Heading\n" * 10_000,
}

# The costliest texts we could write that the limits still let through (each near one limit).
LINK_EVERY_OTHER_LINE = ["*a* [b](/c) &amp; `d`", "*a* **b** &amp; `d` _e_"]
AT_THE_LIMITS = {
    "brackets in one long paragraph": "[" * 4 + " word" * 17_000,
    "emphasis in long paragraphs": "\n\n".join("*a" * 60 + " word" * 1_200 for _ in range(4)),
    "markup in short paragraphs": "\n\n".join("*a" * 30 + "[b](/c) " * 2 + "&lt;" * 20 for _ in range(150)),
    "footnotes": "\n\n".join(" ".join(f"Word[^{i}]" for i in range(start, start + 10))
                             for start in range(0, MAX_FOOTNOTES, 10)) + "\n\n" + "".join(
        f"[^{i}]: Note {i}.\n\n" for i in range(MAX_FOOTNOTES)),
    "headings": "## Heading\n\n" * MAX_HEADINGS,
    "nested lists": "\n".join(f"{'    ' * (i % MAX_DEPTH)}- {LINK_EVERY_OTHER_LINE[i % 2]}" for i in range(MAX_LINES)),
    "nested quotes": "\n\n".join(f"{'>' * MAX_DEPTH} {LINK_EVERY_OTHER_LINE[i % 2]}" for i in range(MAX_LINES // 2)),
    "a long table": "| a | b |\n|---|---|\n" + "\n".join(
        f"| {LINK_EVERY_OTHER_LINE[i % 2]} | *x* |" for i in range(MAX_TABLE_CELLS // 3 - 2)),
    "tags": "\n\n".join("<abbr title='x'>x</abbr> " * 25 for _ in range(10)),
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_text_is_refused_at_once_with_a_reason(text):
    started = time.thread_time()
    problems = markdown_problems(text)
    assert problems and all(problem.endswith(".") for problem in problems)
    assert time.thread_time() - started < 0.5


@pytest.mark.parametrize("text", AT_THE_LIMITS.values(), ids=AT_THE_LIMITS.keys())
def test_the_costliest_text_within_the_limits_renders_well_under_a_second(text):
    assert markdown_problems(text) == []
    # This thread's CPU time: neither other processes nor this process's other threads (the browser
    # tests' live server stays up for the session and answers its worker) count against the renderer.
    started = time.thread_time()
    render_markdown(text)
    assert time.thread_time() - started < 0.8


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
