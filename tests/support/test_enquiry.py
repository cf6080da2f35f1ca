"""The enquiry form, as a person asking for help uses it, and what happens to what they send."""

import datetime
import io
import re
import smtplib
import time

import pytest
from django.core import mail, signing
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from support.models import Enquiry, StaffAccess, Status
from tests.factories import enquiry_answers, make_provider, make_staff, make_support_text

pytestmark = pytest.mark.django_db

FORM = "/support/request/"
MARKER = "Zq7marker"



def send(client, **overrides):
    return client.post(FORM, enquiry_answers(**overrides))


def thanks_page(client, response):
    assert response.status_code == 303
    return client.get(response["Location"])


def withdraw_link(html: str) -> str:
    return re.search(r'href="(/support/request/withdraw/[^"]+)"', html).group(1)


@pytest.fixture(autouse=True)
def _languages(languages):
    return languages


@pytest.fixture(autouse=True)
def demo(settings):
    """Seeded examples show only when the site runs as a demo, as `make run` and `make serve` do."""
    settings.IDARE_DEMO = True


def test_the_form_asks_only_what_the_issue_lists_and_is_never_stored_in_a_cache(client):
    response = client.get(FORM)
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    form = re.search(r'<form[^>]*action="/support/request/".*?</form>', html, re.S).group(0)  # not the header's search
    names = set(re.findall(r'name="([a-z_]+)"', form)) - {"csrfmiddlewaretoken"}
    assert names == {"age", "name", "reply_by", "email", "phone", "safe_to_leave_message", "language", "mode",
                     "budget", "help_with", "preferred_provider", "consent", "website"}
    assert 'autocomplete="email"' in html and 'autocomplete="tel"' in html and 'autocomplete="given-name"' in html
    assert 'type="email"' in html and 'type="tel"' in html
    assert 'href="/privacy/"' in html and 'href="/help/"' in html and 'href="tel:112"' in html


def test_radio_questions_are_fieldsets_with_legends(client):
    html = client.get(FORM).content.decode()
    for legend in ("Are you 18 or older?", "How should we reply?", "is it safe to leave a message?",
                   "online or in person?", "What could you pay for a session?"):
        assert re.search(rf"<fieldset[^>]*>\s*<legend[^>]*>[^<]*{re.escape(legend)}", html), legend


def test_head_answers_like_get(client):
    get, head = client.get(FORM), client.head(FORM)
    assert head.status_code == get.status_code == 200 and head["Content-Type"] == get["Content-Type"]
    assert head.content == b"" and "no-store" in head["Cache-Control"]


def test_a_complete_enquiry_goes_to_a_private_page_with_a_reference_and_next_steps(client):
    make_support_text("next-steps", title="What happens next", body="We read it within [to be confirmed by iDare].")
    response = send(client)
    assert response.status_code == 303 and "no-store" in response["Cache-Control"]
    enquiry = Enquiry.objects.get()
    location = response["Location"]
    assert location.startswith("/support/request/received/") and "asha" not in location.lower()
    page = client.get(location)
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "no-referrer"
    assert enquiry.reference in html and "Your reference" in html
    assert "What happens next" in html and "[to be confirmed by iDare]" in html
    assert "not an emergency service" in html and 'href="/help/"' in html and 'href="tel:112"' in html
    assert "/support/request/withdraw/" in html


def test_what_is_stored_is_what_was_sent(client, languages):
    provider = make_provider(name="Real Provider")
    send(client, preferred_provider=provider.slug, reply_by="phone", phone="+91 98450 12345",
         email="typed-but-not-chosen@example.com", safe_to_leave_message="no", budget="free", mode="either")
    enquiry = Enquiry.objects.get()
    assert (enquiry.name, enquiry.reply_by, enquiry.phone, enquiry.email) == ("Asha", "phone", "+91 98450 12345", "")
    assert enquiry.safe_to_leave_message is False and enquiry.language.name == "Hindi"
    assert (enquiry.mode, enquiry.budget, enquiry.help_with) == ("either", "free", "Worry at work")
    assert enquiry.preferred_provider == provider and enquiry.status == "new" and enquiry.consented_at


def test_another_language_is_kept_as_no_language(client):
    send(client, language="other")
    assert Enquiry.objects.get().language is None


INVALID = {
    "no age answer": {"age": ""},
    "no name": {"name": "   "},
    "name too long": {"name": "x" * 81},
    "no way to reply": {"reply_by": ""},
    "e-mail chosen but missing": {"reply_by": "email", "email": ""},
    "bad e-mail": {"email": "not-an-address"},
    "phone chosen but missing": {"reply_by": "phone", "phone": ""},
    "bad phone": {"reply_by": "phone", "phone": "call me maybe"},
    "no answer about messages": {"safe_to_leave_message": ""},
    "unknown language": {"language": "klingon"},
    "null byte": {"language": "hi\x00"},
    "no mode": {"mode": ""},
    "unknown mode": {"mode": "by-pigeon"},
    "no budget": {"budget": ""},
    "free text too long": {"help_with": "x" * 2001},
    "unknown provider": {"preferred_provider": "no-such-provider"},
    "no consent": {"consent": ""},
    "honeypot filled": {"website": "http://spam.example"},
}


@pytest.mark.parametrize("change", INVALID.values(), ids=INVALID.keys())
def test_every_invalid_answer_gives_the_form_back_with_its_error_and_stores_nothing(client, change):
    response = send(client, **change)
    html = response.content.decode()
    assert response.status_code == 400 and "no-store" in response["Cache-Control"]
    assert 'class="error-summary"' in html and "There is a problem" in html
    assert "<title>Error: " in html
    assert Enquiry.objects.count() == 0 and len(mail.outbox) == 0


def test_errors_are_linked_from_the_summary_to_their_fields(client):
    html = send(client, name="", reply_by="", consent="").content.decode()
    for target in ("id_name", "id_reply_by_0", "id_consent"):
        assert f'href="#{target}"' in html and f'id="{target}"' in html
    assert 'aria-invalid="true"' in html
    assert re.search(r'<input[^>]*aria-describedby="id_name_error"[^>]*name="name"', html) or re.search(
        r'<input[^>]*name="name"[^>]*aria-describedby="id_name_error"', html)
    assert 'id="id_name_error"' in html


def test_what_the_person_typed_is_kept_when_the_form_comes_back(client):
    html = send(client, consent="", name="Asha", help_with="Worry at work").content.decode()
    assert 'value="Asha"' in html and "Worry at work" in html


def test_a_garbage_body_is_a_form_error_not_a_server_error(client):
    response = client.generic("POST", FORM, b"\xff\xfe\x00garbage", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and Enquiry.objects.count() == 0


def test_without_the_csrf_token_nothing_is_stored():
    response = Client(enforce_csrf_checks=True).post(FORM, enquiry_answers())
    assert response.status_code == 403 and Enquiry.objects.count() == 0


# --- under 18 ----------------------------------------------------------------------------------

def test_under_18_are_sent_to_youth_helplines_and_nothing_is_kept(client, all_logs):
    response = send(client, age="under-18", name=MARKER, help_with=MARKER)
    assert response.status_code == 303 and response["Location"] == "/support/request/under-18/"
    assert Enquiry.objects.count() == 0 and len(mail.outbox) == 0
    page = client.get(response["Location"])
    html = " ".join(page.content.decode().split())
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert 'href="tel:14416"' in html and 'href="tel:1098"' in html and 'href="tel:112"' in html
    assert "not kept anything you typed" in html and MARKER not in html
    assert not any(MARKER in line for line in all_logs)


def test_under_18_goes_first_even_when_the_rest_is_incomplete(client):
    response = client.post(FORM, {"age": "under-18"})
    assert response.status_code == 303 and Enquiry.objects.count() == 0


# --- providers ---------------------------------------------------------------------------------

def test_an_example_provider_cannot_be_chosen(client):
    example = make_provider(name="Invented (example)", example=True)
    assert f'value="{example.slug}"' not in client.get(FORM).content.decode()
    response = send(client, preferred_provider=example.slug)
    assert response.status_code == 400 and "Example listings" in response.content.decode()
    assert Enquiry.objects.count() == 0


def test_the_model_refuses_an_example_provider_too():
    example = make_provider(example=True)
    enquiry = Enquiry(name="A", reply_by="email", email="a@example.com", safe_to_leave_message=True, mode="online",
                      budget="free", preferred_provider=example)
    with pytest.raises(Exception, match="example listing"):
        enquiry.clean()


def test_a_provider_page_link_preselects_a_real_provider(client):
    provider = make_provider(name="Real One")
    html = client.get(f"{FORM}?provider={provider.slug}").content.decode()
    assert re.search(rf'<option value="{provider.slug}" selected>', html)
    assert "You are asking about Real One" in html


@pytest.mark.parametrize("query", ["?provider=%00", "?provider=" + "a" * 400, "?ref=%00", "?provider=no-such"])
def test_odd_provider_parameters_are_ignored(client, query):
    response = client.get(FORM + query)
    assert response.status_code == 200 and 'value="" selected>No preference' in response.content.decode()


def test_an_example_provider_in_the_link_is_explained_not_chosen(client):
    example = make_provider(name="Made Up (example)", example=True)
    html = client.get(f"{FORM}?provider={example.slug}").content.decode()
    assert "is an example listing, not a real provider, so it cannot be chosen" in html


# --- e-mails -----------------------------------------------------------------------------------

def test_staff_who_handle_enquiries_get_a_link_to_the_admin_and_nothing_else(client, django_user_model, settings):
    make_staff(username="handler", permissions=["handle_enquiry"], email="handler@idare.example")
    make_staff(username="editor", superuser=False, email="editor@idare.example")  # may not read enquiries
    make_staff(username="boss", superuser=True, email="boss@idare.example")
    send(client, name=MARKER, help_with=MARKER)
    enquiry = Enquiry.objects.get()
    notice = next(message for message in mail.outbox if "handler@idare.example" in message.to)
    assert sorted(notice.to) == ["boss@idare.example", "handler@idare.example"]
    assert notice.subject == "New enquiry received"
    assert f"{settings.SITE_URL}/admin/support/enquiry/{enquiry.pk}/change/" in notice.body
    assert MARKER not in notice.body and "asha@example.com" not in notice.body and enquiry.reference not in notice.body


def test_the_person_gets_a_neutral_confirmation_with_the_reference_and_a_withdraw_link(client, settings):
    make_support_text("next-steps", title="What happens next", body="We read it soon.")
    send(client, name=MARKER, help_with=MARKER)
    enquiry = Enquiry.objects.get()
    confirmation = next(message for message in mail.outbox if message.to == ["asha@example.com"])
    assert confirmation.subject == "We have received your message"
    body = confirmation.body
    assert enquiry.reference in body and "We read it soon." in body and "112" in body
    assert f"{settings.SITE_URL}/help/" in body and f"{settings.SITE_URL}/support/request/withdraw/" in body
    assert MARKER not in body and "&amp;" not in body


def test_no_confirmation_when_the_person_chose_the_phone(client):
    send(client, reply_by="phone", phone="98450 12345", email="ignored@example.com")
    assert all("ignored@example.com" not in message.to for message in mail.outbox)


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no such user") for message in messages})


def test_a_mail_failure_is_logged_without_the_address_and_the_enquiry_is_kept(client, settings, all_logs,
                                                                              django_user_model):
    make_staff(username="handler", permissions=["handle_enquiry"])
    settings.EMAIL_BACKEND = "tests.support.test_enquiry.RefusingBackend"
    response = send(client, email=f"{MARKER.lower()}@example.com")
    assert response.status_code == 303 and Enquiry.objects.count() == 1
    assert any("Could not send the confirmation of an enquiry (SMTPRecipientsRefused)" in line for line in all_logs)
    assert not any(MARKER.lower() in line.lower() for line in all_logs)


# --- privacy of what was sent ------------------------------------------------------------------

def test_a_marker_in_every_field_reaches_no_log_no_email_and_no_url(client, all_logs, django_user_model):
    make_staff(username="handler", permissions=["handle_enquiry"])
    make_support_text("next-steps")
    marked = enquiry_answers(name=MARKER, email=f"{MARKER}@example.com", help_with=f"{MARKER} worries",
                     phone="+91 98765 43219", reply_by="email")
    urls = []
    bad = client.post(FORM, {**marked, "consent": ""})  # the form comes back once
    urls.append(bad.get("Location", ""))
    done = client.post(FORM, marked)
    urls.append(done["Location"])
    thanks = client.get(done["Location"])
    urls += re.findall(r'href="([^"]*)"', thanks.content.decode())
    withdraw = withdraw_link(thanks.content.decode())
    client.get(withdraw)
    gone = client.post(withdraw)
    urls.append(gone["Location"])
    assert not any(MARKER.lower() in url.lower() or "98765" in url for url in urls)
    for message in mail.outbox:
        assert MARKER.lower() not in (message.subject + message.body).lower()
        assert "98765" not in message.body
    assert all_logs, "the flow logged nothing at all: is the log really captured?"
    assert not any(MARKER.lower() in line.lower() or "98765" in line for line in all_logs)


def test_the_stored_row_holds_no_plaintext_contact_details_or_free_text(client):
    send(client, name=MARKER, email=f"{MARKER}@example.com", help_with=f"{MARKER} worries")
    enquiry = Enquiry.objects.get()
    enquiry.notes = f"{MARKER} staff note"
    enquiry.save()
    table = connection.ops.quote_name(Enquiry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - the table name is ours
        row = cursor.fetchone()
    stored = " ".join(str(value) for value in row)
    assert MARKER.lower() not in stored.lower() and "example.com" not in stored
    assert Enquiry.objects.get().name == MARKER  # and the application reads it back


# --- the throttle ------------------------------------------------------------------------------

def test_over_the_rate_the_form_comes_back_with_429_and_nothing_is_stored(client, settings):
    settings.IDARE_ENQUIRY_RATE = "2/hour"
    assert send(client).status_code == 303 and send(client).status_code == 303
    response = send(client, name="Third")
    html = response.content.decode()
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"] and "Please try again" in html and 'value="Third"' in html
    assert Enquiry.objects.count() == 2


def test_the_rate_limit_can_be_turned_off(client, settings):
    settings.IDARE_ENQUIRY_RATE = "off"
    for _ in range(4):
        assert send(client).status_code == 303
    assert Enquiry.objects.count() == 4


def test_invalid_attempts_do_not_use_up_the_rate(client, settings):
    settings.IDARE_ENQUIRY_RATE = "1/hour"
    for _ in range(3):
        assert send(client, consent="").status_code == 400
    assert send(client).status_code == 303


# --- the private pages after sending -----------------------------------------------------------

def test_the_confirmation_link_expires(client, monkeypatch):
    location = send(client)["Location"]
    monkeypatch.setattr("support.inbox.CONFIRMATION_PAGE_MAX_AGE", -1)
    expired = client.get(location)
    assert expired.status_code == 404 and "no longer available" in expired.content.decode()
    assert "no-store" in expired["Cache-Control"] and Enquiry.objects.get().reference not in expired.content.decode()


@pytest.mark.parametrize("token", ["nonsense", "a:b:c", "%00", signing.dumps("E-AAAAA-AAAAA", salt="other")],
                         ids=["nonsense", "three parts", "a NUL", "signed with another salt"])
def test_forged_or_broken_links_show_nothing(client, token):
    send(client)
    for path in (f"/support/request/received/{token}/", f"/support/request/withdraw/{token}/"):
        response = client.get(path)
        assert response.status_code == 404 and "no-store" in response["Cache-Control"]
    assert client.post(f"/support/request/withdraw/{token}/").status_code == 404
    assert Enquiry.objects.count() == 1


def test_the_withdraw_link_asks_first_then_deletes_everything(client, django_user_model):
    make_staff(username="handler", permissions=["handle_enquiry"], email="handler@idare.example")
    thanks = thanks_page(client, send(client))
    enquiry = Enquiry.objects.get()
    StaffAccess.objects.create(enquiry=enquiry, username="handler")
    link = withdraw_link(thanks.content.decode())
    ask = client.get(link)
    assert ask.status_code == 200 and "no-store" in ask["Cache-Control"] and enquiry.reference in ask.content.decode()
    assert client.head(link).status_code == 200 and Enquiry.objects.count() == 1  # asking deletes nothing
    mail.outbox.clear()
    done = client.post(link)
    assert done.status_code == 303 and done["Location"] == "/support/request/withdrawn/"
    assert Enquiry.objects.count() == 0 and StaffAccess.objects.count() == 0
    assert "has been deleted" in client.get(done["Location"]).content.decode()
    [notice] = mail.outbox
    assert notice.to == ["handler@idare.example"] and enquiry.reference in notice.body
    again = client.get(link)
    assert again.status_code == 404 and "nothing to delete" in again.content.decode()


def test_the_withdraw_link_in_the_email_works_after_the_confirmation_page_expired(client, monkeypatch):
    send(client)
    link = re.search(r"http://[^/]+(/support/request/withdraw/\S+)", mail.outbox[-1].body).group(1)
    monkeypatch.setattr("support.inbox.CONFIRMATION_PAGE_MAX_AGE", -1)
    assert client.post(link).status_code == 303 and Enquiry.objects.count() == 0


def test_the_withdraw_link_works_for_as_long_as_the_enquiry_is_kept_and_no_longer(client, monkeypatch):
    """As the privacy notice and the thank-you page say: until withdrawn, or deleted 90 days after closing."""
    send(client)
    link = re.search(r"http://[^/]+(/support/request/withdraw/\S+)", mail.outbox[-1].body).group(1)
    sent_at = time.time()

    def years_later(years: float, days: float = 0) -> None:  # the one clock signing and the models read
        moment = sent_at + years * 365.25 * 86400 + days * 86400
        monkeypatch.setattr(time, "time", lambda: moment)
        monkeypatch.setattr(timezone, "now", lambda: datetime.datetime.fromtimestamp(moment, datetime.UTC))

    years_later(10)  # still open: still kept, so the link still works
    assert client.get(link).status_code == 200
    enquiry = Enquiry.objects.get()
    enquiry.status = Status.CLOSED
    enquiry.save()
    years_later(10, days=89)  # closed, inside the retention period: kept, so withdrawable
    assert client.get(link).status_code == 200
    years_later(10, days=91)
    call_command("purge_enquiries", stdout=io.StringIO())
    assert client.get(link).status_code == 404 and not Enquiry.objects.exists()


def test_a_contact_message_link_cannot_withdraw_an_enquiry(client):
    thanks = thanks_page(client, send(client))
    token = withdraw_link(thanks.content.decode()).split("/")[-2]
    assert client.post(f"/contact/withdraw/{token}/").status_code == 404
    assert Enquiry.objects.count() == 1
