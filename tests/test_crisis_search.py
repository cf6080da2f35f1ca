"""Search that recognises a person in crisis: one phrase list (idare.CrisisPhrase, seeded from
content/crisis_phrases.yaml), one normalisation, help first, and nothing stored, logged or cached."""

import io
import logging
import re

import pytest
from django.apps import apps
from django.core.management import call_command

from core.crisis import crisis_phrases_in, is_crisis_query, normalise
from core.models import CrisisPhrase
from tests.factories import make_helpline, make_post

pytestmark = pytest.mark.django_db


def html_of(client, query: str) -> str:
    return client.get("/search/", {"q": query}).content.decode()


# --- normalisation ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("I can't go on", "i cant go on"),
    ("I can’t go on!!!", "i cant go on"),
    ("  KILL   myself. ", "kil myself"),
    ("dieeee plzzz", "die plz"),
    ("Suïcide, café", "suicide cafe"),
    ("self-harm", "self harm"),
    ("ｓｕｉｃｉｄｅ", "suicide"),  # full-width letters: NFKC
    ("aatmahatya", "atmahatya"),
    ("मदद चाहिए।", "मदद चाहिए"),
])
def test_normalise(text, expected):
    assert normalise(text) == expected


def test_normalise_keeps_devanagari_vowel_signs_and_folds_only_two_spelling_variants():
    assert normalise("मरना चाहता हूँ") == normalise("मरना चाहता हूं") == "मरना चाहता हूं"
    assert normalise("ख़ुदकुशी") == normalise("खुदकुशी") == "खुदकुशी"
    assert normalise("जीना नहीं चाहती") == "जीना नहीं चाहती"  # matras, anusvara: all kept
    assert normalise("स्\u200dवयं") == "स्वयं"  # a joiner inside a word is not a space


# --- recognising a crisis ---------------------------------------------------------------------

@pytest.mark.usefixtures("phrases")
@pytest.mark.parametrize("query", [
    "I want to die", "i just want to die", "i want to dieeee", "kill myself", "killing myself", "suicide",
    "sucide", "suicde", "suicidal thoughts", "i cant go on", "I can't go on anymore", "no reason to live",
    "i just want to end it all tonight", "better off dead", "cutting myself", "self harm", "self-harm",
    "overdose", "मरना चाहता हूँ", "मैं मरना चाहती हूं", "आत्महत्या", "ख़ुदकुशी", "जीना नहीं चाहता", "मदद चाहिए",
    "marna chahta hoon", "main marna chahti hu", "khudkushi", "aatmahatya", "atmahatya", "jeena nahi chahta",
    "mar jana chahta", "madad chahiye", "mujhe madad chahie",
])
def test_crisis_queries_in_three_scripts_are_recognised(query):
    assert is_crisis_query(query)


@pytest.mark.usefixtures("phrases")
@pytest.mark.parametrize("query", [
    "trust", "boundaries", "burnout", "anxiety", "grief", "asking for help", "putting myself first",
    "burning myself out", "how to help a friend", "marna nahi chahta", "मदद नहीं चाहिए", "die", "", "self care",
])
def test_ordinary_topics_are_no_false_alarm(query):
    assert not is_crisis_query(query)


@pytest.mark.usefixtures("phrases")
def test_phrases_found_in_a_longer_text_are_named_as_editors_wrote_them_in_order():
    body = "Some readers told us they felt better off dead. Others spoke of suicide, and of self-harm."
    assert crisis_phrases_in(body) == ["better off dead", "suicide", "self-harm"]
    assert crisis_phrases_in(body, kinds=[CrisisPhrase.Kind.SELF_HARM]) == ["self-harm"]
    assert crisis_phrases_in("Trust, boundaries and burnout at work.") == []


# --- the search page --------------------------------------------------------------------------

@pytest.mark.usefixtures("phrases")
@pytest.mark.parametrize("query", ["I want to die", "kill myself", "suicide", "मदद चाहिए", "khudkushi"])
def test_a_crisis_search_puts_help_first_and_never_says_nothing_found(client, query):
    make_post(tags=["Healing"])
    html = html_of(client, query)
    help_at = html.index('class="crisis-help"')
    assert help_at < html.index("</main>") and "Nothing found" not in html
    calls = re.findall(r'class="crisis-help__call" href="(tel:[^"]+)"', html)
    assert calls == ["tel:112", "tel:14416"]  # the two most urgent active lines, from the data
    assert "You matter, and you don't have to go through this alone." in html.replace("&#x27;", "'")
    assert 'href="/blog/tag/healing/"' not in html  # no topic chips above or instead of help
    assert html.index("Childline") > help_at  # the other active lines are listed


@pytest.mark.usefixtures("phrases")
def test_results_of_a_crisis_search_follow_the_help(client):
    make_post(slug="on-suicide", title="Talking about suicide safely")
    html = html_of(client, "suicide")
    assert html.index('class="crisis-help"') < html.index('href="/blog/on-suicide/"')


@pytest.mark.usefixtures("phrases")
def test_the_buttons_follow_the_helplines_data_not_fixed_numbers(client):
    from support.models import Helpline

    Helpline.objects.filter(slug="tele-manas").update(active=False)
    make_helpline(name="A new line", numbers="1800-000-0001", urgency=2)
    from core import snapshots

    snapshots.refresh("helplines")
    calls = re.findall(r'class="crisis-help__call" href="(tel:[^"]+)"', html_of(client, "suicide"))
    assert calls == ["tel:112", "tel:18000000001"]


@pytest.mark.usefixtures("phrases")
@pytest.mark.parametrize("query", ["trust", "zzzqqq", "suicide", ""])
def test_every_search_is_private_and_never_stored(client, query):
    response = client.get("/search/", {"q": query})
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.usefixtures("phrases")
def test_an_ordinary_search_with_nothing_found_leads_with_support_and_help_before_topics(client):
    make_post(tags=["Trust"])
    html = html_of(client, "zzzqqq")
    assert "Nothing found" in html and 'class="crisis-help"' not in html
    assert html.index('href="/support/"') < html.index('href="/blog/tag/trust/"')
    assert html.index('href="/help/"', html.index("search-empty")) < html.index('href="/blog/tag/trust/"')


@pytest.mark.usefixtures("phrases")
@pytest.mark.parametrize("query", ["trust", "boundaries", "burnout"])
def test_ordinary_searches_show_results_as_before(client, query):
    make_post(slug="the-one", title=f"On {query}")
    html = html_of(client, query)
    assert 'href="/blog/the-one/"' in html and 'class="crisis-help"' not in html


@pytest.mark.usefixtures("phrases")
def test_a_crisis_search_leaves_no_log_line_and_no_row(client, caplog):
    counts = {model: model.objects.count() for model in apps.get_models()}
    django_logger = logging.getLogger("django")
    django_logger.addHandler(caplog.handler)  # "django" does not propagate to the root logger
    try:
        with caplog.at_level(logging.DEBUG):
            client.get("/search/", {"q": "i want to end it all"})
            logging.getLogger("django").setLevel(logging.DEBUG)
            client.get("/search/", {"q": "i want to end it all"})
    finally:
        django_logger.removeHandler(caplog.handler)
        django_logger.setLevel(logging.INFO)
    assert not [r for r in caplog.records if "end it all" in r.getMessage()]
    assert {model: model.objects.count() for model in apps.get_models()} == counts


@pytest.mark.usefixtures("phrases")
def test_a_crisis_search_costs_no_more_queries_than_an_ordinary_one(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_post(tags=["Trust"])
    client.get("/search/", {"q": "suicide"})  # the snapshots (phrases, helplines) are built once, then kept
    with CaptureQueriesContext(connection) as ordinary:
        client.get("/search/", {"q": "zzzqqq"})
    with django_assert_max_num_queries(len(ordinary.captured_queries)) as crisis:
        client.get("/search/", {"q": "i want to die"})
    assert not [q for q in crisis.captured_queries if "idare_crisisphrase" in q["sql"]]


# --- editors --------------------------------------------------------------------------------

@pytest.mark.usefixtures("phrases")
def test_a_phrase_added_or_deactivated_in_the_admin_counts_at_once(staff_client, django_capture_on_commit_callbacks):
    assert not is_crisis_query("tired of everything")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/admin/idare/crisisphrase/add/", {
            "phrase": "Tired of everything", "language": "en", "kind": "crisis", "active": "on"})
    assert response.status_code == 302
    assert is_crisis_query("so tired of everything")
    assert 'class="crisis-help"' in html_of(staff_client, "tired of everything")
    phrase = CrisisPhrase.objects.get(normalised="suicide")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/admin/idare/crisisphrase/{phrase.pk}/change/",
                          {"language": "en", "kind": "suicidal", "editor_note": "paused"})
    assert not is_crisis_query("suicide")


@pytest.mark.usefixtures("phrases")
@pytest.mark.parametrize(("phrase", "language", "message"), [
    ("!!! ...", "en", "Write the phrase in words"),
    ("KILL MYSELF", "en", "already in the list, written as “kill myself”"),
    ("मदद", "en", "This phrase is in Devanagari: choose Hindi."),
    ("madad", "hi", "choose Hinglish"),
])
def test_the_admin_refuses_a_phrase_with_a_sentence(staff_client, phrase, language, message):
    before = CrisisPhrase.objects.count()
    response = staff_client.post("/admin/idare/crisisphrase/add/",
                                 {"phrase": phrase, "language": language, "kind": "crisis", "active": "on"})
    assert response.status_code == 200 and message in response.content.decode()
    assert CrisisPhrase.objects.count() == before


def test_the_admin_lists_searches_and_filters_phrases(staff_client, phrases):
    listing = staff_client.get("/admin/idare/crisisphrase/", {"q": "khud", "language__exact": "hi-latn"})
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "khudkushi" in text and "aatmahatya" not in text


def test_the_import_keeps_an_editors_change_and_reports_it(phrases, tmp_path):
    CrisisPhrase.objects.filter(normalised="overdose").update(editor_note="An editor's reason")
    phrase = CrisisPhrase.objects.get(normalised="overdose")
    phrase.active = False
    phrase.save()
    content = tmp_path / "content"
    path = content / "crisis_phrases.yaml"
    path.write_text(path.read_text().replace("{phrase: overdose, language: en, kind: self-harm}",
                                             "{phrase: overdose, language: en, kind: suicidal}"))
    out = io.StringIO()
    call_command("import_content", "--content-dir", str(content), stdout=out)
    assert "kept  crisis phrase overdose" in out.getvalue()
    phrase.refresh_from_db()
    assert not phrase.active and phrase.kind == "self-harm"
    call_command("import_content", "--content-dir", str(content), "--force", stdout=io.StringIO())
    phrase.refresh_from_db()
    assert phrase.active and phrase.kind == "suicidal"


def test_a_second_import_changes_nothing(phrases, tmp_path):
    out = io.StringIO()
    call_command("import_content", "--content-dir", str(tmp_path / "content"), stdout=out)
    assert re.search(r"crisis phrase: 0 created, 0 updated, \d+ unchanged, 0 kept", out.getvalue())


def test_the_development_servers_request_log_never_holds_a_search():
    # `make run` logs each request line through django.server: the query string must not be in it.
    # The handler LOGGING configures (pytest adds capturing handlers of its own).
    (handler,) = [h for h in logging.getLogger("django.server").handlers if type(h) is logging.StreamHandler]
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s',
                               ("GET /search/?q=i+want+to+die HTTP/1.1", "200", "5720"), None)
    assert handler.filter(record)
    logged = handler.format(record)
    assert "GET /search/ HTTP/1.1" in logged and "want" not in logged
