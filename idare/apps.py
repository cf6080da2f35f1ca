from django.apps import AppConfig


class IdareConfig(AppConfig):
    """The project itself as an app: what every app shares (rate limits, the content import,
    snapshots kept outside the database, site-wide snippets, the crisis phrases)."""

    name = "idare"
    verbose_name = "Site"
    content_steps = "idare.apps.content_steps"

    def ready(self):
        from idare import (
            checks,  # noqa: F401 - registers the deployment checks
            crisis,
            snippets,
        )

        snippets.connect()
        crisis.connect()


def content_steps(content_dir) -> list:
    from idare import crisis, launch, snippets

    return (snippets.content_steps(content_dir) + crisis.content_steps(content_dir)
            + launch.content_steps(content_dir))
