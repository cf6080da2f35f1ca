"""Uploaded images and the texts that show them: what is in use, and deleting what nothing shows."""


from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from blog.models.articles import Page, Post
from core.renditions import (
    delete_with_renditions,
    media_names,
)
from core.uploads import image_in_use, markdown_fields  # noqa: F401 - blog.models' names


def delete_images_unless_used(names: set[str]) -> None:
    """Uploads that no post or page shows any more go, with their renditions."""
    for name in names:
        if name and not image_in_use(name):
            delete_with_renditions(name)


@receiver(post_delete, sender=Post)
def _forget_deleted_posts_images(sender, instance: Post, **kwargs) -> None:
    names = {instance.hero_image.name, instance.social_image.name, *media_names(instance.body)} - {"", None}
    card = instance.card_image.name
    transaction.on_commit(lambda: (delete_images_unless_used(names), delete_card_unless_used(card)))


@receiver(post_delete, sender=Page)
def _forget_deleted_pages_images(sender, instance: Page, **kwargs) -> None:
    names = media_names(instance.body)
    transaction.on_commit(lambda: delete_images_unless_used(names))


def delete_card_unless_used(name: str) -> None:
    """A replaced title card goes, unless another post shows the very same image (same title)."""
    if name and not Post.objects.filter(card_image=name).exists():
        default_storage.delete(name)

