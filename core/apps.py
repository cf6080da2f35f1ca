import contextlib

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """The kernel every app shares: rate limits, the content import, snapshots kept outside the
    database, site-wide snippets, the crisis phrases, lookups in which an integer no column holds
    matches nothing.

    Its label stays "idare", the name of the package it grew in: the label names its tables
    (idare_snippet, ...), its rows in django_migrations, its content types and its permissions
    (idare.change_snippet), so every existing database, and every group given those permissions,
    keeps working without a migration."""

    name = "core"
    label = "idare"
    verbose_name = "Site"
    content_steps = "core.apps.content_steps"

    def ready(self):
        from core import (
            checks,  # noqa: F401 - registers the deployment checks
            crisis,
            lookups,
            snippets,
        )
        from serving import page_cache

        lookups.register()
        page_cache.connect()
        snippets.connect()
        crisis.connect()
        post_migrate.connect(record_key_check, sender=self)


def record_key_check(using="default", **kwargs) -> None:
    """A new database stores its key check at once; one whose keys do not fit stores nothing (the
    check before migrating, and gunicorn's start, say why)."""
    from core.crypto import WrongKeys, check_keys

    with contextlib.suppress(WrongKeys):
        check_keys(using)


def content_steps(content_dir) -> list:
    from core import crisis, launch, snippets

    return (snippets.content_steps(content_dir) + crisis.content_steps(content_dir)
            + launch.content_steps(content_dir))
