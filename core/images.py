"""Uploaded images are never stored as sent: Pillow must recognise them, their real format must
match their name, they must fit the size limits, and they are re-encoded (which drops EXIF, GPS
and anything hidden in the file) under a name derived from their content."""

import hashlib
import io
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": ("jpg", {".jpg", ".jpeg"}), "PNG": ("png", {".png"}), "WEBP": ("webp", {".webp"})}
MAX_SIDE = 2400


def reencode_image(upload, *, max_side: int = MAX_SIDE) -> ContentFile:
    """Return a clean, re-encoded copy of `upload`, named by its content hash, or raise
    ValidationError saying what is wrong in words an editor understands."""
    data, real_format = check_image(upload)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            if max(image.size) > max_side:
                image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            clean = _reencode(image, real_format)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError("This image is damaged and could not be processed. Export it again.") from exc
    return hashed_file(clean, FORMATS[real_format][0])


def check_image(upload) -> tuple[bytes, str]:
    """The upload's bytes and real format, once Pillow has read it and it fits every rule."""
    size = getattr(upload, "size", None)
    if size is not None and size > settings.IMAGE_UPLOAD_MAX_BYTES:
        raise ValidationError(
            f"This image is {size / 1_048_576:.1f} MB; the limit is "
            f"{settings.IMAGE_UPLOAD_MAX_BYTES / 1_048_576:.0f} MB. Please export a smaller copy."
        )
    upload.seek(0)
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            real_format = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError("This file is not an image we can read. Upload a JPEG, PNG or WebP image.") from exc
    if real_format not in FORMATS:
        raise ValidationError(f"{real_format} images are not accepted. Upload a JPEG, PNG or WebP image.")
    _, allowed_extensions = FORMATS[real_format]
    name_extension = os.path.splitext(getattr(upload, "name", "") or "")[1].lower()
    if name_extension not in allowed_extensions:
        raise ValidationError(
            f"The file is named “{name_extension or 'without an extension'}” but is really a {real_format} image. "
            "Rename it or export it again."
        )
    if width * height > settings.IMAGE_UPLOAD_MAX_PIXELS:
        raise ValidationError(
            f"This image is {width}×{height} pixels, too large to process safely. Please export a smaller copy."
        )
    return data, real_format


def clean_content_image(upload) -> ContentFile:
    """An image from content/: a file this site stored itself (exported under its content hash, so
    already clean) is kept byte for byte, since encoding it again would change it for nothing; any
    other file is re-encoded like an upload."""
    data, real_format = check_image(upload)
    same = hashed_file(data, FORMATS[real_format][0])
    if max(Image.open(io.BytesIO(data)).size) <= MAX_SIDE and same.name == os.path.basename(upload.name):
        return same
    return reencode_image(upload)


def fit_card(upload, size: tuple[int, int] = (1200, 630)) -> ContentFile:
    """An editor's own link-preview image: checked and re-encoded like any upload, then cropped
    around its centre to the size link previews use."""
    clean = reencode_image(upload)
    with Image.open(io.BytesIO(clean.read())) as image:
        fitted = ImageOps.fit(image, size, Image.Resampling.LANCZOS)
        real_format = image.format
        return hashed_file(_reencode(fitted, real_format), clean.name.rsplit(".", 1)[1])


def hashed_file(data: bytes, extension: str) -> ContentFile:
    """A file named after its content: a changed image gets a new name, so caches never go stale."""
    return ContentFile(data, name=f"{hashlib.sha256(data).hexdigest()[:16]}.{extension}")


def _reencode(image: Image.Image, real_format: str) -> bytes:
    out = io.BytesIO()
    if real_format == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif real_format == "PNG":
        mode = "RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB"
        image.convert(mode).save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    return out.getvalue()


def store_image(clean: ContentFile, folder: str, storage=None) -> str:
    """Save under `folder/<content hash>.<ext>` unless that exact file is already stored."""
    storage = storage or default_storage
    name = f"{folder}/{clean.name}"
    if not storage.exists(name):
        name = storage.save(name, clean)
    return name
