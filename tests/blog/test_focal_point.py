"""The hero's focal point: set in the admin (two percentages), kept in frame by every crop of the hero
(a tall hero's renditions, the link-preview card), remade when it changes, refused out of range with
a sentence next to the field."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from PIL import Image, ImageDraw

from blog.cards import CARD_SIZE
from blog.models import Post
from core.renditions import HERO_RATIO, focal_box
from tests.factories import make_staff, post_form

pytestmark = pytest.mark.django_db
RED = (220, 20, 30)


def photo(size: tuple[int, int], subject: tuple[int, int, int, int]) -> bytes:
    """A grey photo with one red square, the subject, at `subject` (left, top, right, bottom)."""
    image = Image.new("RGB", size, (128, 128, 128))
    ImageDraw.Draw(image).rectangle(subject, fill=RED)
    out = io.BytesIO()
    image.save(out, "PNG")  # lossless: the pixel check reads exactly the colours drawn
    return out.getvalue()


def red_share(name: str) -> float:
    """The share of a stored image's pixels that are the subject's red."""
    with default_storage.open(name) as stored, Image.open(stored) as image:
        data = image.convert("RGB").tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3], strict=True))
    return sum(1 for r, g, b in pixels if r > 180 and g < 80 and b < 80) / len(pixels)


def editor() -> Client:
    client = Client()
    client.force_login(make_staff("Editor"))
    return client


def largest_rendition(post: Post) -> str:
    return post.hero_renditions["renditions"][-1]["fallback"]


def add_with_hero(client: Client, data: bytes, **focal) -> Post:
    response = client.post("/admin/blog/post/add/", {
        **post_form(hero_alt="A red box on grey", hero_credit="A test", **focal),
        "hero_image": SimpleUploadedFile("hero.png", data)})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Post.objects.get()


def test_a_tall_heros_renditions_keep_the_subject_at_the_focal_point_and_lose_it_centred(media_root):
    # A square photo with its subject near the top: its 16:9 renditions cut the height.
    client = editor()
    post = add_with_hero(client, photo((800, 800), (300, 40, 420, 150)), hero_focal_x=45, hero_focal_y=12)
    first = largest_rendition(post)
    form = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "data-focal-picker" in form and post.hero_image.url in form and 'data-focal="x"' in form
    assert "js/admin-focal.js" in form
    assert post.hero_renditions["renditions"][-1]["width"] == 800
    assert post.hero_renditions["renditions"][-1]["height"] == round(800 / HERO_RATIO)
    assert red_share(first) > 0.02  # the subject is in the banner

    # The editor moves the focal point back to the middle: the renditions are made again, without it.
    response = client.post(f"/admin/blog/post/{post.pk}/change/", post_form(post, hero_focal_x=50, hero_focal_y=50))
    assert response.status_code == 302, response.content.decode()[:3000]
    post.refresh_from_db()
    assert post.hero_focal == (50, 50) and post.hero_renditions["focal"] == [50, 50]
    assert largest_rendition(post) != first
    assert red_share(largest_rendition(post)) == 0
    # The article shows the cropped rendition at its cropped size.
    post.status = Post.Status.PUBLISHED
    post.save()
    page = Client().get(post.get_absolute_url()).content.decode()
    assert f'width="800" height="{round(800 / HERO_RATIO)}"' in page


def test_a_wide_hero_is_shown_whole_whatever_its_focal_point(media_root):
    post = add_with_hero(editor(), photo((1600, 600), (1450, 250, 1550, 350)), hero_focal_x=94, hero_focal_y=50)
    assert [r["height"] for r in post.hero_renditions["renditions"]] == [180, 360, 600]
    assert all("-c" not in r["webp"] for r in post.hero_renditions["renditions"])


def test_the_link_card_crops_the_hero_around_its_focal_point(media_root):
    # Wider than the card's 1200:630: the card cuts the sides, and the subject sits at the right edge.
    client = editor()
    post = add_with_hero(client, photo((1600, 600), (1450, 250, 1550, 350)), hero_focal_x=94, hero_focal_y=50)
    assert post.card_image.name.endswith(".jpg")
    with default_storage.open(post.card_image.name) as stored, Image.open(stored) as card:
        assert card.size == CARD_SIZE
    kept = post.card_image.name
    assert red_share(kept) > 0.01
    assert post.share_image == {"url": post.card_image.url, "width": 1200, "height": 630, "alt": "A red box on grey"}

    response = client.post(f"/admin/blog/post/{post.pk}/change/", post_form(post, hero_focal_x=50))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.card_image.name != kept and red_share(post.card_image.name) == 0


def test_a_sensitive_articles_card_stays_the_plain_one_with_a_hero(media_root):
    post = add_with_hero(editor(), photo((1600, 600), (1450, 250, 1550, 350)), hero_focal_x=94, sensitive="on",
                         content_note="This article talks about suicide.")
    assert post.card_image.name.endswith(".png") and red_share(post.card_image.name) == 0


@pytest.mark.parametrize(("field", "value"), [("hero_focal_x", 101), ("hero_focal_y", -1), ("hero_focal_x", 150)])
def test_a_focal_point_outside_the_image_is_refused_with_a_sentence(media_root, field, value):
    response = editor().post("/admin/blog/post/add/", {
        **post_form(hero_alt="A red box", hero_credit="A test", **{field: value}),
        "hero_image": SimpleUploadedFile("hero.png", photo((400, 400), (0, 0, 10, 10)))})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors
    assert any("percentage from 0 to 100" in message for message in errors[field])
    page = response.content.decode()
    assert "hero_focal_point_in_image" not in page and "Ensure this value" not in page
    assert not Post.objects.exists()


def test_the_database_refuses_a_focal_point_out_of_range_and_says_why(media_root):
    post = Post(title="T", slug="t", excerpt="E", body="B", hero_focal_x=120)
    with pytest.raises(ValidationError) as refused:
        post.validate_constraints()
    assert "percentage from 0 to 100" in " ".join(refused.value.messages)
    from tests.factories import make_author

    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(title="T", slug="t", excerpt="E", body="B", author=make_author(), hero_focal_y=200)


@pytest.mark.parametrize(("size", "focal", "box"), [
    ((800, 800), (50, 0), (0, 0, 800, 450)),  # at the top edge: the window stops there
    ((800, 800), (50, 100), (0, 350, 800, 800)),  # at the bottom edge
    ((800, 800), (50, 50), (0, 175, 800, 625)),  # centred
    ((1600, 600), (100, 50), (457, 0, 1600, 600)),  # a wide image for a 1200:630 window, right edge
])
def test_the_crop_window_is_centred_on_the_focal_point_and_clamped_to_the_image(size, focal, box):
    ratio = HERO_RATIO if size == (800, 800) else CARD_SIZE[0] / CARD_SIZE[1]
    assert focal_box(size, ratio, focal) == box
