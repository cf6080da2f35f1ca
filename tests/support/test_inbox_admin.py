"""Staff triage in the admin: a dedicated permission, a record of every opening, retention and
encryption keys that can be rotated."""

import datetime
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from support.models import ContactMessage, Enquiry, StaffAccess
from tests.factories import make_contact_message, make_enquiry, make_staff
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

ENQUIRIES = "/admin/support/enquiry/"
MESSAGES = "/admin/support/contactmessage/"


@pytest.fixture
def handler(django_user_model):
    return make_staff(username="handler", permissions=["handle_enquiry"])


@pytest.fixture
def editor(django_user_model):
    """Staff with every other permission of the site, but not this one."""
    from django.contrib.auth.models import Permission

    user = make_staff(username="editor", superuser=False)
    user.user_permissions.set(Permission.objects.exclude(codename__in=["handle_enquiry", "handle_contact_message"]))
    return user


def test_staff_without_the_permission_get_403_even_by_url(editor):
    enquiry, message = make_enquiry(), make_contact_message()
    client = signed_in(editor, second_step=True)
    for url in (ENQUIRIES, f"{ENQUIRIES}{enquiry.pk}/change/", f"{ENQUIRIES}{enquiry.pk}/delete/",
                f"{ENQUIRIES}{enquiry.pk}/history/", MESSAGES, f"{MESSAGES}{message.pk}/change/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{ENQUIRIES}{enquiry.pk}/change/", {"status": "closed"}).status_code == 403
    index = client.get("/admin/").content.decode()
    assert "Enquiries" not in index and "Contact messages" not in index and "Providers" in index
    assert StaffAccess.objects.count() == 0


def test_the_enquiry_permission_does_not_open_contact_messages(handler):
    message = make_contact_message()
    assert signed_in(handler, second_step=True).get(f"{MESSAGES}{message.pk}/change/").status_code == 403


def test_the_list_shows_no_ones_details(handler):
    make_enquiry(name="Zq7name", email="zq7@example.com", help_with="Zq7words")
    html = signed_in(handler, second_step=True).get(ENQUIRIES).content.decode()
    assert "Zq7" not in html.replace("zq7", "Zq7") and "New" in html


def test_opening_an_enquiry_shows_it_and_records_who_and_when(handler):
    enquiry = make_enquiry(name="Asha", help_with="Worry at work", safe_to_leave_message=False)
    client = signed_in(handler, second_step=True)
    html = client.get(f"{ENQUIRIES}{enquiry.pk}/change/").content.decode()
    assert "Asha" in html and "Worry at work" in html and "asha@example.com" in html
    assert "NO: never leave a message" in html
    client.get(f"{ENQUIRIES}{enquiry.pk}/change/")
    accesses = list(StaffAccess.objects.filter(enquiry=enquiry))
    assert [(a.user, a.username) for a in accesses] == [(handler, "handler")] * 2
    assert all(timezone.now() - a.opened_at < datetime.timedelta(minutes=1) for a in accesses)
    assert "Opened by staff" in client.get(f"{ENQUIRIES}{enquiry.pk}/change/").content.decode()


def test_opening_a_contact_message_is_recorded_too(django_user_model):
    desk = make_staff(username="desk", permissions=["handle_contact_message"])
    message = make_contact_message(message="About a workshop")
    page = signed_in(desk, second_step=True).get(f"{MESSAGES}{message.pk}/change/")
    assert "About a workshop" in page.content.decode()
    assert StaffAccess.objects.get().contact_message == message


def test_triage_changes_status_assignee_and_notes_but_not_what_was_sent(handler, django_user_model):
    colleague = make_staff(username="colleague", permissions=["handle_enquiry"])
    make_staff(username="outsider", superuser=False)
    enquiry = make_enquiry(name="Asha")
    client = signed_in(handler, second_step=True)
    form = client.get(f"{ENQUIRIES}{enquiry.pk}/change/").content.decode()
    assert ">colleague<" in form and ">outsider<" not in form  # only those who may read it can be assigned
    response = client.post(f"{ENQUIRIES}{enquiry.pk}/change/", {
        "status": "referred", "assignee": colleague.pk, "notes": "Called back", "name": "Changed",
        "accesses-TOTAL_FORMS": "0", "accesses-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.assignee, enquiry.notes, enquiry.name) == ("referred", colleague,
                                                                                "Called back", "Asha")


def test_staff_cannot_add_enquiries_in_the_admin(handler):
    assert signed_in(handler, second_step=True).get(f"{ENQUIRIES}add/").status_code == 403


def test_closing_records_when_and_reopening_forgets_it():
    enquiry = make_enquiry()
    enquiry.status = "closed"
    enquiry.save()
    assert enquiry.closed_at is not None
    enquiry.status = "contacted"
    enquiry.save(update_fields=["status"])
    enquiry.refresh_from_db()
    assert enquiry.closed_at is None


def test_the_admins_history_names_records_by_reference_only(handler):
    enquiry = make_enquiry(name="Zq7name")
    assert str(enquiry) == f"Enquiry {enquiry.reference}"
    assert "Zq7name" not in str(make_contact_message(name="Zq7name"))


# --- retention ----------------------------------------------------------------------------------

def closed(record, days_ago: int):
    record.status = "closed"
    record.save()
    type(record).objects.filter(pk=record.pk).update(closed_at=timezone.now() - datetime.timedelta(days=days_ago))
    return record


def test_purge_deletes_closed_records_older_than_the_retention_period_and_says_how_many(settings):
    settings.IDARE_ENQUIRY_RETENTION_DAYS = 30
    old = closed(make_enquiry(), 31)
    StaffAccess.objects.create(enquiry=old, username="x")
    recent = closed(make_enquiry(), 29)
    still_open = make_enquiry(received_at=timezone.now() - datetime.timedelta(days=400))
    closed(make_contact_message(), 45)
    kept_message = make_contact_message()
    out = io.StringIO()
    call_command("purge_enquiries", stdout=out)
    assert "Deleted 1 enquiry and 1 contact message closed more than 30 days ago." in out.getvalue()
    assert set(Enquiry.objects.all()) == {recent, still_open}
    assert list(ContactMessage.objects.all()) == [kept_message] and StaffAccess.objects.count() == 0


def test_purge_says_so_when_there_is_nothing_to_delete():
    out = io.StringIO()
    call_command("purge_enquiries", stdout=out)
    assert "Deleted 0 enquiries and 0 contact messages" in out.getvalue()


def test_purge_takes_the_period_from_the_command_line_too():
    closed(make_enquiry(), 10)
    out = io.StringIO()
    call_command("purge_enquiries", "--days", "7", stdout=out)
    assert "Deleted 1 enquiry" in out.getvalue() and Enquiry.objects.count() == 0


# --- encryption keys ----------------------------------------------------------------------------

def stored(model, pk) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name FROM {table} WHERE id = %s", [pk])  # noqa: S608 - the table name is ours
        return cursor.fetchone()[0]


def test_keys_can_be_rotated_and_the_old_one_removed(settings):
    old_key, new_key = settings.IDARE_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    enquiry = make_enquiry(name="Asha", help_with="Worry at work")
    message = make_contact_message(message="Hello")
    before = stored(Enquiry, enquiry.pk)
    settings.IDARE_ENCRYPTION_KEYS = [new_key, old_key]
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "support.Enquiry: 1 re-encrypted" in out.getvalue() and "support.ContactMessage: 1" in out.getvalue()
    assert stored(Enquiry, enquiry.pk) != before
    settings.IDARE_ENCRYPTION_KEYS = [new_key]
    enquiry, message = Enquiry.objects.get(pk=enquiry.pk), ContactMessage.objects.get(pk=message.pk)
    assert (enquiry.name, enquiry.help_with, enquiry.email, message.message) == (
        "Asha", "Worry at work", "asha@example.com", "Hello")


def test_without_rotation_removing_the_old_key_is_refused_clearly(settings):
    enquiry = make_enquiry()
    settings.IDARE_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(Exception, match="was a key removed too early"):
        Enquiry.objects.get(pk=enquiry.pk)
