from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support and crisis help"
    content_steps = "support.importer.content_steps"

    def ready(self):
        from idare.pagecache import changes_to
        from support import snapshot
        from support.models import Helpline, HelplineChannel, OpeningPeriod

        snapshot.connect()
        changes_to(Helpline, OpeningPeriod, HelplineChannel)
