"""/support/: most urgent first, what is offered and what it costs, and what to expect."""

import re

import pytest

from tests.factories import make_service, make_support_text

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_ways_in_are_ordered_by_urgency(client):
    html = client.get("/support/").content.decode()
    danger, soon, ongoing = (html.index(heading) for heading in (
        "In danger, or feeling unsafe right now", "You want to talk to someone soon",
        "You are looking for ongoing, affordable support"))
    assert danger < soon < ongoing
    assert html.index('href="tel:112"') < soon and html.index('href="/help/"') < soon
    assert soon < html.index('href="/support/request/"') and soon < html.index('href="/support/providers/"')


def test_no_helpline_number_is_hard_coded_but_112(client):
    numbers = re.findall(r'href="tel:([^"]+)"', client.get("/support/").content.decode())
    assert set(numbers) == {"112"}


def test_no_link_to_a_hard_coded_article(client):
    main = re.search(r"<main\b.*?</main>", client.get("/support/").content.decode(), re.S).group(0)
    assert "/blog/" not in main


def test_services_show_their_fee_band_or_nothing_while_it_is_not_confirmed(client):
    make_service(title="Help finding support", fee_band="free", position=1)
    make_service(title="Counselling", fee_band="", summary="Sessions.", position=2)
    make_service(title="Retired", active=False)
    page = text(client.get("/support/").content.decode())
    assert "Help finding support Free" in " ".join(page.split()) or re.search(r"Help finding support .* Free", page)
    assert "Fee" not in page.split("Counselling", 1)[1].split("What it costs")[0] and "Retired" not in page
    assert "to be confirmed" not in page
    assert page.index("Help finding support") < page.index("Counselling")


def test_fee_bands_lead_to_the_directory_filtered_by_what_a_person_can_pay(client):
    html = client.get("/support/").content.decode()
    for query in ("fee_max=0", "fee_max=500", "fee_max=1500"):
        assert f'href="/support/providers/?{query}"' in html
    assert "Sliding scale" in html


def test_how_it_works_and_what_to_expect_are_editable_markdown(client):
    make_support_text("how-it-works", title="How it works", body="1. **Ask** us.")
    make_support_text("what-to-expect", title="What to expect", body="### Is it confidential?\n\n<script>x</script>")
    html = client.get("/support/").content.decode()
    assert "<strong>Ask</strong>" in html and "<h3" in html and "Is it confidential?" in html
    assert "<script>x</script>" not in html


@pytest.mark.usefixtures("one_article_content")
def test_the_seeded_faq_covers_confidentiality_emergencies_and_cancellations(client):
    page = text(client.get("/support/").content.decode())
    for words in ("Is this an emergency service?", "confidentiality has limits set by law",
                  "What if I need to cancel a session?", "How quickly will you get in touch?"):
        assert words in page, words
    assert "to be confirmed" not in page


def test_the_landing_page_sets_no_cookie_and_links_to_the_contact_form(client):
    response = client.get("/support/")
    assert not response.cookies and 'href="/contact/"' in response.content.decode()


@pytest.mark.usefixtures("one_article_content")
def test_the_privacy_notice_describes_enquiries_and_messages_as_built(client, settings):
    page = text(client.get("/privacy/").content.decode())
    assert "coming soon" not in page
    for words in ("Enquiries about support", "Messages through the contact form", "encrypted",
                  "Each time one of them opens your enquiry", "We have received your message", "csrftoken",
                  "nothing they typed is kept", f"then {settings.IDARE_ENQUIRY_RETENTION_DAYS} days"):
        assert words in page, words
    faq = text(client.get("/support/").content.decode())
    assert f"deleted {settings.IDARE_ENQUIRY_RETENTION_DAYS} days after it is closed" in faq
