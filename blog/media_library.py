"""The admin's media library: every uploaded image (heroes, own link-preview images, body uploads),
with its alt text, where it is used, a Markdown snippet to reuse it, and whether it may be deleted.

Derived from storage and the saved texts rather than kept in a model of its own: the texts are what
decides whether an image is used and with which alt text (image_in_use reads them too), so a second
record could only fall out of step with them (an image pasted from another article, an import, an
upload never saved). The price is no "uploaded by"; the library reads a constant number of queries
(one for the articles, one per other model with a Markdown field) however many images there are."""

import re
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from blog.models import Post, markdown_fields
from core.uploads import UPLOAD_FOLDER

FOLDERS = ("posts", "social", UPLOAD_FOLDER)  # hero_upload_to, social_image's and the editor's uploads


@dataclass
class Use:
    label: str
    url: str | None


@dataclass
class LibraryImage:
    name: str
    url: str
    alts: list[str] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)

    @property
    def snippet(self) -> str:
        alt = next((alt for alt in self.alts if alt), _("Describe this image for people who cannot see it"))
        return f"![{alt}]({self.url})"

    @property
    def deletable(self) -> bool:
        return not self.uses


def _admin_url(instance) -> str | None:
    meta = instance._meta
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk])
    except NoReverseMatch:
        return None


def _add(image: LibraryImage, alt: str, use: Use) -> None:
    if alt and alt not in image.alts:
        image.alts.append(alt)
    if use not in image.uses:
        image.uses.append(use)


def library(storage=None) -> list[LibraryImage]:
    storage = storage or default_storage
    images: dict[str, LibraryImage] = {}
    for folder in FOLDERS:
        try:
            _, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        for file in sorted(files):
            name = f"{folder}/{file}"
            images[name] = LibraryImage(name=name, url=storage.url(name))
    by_url = {image.url: image for image in images.values()}
    if not images:
        return []
    markdown_image = re.compile(r"!\[([^\]]*)\]\((" + "|".join(map(re.escape, by_url)) + r")[^)]*\)")
    texts = [(model, name) for model, name in markdown_fields() if model is not Post]
    # hero_width and hero_height too: the ImageField reads them as each row is made (else a query a row).
    for post in Post.objects.only("pk", "title", "hero_image", "hero_width", "hero_height", "hero_alt", "social_image",
                                  "social_image_alt", "body", "sources"):
        use = Use(post.title, _admin_url(post))
        if post.hero_image.name in images:
            _add(images[post.hero_image.name], post.hero_alt, use)
        if post.social_image.name in images:
            _add(images[post.social_image.name], post.social_image_alt, use)
        for text in (post.body, post.sources):
            for alt, url in markdown_image.findall(text or ""):
                _add(by_url[url], alt, use)
    for model, name in texts:
        for instance in model._default_manager.filter(**{f"{name}__contains": "]("}):
            for alt, url in markdown_image.findall(getattr(instance, name) or ""):
                _add(by_url[url], alt, Use(str(instance), _admin_url(instance)))
    return sorted(images.values(), key=lambda image: (bool(image.uses), image.name))
