from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support and crisis help"
    content_steps = "support.importer.content_steps"

    def ready(self):
        from support import helpline_snapshot

        helpline_snapshot.connect()
