"""render_card draws an article's social card: a PNG that platforms show at 1200×630, whatever the title,
and byte-for-byte the same for the same text so a stored card only changes when its text does."""

import io

import pytest
from PIL import Image, ImageChops

from blog.cards import CARD_SIZE, MARGIN, TEXT_WIDTH, render_card

TITLE = "Building Trust Through Trust Issues"
SUBTITLE = "Understanding, healing, and taking safe emotional steps"


def open_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def text_bbox(title: str, subtitle: str = "") -> tuple[int, int, int, int]:
    """Where the text lands: the pixels that differ from a card with neither title nor subtitle."""
    card, blank = open_png(render_card(title, subtitle)), open_png(render_card(""))
    bbox = ImageChops.difference(card, blank).getbbox()
    assert bbox is not None, "nothing was drawn"
    return bbox


def test_card_is_a_png_of_exactly_card_size():
    assert open_png(render_card(TITLE, SUBTITLE)).size == CARD_SIZE == (1200, 630)


def test_same_text_gives_identical_bytes():
    assert render_card(TITLE, SUBTITLE) == render_card(TITLE, SUBTITLE)


def test_different_titles_give_different_cards():
    assert render_card(TITLE) != render_card("Running on Empty: Burnout, Rest and Small Steps Back")


def test_subtitle_is_drawn_and_empty_subtitle_is_the_default():
    without = render_card(TITLE, "")
    assert open_png(without).size == CARD_SIZE
    assert without == render_card(TITLE)
    assert without != render_card(TITLE, SUBTITLE)


@pytest.mark.parametrize(
    ("title", "subtitle"),
    [
        pytest.param(("Why do I feel this way " * 13)[:300], "", id="300-character title"),
        pytest.param("Pneumonoultramicroscopicsilicovolcanoconiosis" * 3, "", id="one word wider than a line"),
        pytest.param(TITLE, "and then " * 60, id="long subtitle"),
    ],
)
def test_text_too_long_for_the_card_stays_inside_the_text_box(title, subtitle):
    left, top, right, bottom = text_bbox(title, subtitle)
    assert left >= MARGIN - 2, "text spills into the left margin"
    assert right <= MARGIN + TEXT_WIDTH + 2, "text runs past the text box into the decoration"
    assert bottom <= CARD_SIZE[1] - MARGIN, "text spills into the bottom margin"


@pytest.mark.parametrize("title", ["चिंता", "चिंता और तनाव 😊", "不安と向き合う"])
def test_non_latin_title_renders_a_full_size_card(title):
    assert open_png(render_card(title, "चिंता")).size == CARD_SIZE
    text_bbox(title)


def test_the_neutral_card_of_sensitive_articles_is_a_full_size_png_without_text():
    from blog.cards import render_neutral_card

    card = render_neutral_card()
    assert open_png(card).size == CARD_SIZE and card == render_neutral_card()
    # No text area: nothing is drawn where a title would be set, left of the centred wordmark.
    left_band = open_png(card).crop((MARGIN, 170, 400, CARD_SIZE[1] - MARGIN))
    assert left_band.getcolors() == [(left_band.width * left_band.height, (0xFB, 0xF8, 0xF3))]
