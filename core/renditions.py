"""Responsive images. Every hero and body image is stored at a few widths, in WebP and in a JPEG
or PNG fallback, when it is saved (by the admin or the importer), never on a reader's request.
A rendition is named after its original's content hash and its width, so it is made once and
reused by every post that shows the same picture."""

from __future__ import annotations

import html
import io
import re
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

WIDTHS = (480, 960, 1600)
FOLDER = "renditions"
HASHED_STEM = re.compile(r"^[0-9a-f]{16}$")
# The width the hero and body images take on the page, for the browser's choice among the widths.
HERO_SIZES = "(min-width: 72rem) 72rem, 100vw"
BODY_SIZES = "(min-width: 46rem) 43rem, 100vw"
IMG_TAG = re.compile(r"<img\b[^>]*>")
ATTRIBUTE = re.compile(r'\s([a-z-]+)="([^"]*)"')
DECORATIVE = "decorative"
# A hero is shown whole up to this width-to-height ratio; a taller one (a portrait photo) is cropped to
# it around its focal point, so that it does not push the article's first words a screen down.
HERO_RATIO = 16 / 9
CENTRE = (50, 50)  # the focal point, in percent across and down, when the editor set none


def focal_box(size: tuple[int, int], ratio: float, focal: tuple[float, float] = CENTRE,
              *, crop_width: bool = True) -> tuple[int, int, int, int]:
    """The largest window of `ratio` (width / height) inside an image of `size`, centred on the
    focal point (percent across, percent down) and moved back inside the image where it would
    overhang. `crop_width=False` only ever cuts the height (a wide image is left whole)."""
    width, height = size
    if width / height > ratio:  # too wide for the window
        if not crop_width:
            return (0, 0, width, height)
        window = (round(height * ratio), height)
    else:
        window = (width, round(width / ratio))
    left, top = (min(max(round(side * percent / 100 - part / 2), 0), side - part)
                 for side, part, percent in zip(size, window, focal, strict=True))
    return (left, top, left + window[0], top + window[1])


def make_renditions(name: str, storage=None, *, ratio: float | None = None,
                    focal: tuple[float, float] = CENTRE) -> dict:
    """The renditions of the stored image `name`, making the ones not stored yet. Returns
    {"source": name, "focal": [x, y], "renditions": [{"width", "height", "webp", "fallback"}, …]}
    narrowest first, or {} when the file cannot be read as an image.

    With `ratio` (a hero's HERO_RATIO), an image taller than that ratio is cropped to it around
    `focal`; a cropped rendition's name carries its crop window, so the same original cropped
    differently (another post, another focal point) never overwrites it, and the uncropped ones
    stay shared with body images."""
    storage = storage or default_storage
    stem = PurePosixPath(name).stem
    try:
        with storage.open(name) as stored:
            data = stored.read()
        image = Image.open(io.BytesIO(data))  # reads the header only: pixels are decoded when needed
    except (FileNotFoundError, UnidentifiedImageError, OSError, ValueError):
        return {}
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    fallback = "png" if has_alpha or image.format == "PNG" else "jpg"
    box = (0, 0, *image.size) if ratio is None else focal_box(image.size, ratio, focal, crop_width=False)
    crop_width, crop_height = box[2] - box[0], box[3] - box[1]
    cropped = box != (0, 0, *image.size)
    prefix = f"{stem}-c{box[0]}-{box[1]}-{crop_width}x{crop_height}" if cropped else stem
    widths = sorted({w for w in WIDTHS if w < crop_width} | {min(crop_width, WIDTHS[-1])})
    renditions = []
    try:
        for width in widths:
            height = max(1, round(crop_height * width / crop_width))
            names = {"webp": f"{FOLDER}/{prefix}-{width}w.webp", "fallback": f"{FOLDER}/{prefix}-{width}w.{fallback}"}
            missing = {kind: n for kind, n in names.items() if not storage.exists(n)}
            if missing:
                source = image.crop(box) if cropped else image
                resized = source if width == crop_width else source.resize((width, height), Image.Resampling.LANCZOS)
                for kind, target in missing.items():
                    storage.save(target, ContentFile(_encode(resized, "webp" if kind == "webp" else fallback)))
            renditions.append({"width": width, "height": height, **names})
    except (OSError, ValueError):  # a damaged file: shown as it is, without renditions
        return {}
    return {"source": name, "focal": list(focal), "renditions": renditions}


def _encode(image: Image.Image, extension: str) -> bytes:
    out = io.BytesIO()
    if extension == "webp":
        image.save(out, "WEBP", quality=80, method=2)  # method 4 takes five times as long for 3% smaller
    elif extension == "png":
        image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB").save(out, "PNG", optimize=True)
    else:
        image.convert("RGB").save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def picture(renditions: dict, storage=None) -> dict | None:
    """What a template needs for <picture>: both srcsets, the fallback src and the intrinsic size."""
    storage = storage or default_storage
    items = (renditions or {}).get("renditions") or []
    if not items:
        return None
    largest = items[-1]
    return {
        "webp_srcset": ", ".join(f"{storage.url(r['webp'])} {r['width']}w" for r in items),
        "srcset": ", ".join(f"{storage.url(r['fallback'])} {r['width']}w" for r in items),
        "src": storage.url(largest["fallback"]),
        "width": largest["width"],
        "height": largest["height"],
    }


def stored_name(url: str) -> str | None:
    """The storage name behind a /media/… address of an original upload, or None."""
    url = html.unescape(url)
    if not url.startswith(settings.MEDIA_URL):
        return None
    name = url.removeprefix(settings.MEDIA_URL)
    if ".." in name or name.startswith(f"{FOLDER}/") or not HASHED_STEM.match(PurePosixPath(name).stem):
        return None
    return name


def media_names(text: str) -> set[str]:
    """Every original upload a body (Markdown or HTML) points at."""
    media = re.escape(settings.MEDIA_URL)
    return {name for url in re.findall(rf"{media}[\w./-]+", text or "") if (name := stored_name(url))}


def responsive_images(sanitized_html: str, storage=None) -> str:
    """Turns each image of sanitized body HTML into a lazy <picture> with WebP and fallback srcsets.

    It reads nh3's canonical output (double-quoted, escaped attribute values) and writes back only
    what nh3 let through (src, alt, title) plus values it computes itself from stored renditions,
    so it adds no way in for anything nh3 removed. Alt text "decorative" marks a decorative image:
    it is written as alt=""."""

    def rewrite(match: re.Match) -> str:
        attributes = dict(ATTRIBUTE.findall(match.group(0)))
        alt = "" if attributes.get("alt", "").strip().lower() == DECORATIVE else attributes.get("alt", "")
        kept = f' alt="{alt}"' + (f' title="{attributes["title"]}"' if "title" in attributes else "")
        lazy = ' loading="lazy" decoding="async"'
        name = stored_name(attributes.get("src", ""))
        image = picture(make_renditions(name, storage), storage) if name else None
        if image is None:
            size = "".join(f' {a}="{attributes[a]}"' for a in ("width", "height") if a in attributes)
            return f'<img src="{attributes.get("src", "")}"{kept}{size}{lazy}>'
        return (
            f'<picture><source type="image/webp" srcset="{html.escape(image["webp_srcset"])}" sizes="{BODY_SIZES}">'
            f'<img src="{html.escape(image["src"])}" srcset="{html.escape(image["srcset"])}" sizes="{BODY_SIZES}"'
            f'{kept} width="{image["width"]}" height="{image["height"]}"{lazy}></picture>'
        )

    return IMG_TAG.sub(rewrite, sanitized_html)


def delete_with_renditions(name: str, storage=None) -> None:
    """Removes an original upload and every rendition made from it."""
    storage = storage or default_storage
    storage.delete(name)
    stem = PurePosixPath(name).stem
    if not HASHED_STEM.match(stem):
        return
    try:
        _, files = storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    for file in files:
        if file.startswith(f"{stem}-"):
            storage.delete(f"{FOLDER}/{file}")
