"""Invented example content carries one badge (templates/includes/_example_badge.html, one CSS rule)
wherever readers see it: a provider, a programme and a session alike."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import make_programme, make_provider, make_session

pytestmark = pytest.mark.django_db

BADGE = re.compile(r'<p class="badge badge--example">Example listing: not a real (\w+)</p>')


@pytest.fixture(autouse=True)
def demo(settings):
    """Examples show only when the site runs as a demo."""
    settings.IDARE_DEMO = True


def badges_on(client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    assert html.count("badge--example") == len(BADGE.findall(html)), f"{path}: a badge in other markup"
    return BADGE.findall(html)


def test_an_example_provider_and_an_example_programme_show_the_same_badge(client):
    provider = make_provider(example=True)
    programme = make_programme(example=True)
    session = make_session(programme)
    assert badges_on(client, "/support/providers/") == ["provider"]
    assert badges_on(client, provider.get_absolute_url()) == ["provider"]
    assert badges_on(client, programme.get_absolute_url()) == ["programme", "session"]
    assert "programme" in badges_on(client, "/engage/")
    assert badges_on(client, session.get_register_url()) == ["session"]


def test_real_listings_have_no_badge(client):
    provider = make_provider(example=False)
    programme = make_programme(example=False)
    make_session(programme)
    for path in ("/support/providers/", provider.get_absolute_url(), programme.get_absolute_url(), "/engage/"):
        assert badges_on(client, path) == [], path


def test_the_badge_is_styled_by_one_rule():
    css = "\n".join(path.read_text() for path in (Path(settings.BASE_DIR) / "static" / "css").glob("*.css")
                    if not path.name.startswith("admin-"))
    assert len(re.findall(r"^\.badge \{", css, re.M)) == 1
    assert len(re.findall(r"^\.badge--example \{", css, re.M)) == 1
