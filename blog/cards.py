"""An article's social card (Open Graph / Twitter, 1200×630), drawn with Pillow from the committed
Noto fonts, or the article's hero cropped around its focal point. Pure: the same text (or image and
focal point) always gives the same bytes, so a caller can store a card and
redraw it only when the title, the subtitle or CARD_DESIGN changes."""

import io
import math
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from core.renditions import focal_box

CARD_DESIGN = "1"  # bump on any visible change, so stored cards get redrawn
NEUTRAL_CARD_DESIGN = "1"  # the same for the neutral card of sensitive articles
CARD_SIZE = (1200, 630)

FONTS = Path(__file__).resolve().parent / "fonts"
SERIF, SANS = "NotoSerif-Bold.ttf", "NotoSans-Bold.ttf"
CREAM, INK, TEAL, AMBER, TINT, MUTED, HEART = (
    "#fbf8f3", "#1e2a2a", "#1f5f5b", "#d9902f", "#e8f1ee", "#4f5d5b", "#c47d1f")  # fmt: skip
MARGIN = 80
TEXT_WIDTH = 880  # stops short of the circles on the right
TITLE_SIZES = range(76, 43, -2)
TITLE_LINES, SUBTITLE_LINES = 4, 2
SUBTITLE_SIZE = 30
BAR_SPACE, SUBTITLE_GAP = 34, 22  # amber bar plus the space under it; space between title and subtitle
SS = 4  # supersampling for the shapes; FreeType already antialiases the text

Point = tuple[float, float]

# (centre, radius, colour, opacity): two soft circles bleeding off the bottom-right corner, clear of the text.
CIRCLES = (((1170, 580), 210, TINT, 255), ((1235, 390), 170, TEAL, 22))
WORDMARK_SCALE = 2.5  # card pixels per SVG viewBox unit: the 120-unit viewBox becomes 300 px
# static/img/idare-wordmark.svg in its path units; its group scales them by 1.25 and shifts them by (.3, -4.5).
HEART_PATH = [(8, 11), (5.4, 9.4), (4.5, 8), (4.5, 6.7), (4.5, 5.6), (5.3, 4.8), (6.3, 4.8), (7.1, 4.8), (7.7, 5.3),
              (8, 5.9), (8.3, 5.3), (8.9, 4.8), (9.7, 4.8), (10.7, 4.8), (11.5, 5.6), (11.5, 6.7), (11.5, 8),
              (10.6, 9.4), (8, 11)]  # fmt: skip


@lru_cache(maxsize=32)
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / name), size)


def _cubic(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 12) -> list[Point]:
    """Points along a cubic Bézier, without p0 (the previous segment already ends there)."""
    ts = [i / steps for i in range(1, steps + 1)]
    return [tuple((1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t * t * c + t**3 * d
                  for a, b, c, d in zip(p0, p1, p2, p3, strict=True)) for t in ts]  # fmt: skip


def _arc(cx: float, cy: float, r: float, start: float, end: float) -> list[Point]:
    """Points along a circular arc in screen coordinates (y down), degrees from `start` to `end`."""
    steps = max(8, int(abs(end - start) / 6))
    angles = (math.radians(start + (end - start) * i / steps) for i in range(steps + 1))
    return [(cx + r * math.cos(a), cy + r * math.sin(a)) for a in angles]


def _wordmark_paths() -> tuple[list[Point], list[list[Point]]]:
    heart = [HEART_PATH[0]]
    for i in range(1, len(HEART_PATH), 3):
        heart += _cubic(heart[-1], *HEART_PATH[i : i + 3])
    strokes = [
        [(8, 16), (8, 29)],  # i
        [(16.5, 7), (16.5, 29), (21.5, 29), *_arc(21.5, 18, 11, 90, -90), (16.5, 7)],  # D: bowl bulges right
        _arc(47.5, 22.5, 6.5, 0, 360),  # a: bowl
        [(54, 16), (54, 29)],  # a: stem
        [(62.5, 29), (62.5, 22.5), *_cubic((62.5, 22.5), (62.5, 18.5), (65, 16), (69, 16))],  # r
        # e: the SVG's large arc runs over the top and ends at (87.5, 26.7), 40° below the bar
        [(76, 22.5), (89, 22.5), *_arc(82.5, 22.5, 6.5, 0, math.degrees(math.atan2(4.2, 5)) - 360)],
    ]
    return heart, strokes


@lru_cache(maxsize=1)
def _wordmark_masks() -> tuple[Image.Image, Image.Image]:
    """Heart and letters as masks, drawn at SS× and shrunk, as Pillow's thick lines are not antialiased.
    Cached: they are the same on every card and only ever read."""
    scale = WORDMARK_SCALE * SS
    size = (round(120 * scale), round(36 * scale))

    def place(points: list[Point]) -> list[Point]:
        return [((1.25 * x + 0.3) * scale, (1.25 * y - 4.5) * scale) for x, y in points]

    heart, strokes = _wordmark_paths()
    heart_mask, letters_mask = Image.new("L", size), Image.new("L", size)
    ImageDraw.Draw(heart_mask).polygon(place(heart), fill=255)
    draw, radius = ImageDraw.Draw(letters_mask), 4 * 1.25 * scale / 2
    for stroke in map(place, strokes):
        draw.line(stroke, fill=255, width=round(2 * radius))
        for x, y in stroke:  # round caps and joins; joint="curve" leaves pinholes on tight curves
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    return heart_mask.reduce(SS), letters_mask.reduce(SS)


@lru_cache(maxsize=1)
def _circle_masks() -> tuple[tuple[int, int], list[Image.Image]]:
    """Drawn at SS× over only the corner they cover: smooth edges at little cost."""
    left = min(cx - r for (cx, _), r, _, _ in CIRCLES)
    top = min(cy - r for (_, cy), r, _, _ in CIRCLES)
    size = ((CARD_SIZE[0] - left) * SS, (CARD_SIZE[1] - top) * SS)
    masks = []
    for (cx, cy), r, _, opacity in CIRCLES:
        mask = Image.new("L", size)
        x, y, big_r = (cx - left) * SS, (cy - top) * SS, r * SS
        ImageDraw.Draw(mask).ellipse((x - big_r, y - big_r, x + big_r, y + big_r), fill=opacity)
        masks.append(mask.reduce(SS))
    return (left, top), masks


def _wrap(words: list[str], font: ImageFont.FreeTypeFont, width: int, limit: int) -> list[str]:
    """Greedy word wrap; stops once it passes `limit` lines, as the caller needs no more."""
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if line and font.getlength(candidate) > width:
            lines.append(line)
            if len(lines) > limit:
                return lines
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _break_word(word: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    if font.getlength(word) <= width:
        return [word]
    pieces, piece = [], ""
    for char in word:
        if piece and font.getlength(piece + char) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece]


def _ellipsize(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """The start of `text` that fits on one line followed by "…", cut at a word when it can be."""
    words = text.split()
    while len(words) > 1 and font.getlength(" ".join(words) + "…") > width:
        words.pop()
    line = " ".join(words)
    while line and font.getlength(line + "…") > width:
        line = line[:-1]
    return line.rstrip(" ,.;:–—-") + "…"


def _set(text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Wrap to at most `max_lines`, breaking words too long for a line and ending with "…" if cut."""
    words = [piece for word in text.split() for piece in _break_word(word, font, width)]
    lines = _wrap(words, font, width, max_lines)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _ellipsize(" ".join(lines[max_lines - 1 :]), font, width)]
    return lines


def _leading(size: int) -> int:
    return round(size * 1.16)


def _max_lines(size: int, height: int) -> int:
    return max(1, min(TITLE_LINES, height // _leading(size)))


def _fit_title(title: str, height: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The biggest size at which the title fits, whole words only, in TITLE_LINES lines and `height` px."""
    # Each getlength costs ~50 µs whatever the text's length, so measure whole lines, not every word.
    words = title.split()
    for size in TITLE_SIZES:
        font = _font(SERIF, size)
        max_lines = _max_lines(size, height)
        if font.getlength(" ".join(words)) > max_lines * TEXT_WIDTH:
            continue  # cannot fit, whatever the breaks
        lines = _wrap(words, font, TEXT_WIDTH, max_lines)
        # Greedy wrapping only overflows a line that holds a single word too long for it.
        if len(lines) <= max_lines and all(font.getlength(line) <= TEXT_WIDTH for line in lines):
            return font, lines
    # Even the smallest size is too big: break long words and cut the title short.
    font = _font(SERIF, TITLE_SIZES[-1])
    return font, _set(title, font, TEXT_WIDTH, _max_lines(TITLE_SIZES[-1], height))


def _draw_lines(draw: ImageDraw.ImageDraw, lines: list[str], font: ImageFont.FreeTypeFont, top: int, fill: str) -> int:
    """Set `lines` in boxes of one leading each, from `top`; return where the last box ends."""
    leading = _leading(int(font.size))
    for i, line in enumerate(lines):
        # Baseline 0.8 em into the box: caps near its top, room below for descenders, at any size.
        draw.text((MARGIN, top + i * leading + round(font.size * 0.8)), line, font=font, fill=fill, anchor="ls")
    return top + len(lines) * leading


def _background() -> Image.Image:
    card = Image.new("RGB", CARD_SIZE, CREAM)
    corner, circles = _circle_masks()
    for (_, _, colour, _), mask in zip(CIRCLES, circles, strict=True):
        card.paste(colour, corner, mask)
    return card


def _wordmark(card: Image.Image, corner: tuple[int, int]) -> None:
    heart, letters = _wordmark_masks()
    card.paste(HEART, corner, heart)
    card.paste(TEAL, corner, letters)


def _png(card: Image.Image) -> bytes:
    out = io.BytesIO()
    card.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def render_neutral_card() -> bytes:
    """The card of every sensitive article: the wordmark alone, centred, with no title, so that a
    shared link to an article about suicide or abuse does not announce its topic in a chat."""
    card = _background()
    heart, _ = _wordmark_masks()
    _wordmark(card, ((CARD_SIZE[0] - heart.width) // 2, (CARD_SIZE[1] - heart.height) // 2))
    return _png(card)


def render_card(title: str, subtitle: str = "") -> bytes:
    """The PNG of the article's social card."""
    card = _background()
    _wordmark(card, (MARGIN - 15, 52))  # the heart's left edge sits 6 viewBox units (15 px) into the logo

    sub_font = _font(SANS, SUBTITLE_SIZE)
    sub_lines = _set(subtitle, sub_font, TEXT_WIDTH, SUBTITLE_LINES)
    sub_height = SUBTITLE_GAP + len(sub_lines) * _leading(SUBTITLE_SIZE) if sub_lines else 0

    # Bar, title and subtitle are centred as one block between the wordmark and the bottom margin.
    area_top, area_bottom = 170, CARD_SIZE[1] - MARGIN
    font, lines = _fit_title(title, area_bottom - area_top - BAR_SPACE - sub_height)
    block = BAR_SPACE + len(lines) * _leading(int(font.size)) + sub_height
    top = area_top + (area_bottom - area_top - block) // 2

    draw = ImageDraw.Draw(card)
    draw.rectangle((MARGIN, top, MARGIN + 72, top + 5), fill=AMBER)
    title_bottom = _draw_lines(draw, lines, font, top + BAR_SPACE, INK)
    _draw_lines(draw, sub_lines, sub_font, title_bottom + SUBTITLE_GAP, MUTED)
    return _png(card)


HERO_CARD_DESIGN = "1"  # bump on any visible change to the photo card, so stored ones get redrawn


def render_hero_card(image: Image.Image, focal: tuple[float, float]) -> bytes:
    """An article's hero as its link-preview card: the 1200×630 window around the editor's focal
    point (blog/renditions.focal_box), so the subject stays in a chat's preview."""
    box = focal_box(image.size, CARD_SIZE[0] / CARD_SIZE[1], focal)
    card = image.convert("RGB").resize(CARD_SIZE, Image.Resampling.LANCZOS, box=box)
    out = io.BytesIO()
    card.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()
