"""What a shared link shows: Open Graph and Twitter meta, and the article's own title card."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from blog.models import Post
from tests.factories import image_bytes, make_author, make_post
from tests.helpers import meta

pytestmark = pytest.mark.django_db


def stored_size(media_root, name: str) -> tuple[int, int]:
    with Image.open(media_root / name) as image:
        return image.size


@pytest.mark.usefixtures("content")
def test_every_imported_article_has_a_1200_by_630_title_card(media_root):
    posts = Post.objects.all()
    assert posts.count() >= 6
    for post in posts:
        # A hero's photo card (cropped around its focal point) is a JPEG; a title card a PNG.
        extension = ".jpg" if post.card_shows_hero else ".png"
        assert post.card_image.name.startswith("cards/") and post.card_image.name.endswith(extension), post.slug
        assert stored_size(media_root, post.card_image.name) == (1200, 630), post.slug
    assert len({post.card_image.name for post in posts}) == posts.count()


@pytest.mark.usefixtures("one_article_content")
def test_the_import_makes_missing_cards_again(media_root):
    import shutil

    shutil.rmtree(media_root / "cards")
    from django.core.management import call_command

    call_command("import_content", stdout=io.StringIO())
    assert all((media_root / post.card_image.name).is_file() for post in Post.objects.all())


def test_article_carries_complete_open_graph_and_twitter_meta_with_absolute_urls(settings, client):
    settings.SITE_URL = "https://idare.example"
    post = make_post(title="Building Trust", excerpt="How trust grows back.", tags=["Trust"])
    html = client.get(post.get_absolute_url()).content.decode()
    tags = meta(html)
    canonical = f"https://idare.example{post.get_absolute_url()}"
    assert tags["og:title"] == tags["twitter:title"] == "Building Trust"
    assert tags["og:description"] == tags["twitter:description"] == "How trust grows back."
    assert tags["og:url"] == canonical and f'<link rel="canonical" href="{canonical}">' in html
    assert tags["og:type"] == "article" and tags["og:site_name"] == "iDare"
    assert tags["og:image"] == tags["twitter:image"] == f"https://idare.example{post.card_image.url}"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert "Building Trust" in tags["og:image:alt"] and tags["og:image:alt"] == tags["twitter:image:alt"]
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["article:published_time"].startswith(post.published_at.astimezone().date().isoformat()[:4])
    assert tags["article:modified_time"] and tags["article:tag"] == "Trust"


def test_the_card_image_is_served_as_a_png(client):
    post = make_post()
    response = client.get(post.card_image.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"]


def test_a_new_title_makes_a_new_card_and_the_old_file_goes(media_root, django_capture_on_commit_callbacks):
    post = make_post(title="First title")
    first = post.card_image.name
    with django_capture_on_commit_callbacks(execute=True):
        post.title = "A better title"
        post.save()
    assert post.card_image.name != first and (media_root / post.card_image.name).is_file()
    assert not (media_root / first).exists()
    html = Client().get(post.get_absolute_url()).content.decode()
    assert post.card_image.url in meta(html)["og:image"]


def test_saving_without_changing_the_title_keeps_the_same_card(django_capture_on_commit_callbacks, media_root):
    post = make_post(title="Steady")
    card = post.card_image.name
    with django_capture_on_commit_callbacks(execute=True):
        post.excerpt = "A new summary."
        post.save()
    assert post.card_image.name == card and (media_root / card).is_file()


def test_a_card_shared_by_two_posts_with_one_title_stays_while_one_uses_it(django_capture_on_commit_callbacks,
                                                                          media_root):
    first, second = make_post(title="Same words"), make_post(title="Same words")
    assert first.card_image.name == second.card_image.name
    with django_capture_on_commit_callbacks(execute=True):
        first.title = "Other words"
        first.save()
    assert (media_root / second.card_image.name).is_file()


def test_an_editors_own_image_replaces_the_card_cropped_to_1200_by_630(staff_client, media_root):
    author = make_author()
    form = {
        "title": "With its own preview", "slug": "own-preview", "author": author.pk, "excerpt": "About it.",
        "body": "Words.", "status": "published", "published_at_0": "", "published_at_1": "",
        "social_image_alt": "",
    }
    upload = SimpleUploadedFile("preview.jpg", image_bytes("JPEG", size=(1600, 1600)))
    refused = staff_client.post("/admin/blog/post/add/", {**form, "social_image": upload})
    assert refused.status_code == 200 and "Describe your link-preview image" in refused.content.decode()
    upload = SimpleUploadedFile("preview.jpg", image_bytes("JPEG", size=(1600, 1600)))
    response = staff_client.post("/admin/blog/post/add/",
                                 {**form, "social_image": upload, "social_image_alt": "A lighthouse at dusk"})
    assert response.status_code == 302, response.content.decode()[:3000]
    post = Post.objects.get()
    assert post.social_image.name.startswith("social/")
    assert stored_size(media_root, post.social_image.name) == (1200, 630)
    tags = meta(Client().get(post.get_absolute_url()).content.decode())
    assert tags["og:image"].endswith(post.social_image.url) and tags["og:image:alt"] == "A lighthouse at dusk"
