"""Publishing that works the first time, and refusals in plain sentences: no admin page shows a
constraint's name, the words "Constraint … is violated", an exception or an internal field name."""

import datetime
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from tests.factories import make_post, post_form
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

OUR_APPS = ("blog", "support", "engage", "idare")


def our_constraints():
    for model in apps.get_models():
        if model._meta.app_label in OUR_APPS:
            for constraint in model._meta.constraints:
                yield model, constraint


def constraint_names() -> set[str]:
    return {constraint.name.replace("%(class)s", model._meta.model_name) for model, constraint in our_constraints()}


def shows_internals(page: str) -> list[str]:
    """What in an admin page speaks the database's or Python's language rather than the editor's."""
    found = [name for name in constraint_names() if name in page]
    found += re.findall(r"Constraint “[^”]*” is violated|IntegrityError|ValidationError|Traceback", page)
    return found


def errors_of(response, field: str) -> list[str]:
    return list(response.context["adminform"].form.errors.get(field, []))


# --- publish now -------------------------------------------------------------------------------

def test_a_new_post_published_with_no_time_is_published_now():
    before = timezone.now()
    response = signed_in("Editor").post("/admin/blog/post/add/", post_form(status="published"))
    assert response.status_code == 302, shows_internals(response.content.decode())
    post = Post.objects.get(slug="a-new-article")
    assert post.status == "published" and before <= post.published_at <= timezone.now()
    assert Client().get(post.get_absolute_url()).status_code == 200


def test_a_writers_draft_published_by_an_editor_with_no_time_is_published_now():
    draft = make_post(status=Post.Status.DRAFT, published_at=None)
    response = signed_in("Editor").post(f"/admin/blog/post/{draft.pk}/change/", post_form(draft, status="published"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_visible


def test_publishing_a_draft_at_a_time_long_past_is_refused_next_to_the_time():
    draft = make_post(status=Post.Status.DRAFT, published_at=None)
    past = timezone.localtime() - datetime.timedelta(days=3)
    response = signed_in("Editor").post(f"/admin/blog/post/{draft.pk}/change/", post_form(
        draft, status="published", published_at_0=f"{past:%Y-%m-%d}", published_at_1=f"{past:%H:%M:%S}"))
    assert response.status_code == 200
    assert any("This time has passed" in error for error in errors_of(response, "published_at"))
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_past_time_is_kept_when_the_editor_says_it_is_meant():
    draft = make_post(status=Post.Status.DRAFT, published_at=None)
    past = timezone.localtime().replace(microsecond=0) - datetime.timedelta(days=3)
    response = signed_in("Editor").post(f"/admin/blog/post/{draft.pk}/change/", post_form(
        draft, status="published", published_at_0=f"{past:%Y-%m-%d}", published_at_1=f"{past:%H:%M:%S}",
        confirm_past_date="on"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at == past


def test_a_time_typed_a_few_minutes_ago_publishes_as_now_would():
    draft = make_post(status=Post.Status.DRAFT, published_at=None)
    moment = timezone.localtime().replace(microsecond=0) - datetime.timedelta(minutes=3)
    response = signed_in("Editor").post(f"/admin/blog/post/{draft.pk}/change/", post_form(
        draft, status="published", published_at_0=f"{moment:%Y-%m-%d}", published_at_1=f"{moment:%H:%M:%S}"))
    assert response.status_code == 302


# --- refusals next to what they concern --------------------------------------------------------

def test_an_unchecked_sensitive_post_is_refused_next_to_the_checklist_without_the_constraint():
    draft = make_post(status=Post.Status.DRAFT, published_at=None, sensitive=True, content_note="Mentions grief.")
    response = signed_in("Editor").post(f"/admin/blog/post/{draft.pk}/change/",
                                        post_form(draft, status="published", checked_help_resources="on"))
    assert response.status_code == 200
    page = response.content.decode()
    assert shows_internals(page) == []
    assert any("safe-messaging checklist" in error for error in errors_of(response, "checked_no_method_detail"))
    assert not response.context["adminform"].form.non_field_errors()


def test_every_rule_the_database_keeps_has_a_sentence_of_its_own():
    for model, constraint in our_constraints():
        message = str(constraint.violation_error_message)
        assert message != str(constraint.default_violation_error_message), f"{model.__name__}: {constraint.name}"
        assert "Constraint" not in message and constraint.name not in message
        assert message.endswith((".", "?")), message


def test_no_admin_add_form_answers_bad_input_with_internals():
    """Every add form of every app, sent empty and then with every text box holding junk."""
    client = signed_in()
    for model in admin.site._registry:
        if model._meta.app_label not in OUR_APPS:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        page = client.get(url)
        if page.status_code != 200:  # not added by hand (votes, counters)
            continue
        for data in ({}, dict.fromkeys(page.context["adminform"].form.fields, "¤" * 300)):
            answer = client.post(url, data)
            assert answer.status_code in (200, 302), url
            assert shows_internals(answer.content.decode()) == [], url


# --- saves that change nothing, changes that were refused --------------------------------------

def test_a_save_that_changes_nothing_says_so():
    post = make_post()
    response = signed_in("Editor").post(f"/admin/blog/post/{post.pk}/change/", post_form(post), follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["Nothing changed, so there was nothing to save."]


def test_a_change_says_it_was_changed():
    post = make_post()
    response = signed_in("Editor").post(f"/admin/blog/post/{post.pk}/change/",
                                        post_form(post, subtitle="A new subtitle"), follow=True)
    assert any("was changed successfully" in str(message) for message in response.context["messages"])


def test_a_writers_forced_publish_is_named_as_refused():
    draft = make_post(status=Post.Status.DRAFT, published_at=None)
    response = signed_in("Writer").post(f"/admin/blog/post/{draft.pk}/change/",
                                        post_form(draft, status="published", subtitle="Edited"), follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert "Only an editor changes “Status”: your change to it was not saved." in messages
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.subtitle == "Edited"


def test_a_writers_ordinary_save_warns_of_nothing():
    draft = make_post(status=Post.Status.DRAFT, published_at=None)
    response = signed_in("Writer").post(f"/admin/blog/post/{draft.pk}/change/",
                                        post_form(draft, subtitle="Edited"), follow=True)
    assert not any("Only an editor" in str(message) for message in response.context["messages"])
