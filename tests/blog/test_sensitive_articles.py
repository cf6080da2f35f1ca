"""A sensitive article (suicide, self-harm, abuse, eating disorders) as safe-messaging guidance asks:
the content note and the way to help first, nothing that ranks or pushes it by popularity, never
featured or set next to unrelated articles, and a link preview that does not announce its topic."""

import html as html_lib
import re

import pytest
from django.test import Client

from blog.models import Post, ShareCount, Vote
from tests.factories import (
    CHECKLIST,
    make_crisis_lines,
    make_helpline,
    make_post,
    make_sensitive_post,
    post_form,
    publish_form,
    stored_image,
)
from tests.helpers import meta, signed_in

pytestmark = pytest.mark.django_db
SAME_ORIGIN = {"Origin": "http://testserver"}
JSON = {**SAME_ORIGIN, "Accept": "application/json"}
NOTE = "This article talks about suicide."


def page(client: Client, post: Post) -> str:
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def sensitive_note(html: str) -> str:
    start = html.index('class="sensitive-note"')
    return html[start:html.index("</aside>", start)]


def text(html: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).replace("’", "'").split())


# --- the note and the help come first ---------------------------------------------------------

def test_the_note_comes_right_after_the_header_before_the_hero_and_the_body(client):
    make_crisis_lines()
    post = make_sensitive_post(content_note=NOTE, body="## First section\n\nWords.",
                               hero_image=stored_image(), hero_alt="A quiet lake", hero_credit="A photographer")
    html = page(client, post)
    note = html.index('class="sensitive-note"')
    assert html.index("</header>") < note < html.index('class="post__hero') < html.index('id="first-section"')
    assert NOTE in sensitive_note(html)
    assert html.count(NOTE) == 1  # not a second time in the ordinary place


def test_the_note_links_to_help_and_offers_112_and_tele_manas_to_call(client):
    make_crisis_lines()
    note = sensitive_note(page(client, make_sensitive_post(content_note=NOTE)))
    assert 'href="/help/"' in note
    assert re.search(r'<a href="tel:112">[^<]*112</a>', note)
    assert re.search(r'<a href="tel:14416">[^<]*14416</a>', note)
    assert "Childline" not in note and "1098" not in note  # two numbers, not a list to read


def test_the_numbers_in_the_note_come_from_the_helplines_not_the_template(client):
    make_helpline(name="First line", numbers="1800 111 111", urgency=1)
    make_helpline(name="Second line (a trust)", numbers="1800 222 222; 1800 333 333", urgency=2)
    note = sensitive_note(page(client, make_sensitive_post()))
    assert 'href="tel:1800111111"' in note and 'href="tel:1800222222"' in note
    assert "tel:112" not in note and "tel:14416" not in note and "1800 333 333" not in note
    assert "Second line: 1800 222 222" in text(note)


def test_without_an_editors_note_a_sensitive_article_shows_a_default_one(client):
    make_crisis_lines()
    note = text(sensitive_note(page(client, make_sensitive_post(content_note=""))))
    assert "This article talks about a difficult topic that some readers may find upsetting." in note


def test_the_help_box_is_at_the_top_and_at_the_end(client):
    make_crisis_lines()
    html = page(client, make_sensitive_post(body="## First section\n\nWords."))
    boxes = [match.start() for match in re.finditer(r'<aside class="help-box"', html)]
    assert len(boxes) == 2
    assert boxes[0] < html.index('id="first-section"') < boxes[1]
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "two help boxes must not repeat an id"


def test_an_ordinary_article_keeps_todays_layout(client):
    make_crisis_lines()
    html = page(client, make_post(content_note="This article talks about grief.", body="## First\n\nWords."))
    assert 'class="sensitive-note"' not in html
    assert html.count('<aside class="help-box"') == 1 and html.index('id="first"') < html.index('class="help-box"')
    assert html.index('class="content-note"') < html.index('id="first"')
    assert 'class="engagement"' in html and "Show us some love" in html


# --- nothing that counts or pushes it ---------------------------------------------------------

def test_no_call_to_upvote_or_share_and_no_counts(client):
    post = make_sensitive_post(upvote_count=7)
    html = page(client, post)
    assert "show us some love" not in html.lower()
    for marker in ('class="engagement"', "data-upvote", "data-share", "/upvote/", "/share/", "upvote"):
        assert marker not in html, marker


def test_upvoting_a_sensitive_article_is_refused_with_a_sentence():
    post = make_sensitive_post()
    response = Client().post(f"{post.get_absolute_url()}upvote/", headers=JSON)
    assert response.status_code == 403
    assert "not upvoted or shared" in response.json()["error"]
    assert "voter" not in response.cookies
    page_answer = Client().post(f"{post.get_absolute_url()}upvote/", headers=SAME_ORIGIN)
    assert page_answer.status_code == 403 and "not upvoted or shared" in page_answer.content.decode()
    assert not Vote.objects.exists()
    post.refresh_from_db()
    assert post.upvote_count == 0


def test_the_upvote_state_of_a_sensitive_article_is_refused():
    post = make_sensitive_post()
    response = Client().get(f"{post.get_absolute_url()}upvote/state/", headers={"Accept": "application/json"})
    assert response.status_code == 403 and "error" in response.json()


@pytest.mark.parametrize(("network", "method"), [("whatsapp", "get"), ("email", "get"), ("copy", "post"),
                                                 ("device", "post")])
def test_sharing_a_sensitive_article_from_the_site_is_refused_and_not_counted(network, method):
    post = make_sensitive_post()
    headers = {**SAME_ORIGIN, "Sec-Fetch-Site": "same-origin"}
    response = getattr(Client(), method)(f"{post.get_absolute_url()}share/{network}/", headers=headers)
    assert response.status_code == 403
    assert "share the article's address from your browser" in text(response.content.decode())
    assert not ShareCount.objects.exists()


# --- never featured, ranked or set next to unrelated articles -------------------------------------

def test_a_sensitive_article_is_never_the_featured_one_on_the_home_page(client):
    post = make_sensitive_post(title="A heavy topic")
    # It cannot also be featured (the constraint below): the home page shows the ordinary one.
    ordinary = make_post(title="A calm topic", featured=True)
    home = client.get("/").content.decode()
    featured = home[home.index('id="featured-title"'):home.index("</section>", home.index('id="featured-title"'))]
    assert ordinary.title in featured and post.title not in featured
    assert list(Post.objects.published().featured()) == [ordinary]


def test_the_database_refuses_a_featured_sensitive_article():
    from django.db import IntegrityError, transaction

    post = make_sensitive_post()
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(featured=True)


def test_the_admin_refuses_ticking_featured_and_sensitive_with_a_plain_message():
    editor = signed_in("Editor")
    response = editor.post("/admin/blog/post/add/", publish_form(sensitive="on", featured="on", **CHECKLIST))
    assert response.status_code == 200
    html = response.content.decode()
    assert "A sensitive article is never featured on the home page" in html
    assert "sensitive_post_not_featured" not in html and "Constraint" not in html
    errors = response.context["adminform"].form.errors
    assert "featured" in errors
    assert not Post.objects.exists()


def test_a_writer_flagging_a_featured_draft_is_told_plainly():
    draft = make_post(status=Post.Status.DRAFT, published_at=None, featured=True)
    writer = signed_in("Writer")
    response = writer.post(f"/admin/blog/post/{draft.pk}/change/", post_form(draft, sensitive="on"))
    assert response.status_code == 200
    assert "A sensitive article is never featured on the home page" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.sensitive


def test_a_sensitive_article_is_never_among_the_most_upvoted(client):
    calm = make_post(title="Calm topic", upvote_count=3)
    make_sensitive_post(title="Heavy topic", upvote_count=90)
    assert list(Post.objects.published().most_upvoted()) == [calm]
    listing = client.get("/blog/").content.decode()
    most = listing[listing.index('id="most-upvoted-title"'):]
    assert "Calm topic" in most and "Heavy topic" not in most


def test_a_sensitive_article_never_fills_a_related_list_of_an_unrelated_one(client):
    heavy = make_sensitive_post(title="Heavy topic", tags=["Self-harm"])
    reader = make_post(title="An article on burnout", tags=["Burnout"])
    make_post(title="Another one", tags=["Sleep"])
    html = page(client, reader)
    related = html[html.index('id="related-title"'):]
    assert "Another one" in related and heavy.title not in related
    assert heavy not in Post.objects.fill_ins_for(reader)
    same_topic = make_post(title="On the same topic", tags=["Self-harm"])
    assert heavy in Post.objects.related_to(same_topic)  # offered on its own topic only


# --- a discreet link preview ------------------------------------------------------------------

def test_a_sensitive_article_previews_with_the_neutral_card_and_its_own_words(client, settings):
    settings.SITE_URL = "https://idare.example"
    post = make_sensitive_post(title="Living after a suicide attempt", excerpt="A calm account.",
                               social_image=stored_image("social", size=(1200, 630)),
                               social_image_alt="A hospital corridor")
    other = make_sensitive_post(title="When home is not safe")
    tags = meta(page(client, post))
    assert tags["og:image"] == tags["twitter:image"] == f"https://idare.example{post.card_image.url}"
    assert post.card_image.name == other.card_image.name  # one neutral card, no title drawn on it
    assert post.card_image.name != make_post(title=post.title).card_image.name
    assert tags["og:image:alt"] == tags["twitter:image:alt"] == "The iDare logo on a plain card"
    assert "suicide" not in tags["og:image:alt"].lower() and post.social_image.url not in tags["og:image"]
    assert tags["og:title"] == tags["twitter:title"] == post.title
    assert tags["og:description"] == "A calm account."


def test_flagging_an_article_sensitive_replaces_its_title_card_and_unflagging_restores_it():
    post = make_post(title="An article")
    title_card = post.card_image.name
    post.sensitive, post.checked_no_method_detail = True, True
    post.checked_no_sensational_headline = post.checked_help_resources = True
    post.save()
    assert post.card_image.name != title_card
    post.sensitive = False
    post.save()
    assert post.card_image.name == title_card
