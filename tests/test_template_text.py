"""The check that no template word escapes translation (core/template_text.py, `make lint`)."""

from pathlib import Path

from core.template_text import untranslated_in, untranslated_templates


def texts(source: str, **options) -> list[str]:
    return [item.text for item in untranslated_in(source, **options)]


def test_a_word_outside_the_translation_tags_is_found_with_its_line():
    found = untranslated_in('{% load i18n %}\n<h1>{% translate "Find help" %}</h1>\n<p>Call us today.</p>\n')
    assert [(item.line, item.text) for item in found] == [(3, "Call us today.")]


def test_what_people_see_or_hear_in_attributes_counts_too():
    source = '<img src="/a.jpg" alt="A calm lake"><a href="{% url \'help\' %}" title="Help now">…</a>' \
             '<input placeholder="Search"><nav aria-label="Breadcrumb"></nav><div class="site-nav"></div>'
    assert texts(source) == ["A calm lake", "Help now", "Search", "Breadcrumb"]


def test_translated_commented_and_scripted_words_and_the_name_are_not_found():
    source = """{% load i18n %}
<title>{% translate "Help" %} · iDare</title>
<p>{% blocktranslate trimmed with name=person %}Hello {{ name }},
  we read every message.{% endblocktranslate %}</p>
{# a note for whoever edits this #}{% comment %}Old wording here{% endcomment %}
<img alt="{% translate 'A calm lake' %}">
<script type="application/ld+json">{"name": "iDare", "type": "Article"}</script>
<style>.lede { font-size: 1rem }</style>
<p>{{ post.title }} &middot; {{ post.author }} · 2024</p>
"""
    assert texts(source) == []


def test_an_e_mail_in_plain_text_is_read_line_by_line():
    source = '{% load i18n %}{% translate "Hello," %}\n\nYour place is held.\n{{ url }}\n'
    assert [(item.line, item.text) for item in untranslated_in(source, html=False)] == [(3, "Your place is held.")]


def test_the_folder_walk_reads_html_and_txt_files(tmp_path: Path):
    (tmp_path / "email").mkdir()
    (tmp_path / "page.html").write_text("<p>Words</p>")
    (tmp_path / "email" / "note.txt").write_text("More words\n")
    (tmp_path / "style.css").write_text("body { color: red }")
    assert [item.text for item in untranslated_templates(tmp_path)] == ["More words", "Words"]  # by path


def test_css_classes_in_a_class_block_and_tags_inside_html_tags_are_not_words():
    source = ('{% block bodyclass %}{{ block.super }} app-blog model-post desk{% endblock %}'
              '<h{{ level }} id="{{ prefix }}-heading"{% if open %} class="is-open"{% endif %}>'
              '{{ name }}</h{{ level }}>'
              '{% block title %}Desk{% endblock %}')
    assert texts(source) == ["Desk"]


def test_every_word_in_our_templates_goes_through_translation():
    """The rule since Hindi first: a template word that escapes the catalogue is named here."""
    from django.conf import settings

    assert [str(item) for item in untranslated_templates(Path(settings.BASE_DIR) / "templates")] == []
