from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog and pages"
    content_steps = "blog.importer.content_steps"

    def ready(self):
        from blog.models import Author, Correction, Page, Post, Tag
        from idare.pagecache import changes_to

        changes_to(Author, Correction, Page, Post, Tag)
