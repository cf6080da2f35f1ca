from django.apps import AppConfig


class EngageConfig(AppConfig):
    name = "engage"
    verbose_name = "Engage"
    content_steps = "engage.importer.content_steps"
