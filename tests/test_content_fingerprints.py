"""The content import's fingerprints (core.models.ImportedContent) stay what earlier imports
stored. Each is pinned here as the digest written out by hand: if a refactor reorders a model's
fields or changes how a value reads, every row a database holds would look edited by an editor, and
the next import would keep stale rows instead of updating them."""

import datetime
import hashlib

from django.apps import apps

from blog.models import Author, Post
from core.models import ImportedContent, Snippet
from engage.models import Programme
from support.models import Helpline


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def test_every_imported_model_keeps_its_fingerprint_on_the_one_base():
    imported = [model for model in apps.get_models()
                if any(field.name == "imported_fingerprint" for field in model._meta.fields)]
    assert len(imported) >= 12
    assert all(issubclass(model, ImportedContent) for model in imported)


def test_a_declared_fields_fingerprint_is_the_digest_of_those_fields_in_order():
    assert Author(name="Asha", slug="asha", bio="Writes.").fingerprint() == digest("Asha", "asha", "Writes.")
    assert Snippet(slug="cta", description="Where", body="Words").fingerprint() == digest("cta", "Where", "Words")
    programme = Programme(title="Circle", slug="circle", kind="circle", summary="S", description="D", audience="A",
                          led_by="L", cost="Free", example=True, listed=False)
    assert programme.fingerprint() == digest("Circle", "circle", "circle", "S", "D", "A", "L", "Free", "True", "False")


def test_a_fingerprint_over_related_rows_takes_them_by_name_before_the_row_is_saved():
    post = Post(title="T", slug="t", subtitle="", body="B", excerpt="E", hero_alt="", hero_credit="", cta_topic="",
                status="draft", featured=False, sensitive=True)
    assert post.fingerprint(tag_names=["b", "a"]) == digest(
        "T", "t", "", "", "B", "E", "", "", "", "", "draft", "", "False", "a|b", "sensitive=True")
    line = Helpline(name="Line", slug="line", numbers="14416", urgency=1, lead="L", hours="24x7", cost="Free",
                    languages="Hindi", channel_note="", audience="All", source="S",
                    last_verified_on=datetime.date(2026, 12, 1), verified_by="V", active=True, editor_note="",
                    round_the_clock=True)
    assert line.fingerprint(periods=[], channels=[("phone", "14416", True)], language_names=["Hindi"]) == digest(
        "Line", "line", "14416", "1", "L", "24x7", "Free", "Hindi", "", "All", "S", "2026-12-01", "V", "True", "",
        "True", "[]", "[('phone', '14416', True)]", "Hindi")
