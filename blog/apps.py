from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog and pages"
    content_steps = "blog.importer.content_steps"
