"""No placeholder reaches a reader, and the seeded examples show only when the site runs as a demo."""

import re

import pytest
from django.test import Client

from engage.models import Programme, Session
from support.models import Provider
from tests.factories import make_programme, make_provider, make_session

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"to be confirmed", re.IGNORECASE)


def public_pages(client) -> list[str]:
    """One address of every public page type, from the real content, a real provider and a real session."""
    from blog.models import Author, Post, Tag

    post = Post.objects.published().first()
    provider = make_provider(slug="real-provider")
    programme = make_programme(slug="real-programme")
    make_session(programme)
    received = client.post("/support/request/", {
        "age": "adult", "name": "Asha", "reply_by": "email", "email": "asha@example.org", "phone": "",
        "safe_to_leave_message": "yes", "language": "hindi", "mode": "online", "budget": "free", "consent": "on",
        "website": "",
    })
    assert received.status_code == 303, received.content.decode()[:2000]
    return [
        "/", "/blog/", post.get_absolute_url(), f"/blog/tag/{Tag.objects.first().slug}/",
        Author.objects.first().get_absolute_url(), "/about/", "/privacy/", "/terms/", "/accessibility/",
        "/support/", "/support/providers/", provider.get_absolute_url(), "/support/request/", "/contact/",
        received["Location"], "/engage/", programme.get_absolute_url(), "/help/", "/search/?q=trust",
        "/search/?q=zzzz",
    ]


@pytest.mark.parametrize("demo", [True, False])
def test_no_public_page_shows_a_placeholder(client, content, settings, demo):
    settings.IDARE_DEMO = demo
    for path in public_pages(client):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not PLACEHOLDER.search(response.content.decode()), path


@pytest.mark.usefixtures("content")
def test_without_demo_no_example_is_shown_anywhere(settings):
    settings.IDARE_DEMO = False
    reader = Client()
    examples = Provider.objects.filter(example=True)
    assert examples.exists() and Programme.objects.filter(example=True).exists()
    directory = reader.get("/support/providers/").content.decode()
    assert "Example listing" not in directory and "There are no providers in the directory yet" in directory
    assert 'href="/support/request/"' in directory
    for provider in examples:
        assert reader.get(provider.get_absolute_url()).status_code == 404
        assert provider.slug not in reader.get("/support/request/").content.decode()
    for programme in Programme.objects.filter(example=True):
        assert reader.get(programme.get_absolute_url()).status_code == 404
    for session in Session.objects.filter(example=True):
        assert reader.get(session.get_register_url()).status_code == 404
    for path in ("/", "/engage/", "/sitemap.xml", "/support/"):
        assert "Example listing" not in reader.get(path).content.decode(), path
    engage = reader.get("/engage/").content.decode()
    assert "No sessions are planned just now" in engage and 'href="/contact/?topic=general"' in engage


@pytest.mark.usefixtures("content")
def test_a_demo_shows_the_examples_labelled(settings):
    settings.IDARE_DEMO = True
    reader = Client()
    assert "Example listing" in reader.get("/support/providers/").content.decode()
    programme = Programme.objects.filter(example=True).first()
    detail = reader.get(programme.get_absolute_url())
    assert detail.status_code == 200 and '<meta name="robots" content="noindex">' in detail.content.decode()
    assert "Example listing" in reader.get("/engage/").content.decode()


def test_a_real_provider_shows_without_demo_and_the_examples_do_not(client, settings):
    settings.IDARE_DEMO = False
    make_provider(name="Real Person", slug="real-person")
    make_provider(name="Invented Person", slug="invented-person", example=True)
    html = client.get("/support/providers/").content.decode()
    assert "Real Person" in html and "Invented Person" not in html and "Example listing" not in html


def test_the_thank_you_page_and_the_faq_agree_on_the_withdraw_link(client, content, settings):
    response = client.post("/support/request/", {
        "age": "adult", "name": "Asha", "reply_by": "email", "email": "asha@example.org", "phone": "",
        "safe_to_leave_message": "yes", "language": "hindi", "mode": "online", "budget": "free", "consent": "on",
        "website": "",
    })
    thanks = " ".join(client.get(response["Location"]).content.decode().split())
    faq = " ".join(client.get("/support/").content.decode().split())
    days = settings.IDARE_ENQUIRY_RETENTION_DAYS
    assert "Keep this link" in thanks and f"until we delete it ourselves {days} days after it is closed" in thanks
    assert f"until we delete it ourselves {days} days after it is closed" in faq and "Keep it" in faq
