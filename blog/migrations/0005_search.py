import html

from django.db import migrations, models
from django.utils.html import strip_tags

# A generated column: PostgreSQL refuses to change the type of a column it is computed from, so a
# later migration that alters title, subtitle or body_text must drop and re-add it around the change.
SEARCH_DOCUMENT = """
ALTER TABLE blog_post ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english'::regconfig, coalesce(subtitle, '')), 'B') ||
    setweight(to_tsvector('english'::regconfig, coalesce(body_text, '')), 'C')
) STORED;
CREATE INDEX blog_post_search_document ON blog_post USING gin (search_document);
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX blog_post_title_trgm ON blog_post USING gin (title gin_trgm_ops);
"""
DROP_SEARCH_DOCUMENT = """
DROP INDEX IF EXISTS blog_post_title_trgm;
DROP INDEX IF EXISTS blog_post_search_document;
ALTER TABLE blog_post DROP COLUMN IF EXISTS search_document;
"""


def fill_body_text(apps, schema_editor):
    Post = apps.get_model("blog", "Post")
    for post in Post.objects.only("pk", "body_html").iterator():
        text = " ".join(html.unescape(strip_tags(post.body_html)).split())
        Post.objects.filter(pk=post.pk).update(body_text=text)


def add_search_document(apps, schema_editor):
    """PostgreSQL only: SQLite searches with a plain match (blog/search.py)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_DOCUMENT)


def drop_search_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SEARCH_DOCUMENT)


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0004_roles'),
    ]

    operations = [
        migrations.AddField(
            model_name='post',
            name='body_text',
            field=models.TextField(default='', editable=False, help_text='The body as plain text, for search.'),
        ),
        migrations.RunPython(fill_body_text, migrations.RunPython.noop),
        migrations.RunPython(add_search_document, drop_search_document),
    ]
