"""The editorial checks (blog/checks.py): safe-messaging wording from the crisis phrase list (kind
"wording", which search ignores), accessibility and readability; the panel on the article form and
its staff-only endpoint; acknowledgements with a reason; the gate on publishing a sensitive article;
the summary at publish; and every warning over the six articles in content/ (docs/EDITORIAL_CHECKS.md)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from blog import checks
from blog.models import CheckAcknowledgement, Post
from core.crisis import crisis_phrases_in, is_crisis_query
from core.models import CrisisPhrase
from tests.factories import CHECKLIST, make_post, make_review, make_staff, post_form, publish_form
from tests.helpers import signed_in

BODY = "## A hard year\n\nHer brother committed suicide in 2019. The family talks about him often."


def codes(warnings) -> list[str]:
    return [warning.code for warning in warnings]


# --- the phrase list ---------------------------------------------------------------------------

def test_the_importer_seeds_wording_with_its_suggestions(phrases):
    committed = CrisisPhrase.objects.get(phrase="committed suicide")
    assert committed.kind == CrisisPhrase.Kind.WORDING and committed.suggestion.startswith("died by suicide")
    assert not CrisisPhrase.objects.filter(kind=CrisisPhrase.Kind.WORDING, suggestion="").exists()
    assert CrisisPhrase.objects.filter(kind="wording", language="hi").exists()
    assert CrisisPhrase.objects.filter(kind="wording", language="hi-latn").exists()


def test_search_ignores_wording_to_avoid(phrases):
    for query in ("successful attempt", "shocking", "shokcing", "tragic", "failed attempt", "epidemic"):
        assert not is_crisis_query(query), query
    assert is_crisis_query("i want to die")  # the crisis kinds still count
    assert crisis_phrases_in("A shocking, tragic epidemic.") == []
    assert crisis_phrases_in("A shocking epidemic", kinds=["wording"]) == ["shocking", "epidemic"]


def test_a_wording_phrase_needs_a_suggestion(db):
    phrase = CrisisPhrase(phrase="suicide bid", language="en", kind=CrisisPhrase.Kind.WORDING)
    with pytest.raises(ValidationError) as refused:
        phrase.full_clean()
    assert "suggestion" in refused.value.message_dict


# --- safe messaging ----------------------------------------------------------------------------

def test_safe_messaging_wording_with_its_suggestion_and_sentence(phrases):
    [warning] = checks.safe_messaging("## News\n\nHe COMMITTED   suicide last year. Nothing else.")
    assert warning.code == "wording" and warning.group == checks.SAFE_MESSAGING
    assert "“committed suicide”" in warning.message
    assert warning.excerpt == "He COMMITTED suicide last year."
    assert warning.suggestion.startswith("died by suicide")
    found = codes(checks.safe_messaging("A successful attempt. A failed attempt. The shocking, tragic news."))
    assert found == ["wording"] * 4


def test_hindi_and_hinglish_match_as_search_does(phrases):
    hindi = checks.safe_messaging("उसने आत्महत्या कर ली। यह दुखद है।")
    assert [w.excerpt for w in hindi] == ["उसने आत्महत्या कर ली।"]
    hinglish = checks.safe_messaging("Usne SUICIDE kar liya, sab kehte hain.")
    assert len(hinglish) == 1 and hinglish[0].suggestion.startswith("suicide se maut hui")


def test_the_fingerprint_ignores_spacing_and_case_and_follows_the_words(phrases):
    one = checks.safe_messaging("He committed suicide last year.")[0]
    other = checks.safe_messaging("She committed suicide last year.")[0]
    assert checks.safe_messaging("he  COMMITTED suicide last year.")[0].fingerprint == one.fingerprint
    assert other.fingerprint != one.fingerprint


# --- accessibility -----------------------------------------------------------------------------

def test_images_without_alt_text():
    found = checks.accessibility("![](/media/a.jpg)\n\n![ ](/media/b.jpg)\n\n![A lake at dusk](/media/c.jpg)\n\n"
                                 "![decorative](/media/d.jpg)\n\n```\n![](/media/in-code.jpg)\n```")
    assert [w.excerpt for w in found] == ["![](/media/a.jpg)", "![ ](/media/b.jpg)"]


def test_headings_start_at_h2_and_skip_no_level():
    found = checks.accessibility("# Top\n\ntext\n\n## Two\n\n#### Four\n\n### Three\n\n## Two again\n\n### ok")
    assert codes(found) == ["heading-top", "heading-skip"]
    assert found[1].excerpt == "#### Four" and "###" in found[1].suggestion
    assert codes(checks.accessibility("### Starts too deep")) == ["heading-skip"]


def test_vague_link_text_and_bare_addresses():
    found = checks.accessibility("[Click here](/help/) or [here](/a/) or [read more](/b/) or "
                                 "[https://example.org](https://example.org) or [Tele-MANAS's hours](/help/) "
                                 "or see https://example.org/page or <https://example.org/x>.")
    assert codes(found) == ["link-text"] * 4 + ["bare-url"] * 2


def test_all_capital_paragraphs_but_not_acronyms():
    found = checks.accessibility("PLEASE READ THIS BEFORE YOU GO ON.\n\nWe follow WHO and NIMHANS guidance.\n\n"
                                 "## SOS")
    assert codes(found) == ["all-caps"]


# --- readability -------------------------------------------------------------------------------

def test_long_sentences_over_thirty_words():
    thirty = " ".join(["word"] * 30) + "."
    assert checks.readability(thirty) == []
    [warning] = checks.readability(thirty[:-1] + " more.")
    assert warning.code == "long-sentence" and "31 words" in warning.message


def test_reading_ease_is_flagged_under_its_threshold_and_stated():
    plain = "We talk. You rest. It helps a lot. " * 40
    assert checks.reading_ease(checks.sentences(plain)) > 90
    hard = ("Institutional organisational considerations necessitate comprehensive psychological evaluation "
            "methodologies. ") * 20
    [warning] = [w for w in checks.readability(hard) if w.code == "reading-ease"]
    assert "60–70 is plain English" in warning.message and "under 50 is flagged" in warning.message
    assert checks.reading_ease(checks.sentences("Too short to score.")) is None


def test_the_meta_description_length():
    assert codes(checks.meta_description("x" * 49)) == ["meta-length"]
    assert checks.meta_description("x" * 50) == checks.meta_description("x" * 160) == []
    [warning] = checks.meta_description("x" * 161)
    assert warning.field == "excerpt" and "161 characters" in warning.message


# --- the panel and its endpoint ----------------------------------------------------------------

@pytest.fixture
def post(phrases):
    return make_post(title="A year on", body=BODY, excerpt="short")


def test_the_panel_is_on_the_change_form_without_javascript(post):
    writer = signed_in("Writer")
    html = writer.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert 'id="editorial-checks"' in html and "“committed suicide”: safe-messaging guidance" in html
    assert "The meta description has 5 characters" in html
    assert 'name="acknowledge"' not in html  # writers see the warnings; editors and reviewers acknowledge
    assert 'name="acknowledge"' in signed_in("Editor").get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "js/admin-checks.js" in html


def test_the_endpoint_checks_the_text_as_typed_for_staff_only(post):
    url = f"/admin/blog/post/checks/?post={post.pk}"
    data = {"title": "A title", "body": "## Hi\n\n[click here](/help/)", "excerpt": "x" * 80}
    assert Client().post(url, data).status_code == 302  # to the sign-in page
    assert signed_in("Writer").get(url).status_code == 405
    response = signed_in("Writer").post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "words do not say where it leads." in html and "committed suicide" not in html
    assert signed_in("Clinical reviewer").post(url, data).status_code == 200
    assert signed_in("Writer").post("/admin/blog/post/checks/", data).status_code == 200  # a new article
    no_role = make_staff("Writer")
    no_role.groups.clear()  # staff, but no role: no permission on articles
    client = Client()
    client.force_login(no_role)
    assert client.post(url, data).status_code == 403
    assert signed_in("Writer").post("/admin/blog/post/checks/?post=999999", data).status_code == 404
    assert signed_in("Writer").post("/admin/blog/post/checks/?post=x", data).status_code == 404


# --- acknowledgements --------------------------------------------------------------------------

def wording_warning(post):
    return next(w for w in checks.check_fields(checks.post_fields(post)) if w.code == "wording")


def test_editors_and_reviewers_acknowledge_with_a_reason_writers_cannot(post):
    warning = wording_warning(post)
    url = f"/admin/blog/post/{post.pk}/acknowledge/"
    data = {"acknowledge": warning.ident, f"ack-reason-{warning.fingerprint}": "A quotation from the family."}
    assert signed_in("Writer").post(url, data).status_code == 403
    editor = signed_in("Editor")
    blank = editor.post(url, {**data, f"ack-reason-{warning.fingerprint}": "  "})
    assert blank.status_code == 400 and "Say why the wording is right as it is" in blank.content.decode()
    assert editor.post(url, {**data, "acknowledge": "wording:nope"}).status_code == 400
    assert not CheckAcknowledgement.objects.exists()
    response = editor.post(url, data)
    assert response.status_code == 303 and response["Location"] == f"/admin/blog/post/{post.pk}/change/"
    ack = CheckAcknowledgement.objects.get()
    assert (ack.code, ack.fingerprint, ack.reason) == ("wording", warning.fingerprint, "A quotation from the family.")
    html = editor.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "Acknowledged by" in html and "A quotation from the family." in html
    assert editor.post(url, data).status_code == 303 and CheckAcknowledgement.objects.count() == 1


def test_the_fragment_answer_keeps_the_typed_text(post):
    reviewer = signed_in("Clinical reviewer")
    typed = {"title": post.title, "excerpt": post.excerpt, "body": BODY + "\n\nIt was tragic."}
    tragic = next(w for w in checks.check_fields(typed) if "tragic" in w.message)
    response = reviewer.post(f"/admin/blog/post/{post.pk}/acknowledge/",
                             {**typed, "acknowledge": tragic.ident, f"ack-reason-{tragic.fingerprint}": "Her words."},
                             headers={"X-Idare-Fragment": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and "Her words." in html and "tragic" in html
    refused = reviewer.post(f"/admin/blog/post/{post.pk}/acknowledge/", {**typed, "acknowledge": tragic.ident},
                            headers={"X-Idare-Fragment": "1"})
    assert refused.status_code == 400 and "errornote" in refused.content.decode()


# --- publishing --------------------------------------------------------------------------------

def test_a_sensitive_article_is_published_only_with_its_wording_resolved_or_acknowledged(phrases):
    editor = signed_in("Editor")
    post = make_post(title="After a loss", body=BODY, sensitive=True, status="draft", published_at=None,
                     **dict.fromkeys(CHECKLIST, True))
    make_review(post)
    response = editor.post(f"/admin/blog/post/{post.pk}/change/", publish_form(post))
    html = response.content.decode()
    assert response.status_code == 200 and Post.objects.get(pk=post.pk).status == "draft"
    assert "every safe-messaging warning is reworded or acknowledged" in html
    body_field = html[html.index(' field-body"'):html.index(' field-saved_length')]
    assert "every safe-messaging warning" in body_field  # next to the field it concerns
    assert "onstraint" not in html and "check_acknowledged" not in html

    warning = wording_warning(post)
    CheckAcknowledgement.objects.create(post=post, code=warning.code, fingerprint=warning.fingerprint,
                                        reason="A quotation.")
    assert editor.post(f"/admin/blog/post/{post.pk}/change/", publish_form(post)).status_code == 302
    assert Post.objects.get(pk=post.pk).is_visible


def test_rewording_resolves_it(phrases):
    editor = signed_in("Editor")
    post = make_post(title="After a loss", body=BODY.replace("committed suicide", "died by suicide"), sensitive=True,
                     status="draft", published_at=None, **dict.fromkeys(CHECKLIST, True))
    make_review(post)
    assert editor.post(f"/admin/blog/post/{post.pk}/change/", publish_form(post)).status_code == 302


def test_an_ordinary_article_publishes_with_its_open_checks_summarised(post):
    Post.objects.filter(pk=post.pk).update(status="draft", published_at=None)
    post.refresh_from_db()
    editor = signed_in("Editor")
    response = editor.post(f"/admin/blog/post/{post.pk}/change/", publish_form(post, confirm_not_sensitive="on"),
                           follow=True)
    html = response.content.decode()
    assert Post.objects.get(pk=post.pk).is_visible
    assert "Saved as published with 2 checks still open" in html and "“committed suicide”" in html
    again = editor.post(f"/admin/blog/post/{post.pk}/change/", publish_form(Post.objects.get(pk=post.pk)),
                        follow=True).content.decode()
    assert "still open" not in again  # a save that changes nothing says only that


def test_an_acknowledgement_needs_a_reason_in_the_database_too(post):
    with pytest.raises(ValidationError):
        CheckAcknowledgement(post=post, code="wording", fingerprint="x", reason=" ").full_clean()


# --- precision over content/ --------------------------------------------------------------------

def test_every_warning_over_the_six_articles_is_the_documented_list(phrases):
    out = io.StringIO()
    call_command("editorial_checks", stdout=out)
    lines = out.getvalue().splitlines()
    warnings = [line.split("\t")[:2] for line in lines if line.startswith("00")]
    assert warnings == [
        ["002-when-anxiety-gets-loud.md", "long-sentence"],
        ["004-running-on-empty-burnout.md", "long-sentence"],
        ["004-running-on-empty-burnout.md", "long-sentence"],
        ["004-running-on-empty-burnout.md", "long-sentence"],
        ["004-running-on-empty-burnout.md", "long-sentence"],
        ["005-grief-has-no-timetable.md", "long-sentence"],
        ["006-asking-for-help-is-a-strength.md", "long-sentence"],
    ]
    assert lines[-1] == "7 warning(s)"


# --- acknowledging and withdrawing without JavaScript, and withdrawing -----------------------------

def test_acknowledging_through_the_article_form_saves_the_edits_too(post):
    """Without JavaScript "Acknowledge" is a submit button of the article form: the edits typed so
    far are saved with the acknowledgement, and the form comes back."""
    warning = wording_warning(post)
    editor = signed_in("Editor")
    edited = post_form(post, confirm_not_sensitive="on", subtitle="Typed before acknowledging",
                       body=post.body + "\n\nA new closing line.",
                       acknowledge=warning.ident, **{f"ack-reason-{warning.fingerprint}": "The family's words."})
    response = editor.post(f"/admin/blog/post/{post.pk}/change/", edited)
    assert response.status_code == 302 and response["Location"] == f"/admin/blog/post/{post.pk}/change/"
    post.refresh_from_db()
    assert post.subtitle == "Typed before acknowledging" and post.body.endswith("A new closing line.")
    ack = CheckAcknowledgement.objects.get()
    assert (ack.fingerprint, ack.reason) == (warning.fingerprint, "The family's words.")
    html = editor.get(response["Location"]).content.decode()
    assert "The warning is acknowledged." in html and "Acknowledged by" in html


def test_acknowledging_without_a_reason_through_the_form_still_keeps_the_edits(post):
    warning = wording_warning(post)
    response = signed_in("Editor").post(f"/admin/blog/post/{post.pk}/change/",
                                        post_form(post, subtitle="Kept anyway", acknowledge=warning.ident,
                                                  confirm_not_sensitive="on"),
                                        follow=True)
    assert "Say why the wording is right as it is, then acknowledge it." in response.content.decode()
    assert Post.objects.get(pk=post.pk).subtitle == "Kept anyway"
    assert not CheckAcknowledgement.objects.exists()


def test_a_writer_cannot_acknowledge_through_the_article_form(post):
    Post.objects.filter(pk=post.pk).update(status="draft", published_at=None)
    warning = wording_warning(post)
    response = signed_in("Writer").post(f"/admin/blog/post/{post.pk}/change/", post_form(
        Post.objects.get(pk=post.pk), acknowledge=warning.ident, **{f"ack-reason-{warning.fingerprint}": "Mine."}))
    assert response.status_code == 403 and not CheckAcknowledgement.objects.exists()


def acknowledged(post, warning, **fields) -> CheckAcknowledgement:
    return CheckAcknowledgement.objects.create(post=post, code=warning.code, fingerprint=warning.fingerprint,
                                               excerpt=warning.excerpt, reason="A quotation.", **fields)


def test_a_withdrawn_acknowledgement_is_kept_and_the_sensitive_article_is_held_back_again(phrases):
    post = make_post(title="After a loss", body=BODY, sensitive=True, status="draft", published_at=None,
                     **dict.fromkeys(CHECKLIST, True))
    make_review(post)
    warning = wording_warning(post)
    ack = acknowledged(post, warning)
    editor_user = make_staff("Editor", username="second-editor")
    editor = Client()
    editor.force_login(editor_user)
    assert 'name="withdraw_acknowledgement"' in editor.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    url = f"/admin/blog/post/{post.pk}/acknowledge/withdraw/"
    assert signed_in("Writer").post(url, {"acknowledgement": ack.pk}).status_code == 403
    assert editor.get(url).status_code == 405
    assert editor.post(url, {"acknowledgement": "x"}).status_code == 400
    response = editor.post(url, {"acknowledgement": ack.pk})
    assert response.status_code == 303 and response["Location"] == f"/admin/blog/post/{post.pk}/change/"
    ack.refresh_from_db()
    assert ack.withdrawn_by == editor_user and ack.withdrawn_at is not None  # kept, not deleted
    html = editor.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "The acknowledgement is withdrawn: the warning is open again." in html
    assert "withdrawn by second-editor" in html and 'name="acknowledge"' in html
    assert editor.post(url, {"acknowledgement": ack.pk}).status_code == 400  # once only

    refused = editor.post(f"/admin/blog/post/{post.pk}/change/", publish_form(post))
    assert refused.status_code == 200 and "every safe-messaging warning is reworded or acknowledged" in (
        refused.content.decode())
    assert Post.objects.get(pk=post.pk).status == "draft"
    acknowledged(post, warning)  # acknowledged again: a new row beside the withdrawn one
    assert CheckAcknowledgement.objects.count() == 2
    assert editor.post(f"/admin/blog/post/{post.pk}/change/", publish_form(post)).status_code == 302


def test_withdrawing_through_the_article_form_saves_the_edits_and_the_fragment_answers_the_panel(post):
    warning = wording_warning(post)
    ack = acknowledged(post, warning)
    reviewer = signed_in("Clinical reviewer")
    response = reviewer.post(f"/admin/blog/post/{post.pk}/acknowledge/withdraw/",
                             {"acknowledgement": ack.pk, "title": post.title, "body": post.body},
                             headers={"X-Idare-Fragment": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and "withdrawn by" in html and 'name="acknowledge"' in html
    second = acknowledged(post, warning)
    editor = signed_in("Editor")
    response = editor.post(f"/admin/blog/post/{post.pk}/change/",
                           post_form(post, subtitle="Edited as well", withdraw_acknowledgement=second.pk,
                                     confirm_not_sensitive="on"))
    assert response.status_code == 302 and response["Location"] == f"/admin/blog/post/{post.pk}/change/"
    assert Post.objects.get(pk=post.pk).subtitle == "Edited as well"
    assert not CheckAcknowledgement.objects.filter(withdrawn_at__isnull=True).exists()


def test_a_clinical_reviewer_acknowledges_through_the_read_only_form(post):
    """A reviewer's form is read-only: the button records the acknowledgement and changes nothing else."""
    warning = wording_warning(post)
    response = signed_in("Clinical reviewer").post(f"/admin/blog/post/{post.pk}/change/", post_form(
        post, subtitle="Not theirs to change", acknowledge=warning.ident,
        **{f"ack-reason-{warning.fingerprint}": "Quoted from the inquest."}))
    assert response.status_code == 303 and response["Location"] == f"/admin/blog/post/{post.pk}/change/"
    assert CheckAcknowledgement.objects.get().reason == "Quoted from the inquest."
    assert Post.objects.get(pk=post.pk).subtitle == post.subtitle
