import contextlib

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IdareConfig(AppConfig):
    """The project itself as an app: what every app shares (rate limits, the content import,
    snapshots kept outside the database, site-wide snippets, the crisis phrases, lookups in which an
    integer no column holds matches nothing)."""

    name = "idare"
    verbose_name = "Site"
    content_steps = "idare.apps.content_steps"

    def ready(self):
        from idare import (
            checks,  # noqa: F401 - registers the deployment checks
            crisis,
            lookups,
            pagecache,
            sessions,  # noqa: F401 - marks staff sessions at sign-in
            snippets,
        )

        lookups.register()
        pagecache.connect()
        snippets.connect()
        crisis.connect()
        post_migrate.connect(record_key_check, sender=self)


def record_key_check(using="default", **kwargs) -> None:
    """A new database stores its key check at once; one whose keys do not fit stores nothing (the
    check before migrating, and gunicorn's start, say why)."""
    from idare.crypto import WrongKeys, check_keys

    with contextlib.suppress(WrongKeys):
        check_keys(using)


def content_steps(content_dir) -> list:
    from idare import crisis, launch, snippets

    return (snippets.content_steps(content_dir) + crisis.content_steps(content_dir)
            + launch.content_steps(content_dir))
