"""Every form of the site, filled by hypothesis (`from_form`) and posted through the view that uses
it, with hostile text dropped into a few fields: never a 5xx, and nothing half-saved (a refused
submission leaves every table as it was; an accepted one adds exactly its own row)."""

from __future__ import annotations

import datetime
import uuid
from collections import Counter
from urllib.parse import quote_plus

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form, register_field_strategy
from hypothesis.statistics import collector, describe_statistics
from markdownx.fields import MarkdownxFormField

from blog.admin import PeriodForm
from blog.models import Post
from engage.forms import RegistrationForm
from engage.models import Registration, Session
from support.forms import PHONE, ContactForm, DirectoryFilters, EnquiryForm
from support.models import Concern, ContactMessage, Enquiry, Language, Provider
from tests.factories import (
    make_author,
    make_concern,
    make_language,
    make_post,
    make_programme,
    make_provider,
    make_session,
    make_staff,
    make_tag,
)

# How many examples, and whether they are drawn at random, is the profile's (tests/conftest.py): the
# same 30 on every run of the suite, so a red suite is the code's doing, never the draw's (a random
# draw once refused all 30 sessions); `make fuzz` draws many more from a seed it prints. Every bug a
# fuzzer has found is kept below as an explicit @example, tried on every run.
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# An id past 64 bits (SQLite's driver refuses it: "Python int too large to convert to SQLite INTEGER").
OVERSIZED_ID = "99999999999999999999"
ENQUIRY = {"age": "adult", "name": "Asha", "reply_by": "email", "email": "asha@example.com",
           "safe_to_leave_message": "yes", "language": "english", "mode": "online", "budget": "up-to-500",
           "help_with": "Worry at work", "consent": "on"}
PROGRAMME_ID = 7_000_001  # a programme of its own id, for an example that names it
OUR_APPS = ("blog", "support", "engage", "idare")

# What a hostile or broken client types: NUL bytes, lone surrogates (not encodable as UTF-8: they
# travel as raw bytes), bidirectional controls, and very long strings.
ODD_CHARACTERS = st.sampled_from(["\x00", "\ud800", "\udfff", "\u202e", "\u200f", "\u2066", "\ufeff", "\x1b", "%",
                                  "&", "=", "+", "\r", "\n", "𝕏", "é", "\u0301"])
HOSTILE_TEXT = st.one_of(
    st.text(alphabet=st.one_of(ODD_CHARACTERS, st.characters()), max_size=40),
    st.builds(lambda chunk, times: chunk * times, st.text(min_size=1, max_size=4), st.integers(500, 5000)),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "NaN", "2024-02-30", "25:61:00", "None",
                     "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd"]),
)

register_field_strategy(MarkdownxFormField, st.text())

# Phone numbers as people type them (hypothesis's text would almost never be one), or none.
PHONES = st.one_of(st.from_regex(PHONE, fullmatch=True), st.just(""))


def hostile(form_class, form_kwargs=None, **fields: st.SearchStrategy) -> st.SearchStrategy[dict]:
    """The data of a form hypothesis filled in (strings, as a browser sends them), with up to three
    of its fields replaced by hostile text."""
    names = list(form_class(**(form_kwargs or {})).fields)

    @st.composite
    def build(draw):
        data = as_posted(draw(from_form(form_class, form_kwargs=form_kwargs, **image_fields(form_class), **fields)))
        for name in draw(st.sets(st.sampled_from(names), max_size=3)):
            data[name] = draw(HOSTILE_TEXT)
        return data

    return build()


def admin_form(model, user) -> type[forms.ModelForm]:
    """The form the admin's add page builds for this user (its widgets, its disabled fields)."""
    request = RequestFactory().get("/")
    request.user = user
    return admin.site._registry[model].get_form(request)


def image_fields(form_class) -> dict:
    """hypothesis makes no uploads: the image fields stay empty (uploads have their own tests)."""
    return {name: st.none() for name, field in form_class.base_fields.items() if isinstance(field, forms.FileField)}


def as_posted(form: forms.Form) -> dict:
    """A bound form's data the way a browser posts it: strings, an unticked box left out."""
    posted = {}
    for name, value in form.data.items():
        if value is None or value is False:
            continue
        items = [as_text(item) for item in (value if isinstance(value, list | tuple) else [value])]
        posted[name] = items if isinstance(value, list | tuple) else items[0]
    return posted


def as_text(value) -> str:
    if value is True:
        return "on"
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def urlencoded(data: dict) -> str:
    """Form encoding that lets lone surrogates through as the raw (invalid UTF-8) bytes a broken
    client would send."""
    pairs = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append(f"{quote_plus(name)}={quote_plus(item.encode('utf-8', 'surrogatepass'))}")
    return "&".join(pairs)


def row_counts() -> Counter:
    return Counter({model._meta.label: model.objects.count() for app in OUR_APPS
                    for model in apps.get_app_config(app).get_models()})


def redirected(response) -> bool:
    return response.status_code in (302, 303)


def post_and_check(client, path: str, data: dict, model, outcomes: Counter, accepted=redirected,
                   companions: frozenset = frozenset()) -> None:
    """`companions`: records an accepted form may add beside its one row (a published article's
    entry in the review history), at most one each; a refused form adds nothing at all."""
    before = row_counts()
    response = client.post(path, urlencoded(data), content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, (path, data)
    added = row_counts()
    added.subtract(before)
    added = {label: n for label, n in added.items() if n}
    if accepted(response):
        outcomes["accepted"] += 1
        assert all(added.pop(label, 0) <= 1 for label in companions), (path, data)
        assert added == {model._meta.label: 1}, (path, data)
    else:
        outcomes["refused"] += 1
        assert added == {}, (path, response.status_code, data)


def get_and_check(client, path: str, data: dict, outcomes: Counter) -> None:
    before = row_counts()
    response = client.get(path + "?" + urlencoded(data))
    assert response.status_code < 500, (path, data)
    assert row_counts() == before
    outcomes[response.status_code] += 1


@pytest.fixture(autouse=True)
def statistics(request):
    """Each run is nested in its test (its forms need the test's rows), where pytest's Hypothesis
    plugin does not look: its statistics are handed to the plugin here, for --hypothesis-show-statistics."""
    noted = []
    with collector.with_value(noted.append):
        yield
    if noted:
        request.node.hypothesis_statistics = describe_statistics({**noted[-1], "nodeid": request.node.nodeid})


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    for name in ("IDARE_ENQUIRY_RATE", "IDARE_CONTACT_RATE", "IDARE_REGISTRATION_RATE",
                 "IDARE_SESSION_REGISTRATION_RATE", "IDARE_VOTE_RATE"):
        setattr(settings, name, "off")


def received(response) -> bool:
    """Sent: the private confirmation page (the under-18 page keeps nothing)."""
    return response.status_code == 303 and "/received/" in response["Location"]


@pytest.mark.django_db
def test_enquiry_form_never_fails_and_saves_one_enquiry_or_nothing(client):
    make_language("English")
    make_provider(accepting_new_clients=True)
    outcomes = Counter()

    @FUZZ
    @given(hostile(EnquiryForm, phone=PHONES))
    @example({"preferred_provider": OVERSIZED_ID, "urgency": OVERSIZED_ID})  # as the provider form's
    @example(ENQUIRY)  # an accepted one, whatever the draw
    def run(data):
        post_and_check(client, "/support/request/", data, Enquiry, outcomes, accepted=received)

    run()
    assert outcomes["accepted"] and outcomes["refused"], outcomes


@pytest.mark.django_db
def test_contact_form_never_fails_and_saves_one_message_or_nothing(client):
    outcomes = Counter()

    @FUZZ
    @given(hostile(ContactForm, phone=PHONES))
    @example({"name": "Ravi", "reply_by": "email", "email": "ravi@example.com", "topic": "press",
              "message": "A question", "consent": "on"})  # an accepted one, whatever the draw
    @example({"name": "Ravi", "reply_by": "email", "email": "ravi@example.com", "topic": "press"})  # and a refused one
    def run(data):
        post_and_check(client, "/contact/", data, ContactMessage, outcomes)

    run()
    assert outcomes["accepted"] and outcomes["refused"], outcomes


@pytest.mark.django_db
def test_registration_form_never_fails_and_saves_one_registration_or_nothing(client):
    session = make_session(capacity=1000)
    path = f"/engage/{session.programme.slug}/{session.pk}/register/"
    outcomes = Counter()

    @FUZZ
    @given(hostile(RegistrationForm))
    @example({"name": "Asha", "email": "asha@example.com", "consent": "on"})  # an accepted one, whatever the draw
    @example({"name": "Asha", "email": "asha@example.com"})  # and a refused one
    def run(data):
        post_and_check(client, path, data, Registration, outcomes)

    run()
    assert outcomes["accepted"] and outcomes["refused"], outcomes


@pytest.mark.django_db
def test_directory_filters_never_fail_and_change_nothing(client):
    make_provider(languages=("English", "Hindi"), concerns=("Anxiety",), in_person=True, city="Pune")
    kwargs = {"languages": Language.objects.all(), "concerns": Concern.objects.all(), "cities": ["Pune"]}
    outcomes = Counter()

    class Filters(DirectoryFilters):  # bound the way from_form binds a form
        def __init__(self, data=None, files=None, **kwargs):
            super().__init__(data, **kwargs)

    @FUZZ
    @given(hostile(Filters, kwargs))
    def run(data):
        get_and_check(client, "/support/providers/", data, outcomes)

    run()
    assert outcomes[200], outcomes


@pytest.mark.django_db
def test_engagement_period_never_fails_and_changes_nothing(staff_client):
    outcomes = Counter()

    @FUZZ
    @given(hostile(PeriodForm))
    @example({"start": "2024-03-01", "end": "2024-03-31"})  # a period, whatever the draw
    @example({"start": "2024-02-30", "end": "2024-03-31"})  # and no period
    def run(data):
        get_and_check(staff_client, "/admin/blog/post/engagement/", data, outcomes)

    run()
    assert outcomes[200] and outcomes[400], outcomes


@pytest.mark.django_db
def test_admin_post_form_never_fails_and_adds_one_post_or_nothing(client):
    editor = make_staff("Editor")
    client.force_login(editor)
    make_author()
    make_tag("Anxiety")
    make_post()
    form_class = admin_form(Post, editor)
    outcomes = Counter()

    @FUZZ
    @given(hostile(form_class), st.uuids())
    @example({"title": "A", "author": OVERSIZED_ID, "tags": [OVERSIZED_ID]}, uuid.UUID(int=0))  # as the provider's
    def run(data, unique):
        data["slug"] = data.get("slug") or f"fuzzed-{unique.hex}"
        post_and_check(client, "/admin/blog/post/add/", data, Post, outcomes,
                       companions=frozenset({"blog.EditorialEvent"}))

    run()
    assert outcomes["refused"], outcomes


@pytest.mark.django_db
def test_admin_session_form_never_fails_and_adds_one_session_or_nothing(staff_client, admin_user):
    make_session(make_programme(pk=PROGRAMME_ID))
    outcomes = Counter()

    @FUZZ
    @given(hostile(admin_form(Session, admin_user), time_zone=st.sampled_from(["Asia/Kolkata", "Europe/London"])))
    @example({"programme": OVERSIZED_ID, "capacity": OVERSIZED_ID})  # as the provider's
    # An accepted one, whatever the draw: a draw once refused all 30 sessions.
    @example({"programme": str(PROGRAMME_ID), "starts_at_0": "2100-03-05", "starts_at_1": "18:30:00",
              "ends_at_0": "2100-03-05", "ends_at_1": "20:00:00", "time_zone": "Asia/Kolkata", "mode": "online",
              "place": "Video call", "capacity": "20"})
    def run(data):
        post_and_check(staff_client, "/admin/engage/session/add/", data, Session, outcomes)

    run()
    assert outcomes["accepted"] and outcomes["refused"], outcomes


@pytest.mark.django_db
def test_admin_provider_form_never_fails_and_adds_one_provider_or_nothing(staff_client, admin_user):
    make_language("English")
    make_concern("Anxiety")
    outcomes = Counter()

    @FUZZ
    @given(hostile(admin_form(Provider, admin_user)), st.uuids())
    @example({"name": "A", "languages": [OVERSIZED_ID]}, uuid.UUID(int=0))  # a 500 on SQLite, found by this fuzzer
    @example({"name": "A", "languages": ["1", OVERSIZED_ID], "concerns": [OVERSIZED_ID]}, uuid.UUID(int=1))
    def run(data, unique):
        data["slug"] = data.get("slug") or f"fuzzed-{unique.hex}"
        post_and_check(staff_client, "/admin/support/provider/add/", data, Provider, outcomes)

    run()
    assert outcomes["refused"], outcomes
