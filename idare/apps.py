from django.apps import AppConfig


class IdareConfig(AppConfig):
    """The project itself as an app: what every app shares (rate limits, the content import)."""

    name = "idare"
    verbose_name = "Site"

    def ready(self):
        from idare import checks  # noqa: F401 - registers the deployment checks
