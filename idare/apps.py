from django.apps import AppConfig


class IdareConfig(AppConfig):
    """The project itself as an app: what every app shares (rate limits, the content import,
    snapshots kept outside the database, site-wide snippets)."""

    name = "idare"
    verbose_name = "Site"
    content_steps = "idare.snippets.content_steps"

    def ready(self):
        from idare import (
            checks,  # noqa: F401 - registers the deployment checks
            snippets,
        )

        snippets.connect()
