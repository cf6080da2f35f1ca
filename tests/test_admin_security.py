"""The admin's door: a lockout after repeated wrong passwords, an address of its own, a second
sign-in step for staff who can open enquiries, and an editor only for staff who may edit posts."""

import datetime
import html
import importlib
import re
import time
from urllib.parse import quote

import pyotp
import pytest
from django.apps import apps
from django.test import Client
from django.urls import clear_url_caches, reverse
from django.utils import timezone

from core.ratelimit import parse_ranges
from tests.factories import image_bytes, make_enquiry, make_staff

PASSWORD = "a long staff password"
LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


def sign_in(client: Client, username: str, password: str, **headers):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, **headers)


# --- lockout ----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_after_the_failure_limit_even_the_right_password_is_refused_calmly(client):
    make_staff(username="writer", superuser=False)
    statuses = [sign_in(client, "writer", "wrong password").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]  # the form again with its error, then the pause
    response = sign_in(client, "writer", PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429 and "Sign-in paused" in page and "15 minutes" in page
    assert response["Retry-After"] == "900"
    assert client.get("/admin/").status_code == 302  # not signed in


@pytest.mark.django_db
def test_the_right_password_works_again_once_the_cool_off_has_passed(client, time_machine):
    make_staff(username="writer", superuser=False)
    for _ in range(3):
        sign_in(client, "writer", "wrong password")
    assert sign_in(client, "writer", PASSWORD).status_code == 429
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=15, seconds=1))  # the cool-off (small_limit)
    response = sign_in(client, "writer", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_the_lockout_is_per_username_and_network(client):
    make_staff(username="writer", superuser=False)
    make_staff(username="editor", superuser=False)
    for _ in range(3):
        sign_in(client, "writer", "wrong password", REMOTE_ADDR="198.51.100.7")
    assert sign_in(Client(), "editor", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302
    assert sign_in(Client(), "writer", PASSWORD, REMOTE_ADDR="192.0.2.44").status_code == 302
    assert sign_in(Client(), "writer", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 429


@pytest.fixture
def frozen_clock(monkeypatch):
    """The rate limits' clock, stopped a minute into the current hour; advance it with .now += seconds."""
    from core import ratelimit

    class Clock:
        now = (time.time() // 3600) * 3600 + 60

    clock = Clock()
    monkeypatch.setattr(ratelimit, "clock", lambda: clock.now)
    return clock


def paused_text(response) -> str:
    return re.sub(r'nonce="[^"]*"', "", response.content.decode())


@pytest.mark.django_db
def test_many_networks_guessing_one_account_pause_it_until_the_cool_off_then_the_owner_signs_in(
        client, settings, frozen_clock):
    settings.IDARE_ADMIN_ACCOUNT_FAILURES, settings.IDARE_ADMIN_ACCOUNT_WINDOW_SECONDS = 20, 3600
    make_staff(username="writer", superuser=False)
    make_staff(username="editor", superuser=False)
    guesses = [sign_in(Client(), "writer", f"guess {n}", REMOTE_ADDR=f"2001:db8:{n}::1").status_code
               for n in range(20)]
    assert guesses == [200] * 20, "one guess from each of 20 networks: each network is far from its own limit"

    wrong = sign_in(Client(), "writer", "guess 21", REMOTE_ADDR="192.0.2.21")
    right = sign_in(Client(), "writer", PASSWORD, REMOTE_ADDR="192.0.2.22")
    assert wrong.status_code == right.status_code == 429 and right["Retry-After"] == str(3600 - 60)
    page = " ".join(right.content.decode().split())
    assert "paused sign-in to it" in page and "The password you typed was not checked" in page
    assert "wait 59 minutes" in page
    assert paused_text(wrong) == paused_text(right), "the page says nothing about whether the password was right"
    assert sign_in(Client(), "editor", PASSWORD, REMOTE_ADDR="192.0.2.23").status_code == 302, "other accounts open"

    frozen_clock.now += 30 * 60  # tries while paused are not counted: they cannot keep the owner out longer
    assert sign_in(Client(), "writer", "guess 22", REMOTE_ADDR="192.0.2.24").status_code == 429
    frozen_clock.now += 30 * 60
    owner = Client()
    response = sign_in(owner, "writer", PASSWORD, REMOTE_ADDR="192.0.2.25")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert owner.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_the_per_account_count_keeps_neither_the_username_nor_any_address(client, frozen_clock):
    from core.models import RateLimitCounter

    make_staff(username="writer", superuser=False)
    for n in range(5):
        sign_in(Client(), "writer", "wrong password", REMOTE_ADDR=f"198.51.100.{60 + n}")
    counters = list(RateLimitCounter.objects.values_list("scope", "bucket", "hits"))
    assert len(counters) == 1 and counters[0][0] == "admin-account" and counters[0][2] == 5
    stored = everything_stored()
    assert "writer" not in counters[0][1] and not any(f"198.51.100.{60 + n}" in stored for n in range(5))


# --- where a sign-in lands --------------------------------------------------------------------------

UNSAFE_NEXT = ["https://evil.example/", "//evil.example/admin/", "javascript:alert(1)", "/\\evil.example/",
               "http://testserver.evil.example/admin/", "ftp://testserver/admin/"]


@pytest.mark.django_db
@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_a_refused_next_lands_on_the_admin_index(client, target):
    make_staff(username="writer", superuser=False)
    response = client.post(f"{LOGIN}?next={quote(target)}", {"username": "writer", "password": PASSWORD,
                                                            "next": target})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_a_refused_next_lands_on_the_admin_index_after_the_second_step_too(client, target):
    make_staff(username="triage", permissions=["support.handle_enquiry"])
    response = client.post(f"{LOGIN}?next={quote(target)}", {"username": "triage", "password": PASSWORD,
                                                            "next": target})
    assert response.status_code == 302 and response["Location"].startswith(reverse("staff_auth:two_factor"))
    step = client.get(response["Location"]).content.decode()
    carried = html.unescape(re.search(r'name="next" value="([^"]*)"', step).group(1))  # as the browser sends it
    verified = client.post(response["Location"], {"token": pyotp.TOTP(secret_shown(step)).now(), "next": carried})
    assert verified.status_code == 302 and verified["Location"] == "/admin/"
    assert client.get(verified["Location"]).status_code == 200


def everything_stored() -> str:
    return "\n".join(str(row) for model in apps.get_models() for row in model.objects.values_list())


@pytest.mark.django_db
def test_no_raw_address_is_stored_or_logged_for_failed_sign_ins(client, settings, caplog):
    settings.IDARE_TRUSTED_PROXY_RANGES = parse_ranges("10.0.0.0/8")
    make_staff(username="writer", superuser=False)
    visitors = [  # (what the request carries, what must never be stored)
        ({"REMOTE_ADDR": "203.0.113.77"}, ["203.0.113.77"]),
        ({"REMOTE_ADDR": "2a02:c7c:5d41:9e00:1d2b:aa3:cc1:9f"}, ["2a02:c7c:5d41:9e00", "2a02:c7c:5d41"]),
        ({"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_FOR": "100.64.0.9, 198.18.4.99"}, ["198.18.4.99"]),
    ]
    caplog.set_level("DEBUG")
    for headers, _ in visitors:
        for _ in range(4):
            sign_in(client, "writer", "wrong password", **headers)
    from axes.models import AccessAttempt

    stored = everything_stored()
    assert AccessAttempt.objects.count() == 3
    assert all(attempt.ip_address.startswith("2001:db8:") for attempt in AccessAttempt.objects.all())
    for _, addresses in visitors:
        for address in addresses:
            assert address not in stored
            assert address not in caplog.text


# --- the admin's address ----------------------------------------------------------------------------

@pytest.fixture
def admin_elsewhere(settings):
    import idare.urls

    settings.IDARE_ADMIN_PATH = "office-7f3a/"
    importlib.reload(idare.urls)
    clear_url_caches()
    yield "/office-7f3a/"
    settings.IDARE_ADMIN_PATH = "admin/"
    importlib.reload(idare.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_the_admin_answers_at_its_configured_path_only(client, admin_elsewhere):
    make_staff(username="writer", superuser=False)
    assert client.get(f"{admin_elsewhere}login/").status_code == 200
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
    response = client.post(f"{admin_elsewhere}login/", {"username": "writer", "password": PASSWORD,
                                                         "next": admin_elsewhere})
    assert response.status_code == 302 and response["Location"] == admin_elsewhere
    assert client.get(admin_elsewhere).status_code == 200


# --- the second sign-in step ----------------------------------------------------------------------

def secret_shown(page: str) -> str:
    return re.search(r"<code>([A-Z2-7]+)</code>", page).group(1)


@pytest.mark.django_db
def test_staff_who_can_open_enquiries_set_up_and_use_a_second_step_before_any_enquiry(client):
    make_staff(username="triage", permissions=["support.handle_enquiry"])
    enquiry = make_enquiry()
    enquiry_page = reverse("admin:support_enquiry_change", args=[enquiry.pk])

    response = sign_in(client, "triage", PASSWORD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("staff_auth:two_factor"))
    assert client.get(enquiry_page)["Location"].startswith(reverse("staff_auth:two_factor"))
    assert client.get(reverse("admin:support_enquiry_changelist")).status_code == 302

    setup = client.get(response["Location"])
    page = setup.content.decode()
    assert setup.status_code == 200 and "QR code to add iDare" in page
    assert not re.search(r'(src|href)="https?://', page)  # the QR code is drawn in the page, nothing fetched
    code = pyotp.TOTP(secret_shown(page)).now()
    verified = client.post(reverse("staff_auth:two_factor"), {"token": code, "next": enquiry_page})
    assert verified.status_code == 302 and verified["Location"] == enquiry_page
    assert client.get(enquiry_page).status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_keeps_enquiries_closed(client):
    make_staff(username="triage", permissions=["support.handle_enquiry"])
    sign_in(client, "triage", PASSWORD)
    page = client.get(reverse("staff_auth:two_factor")).content.decode()
    right = pyotp.TOTP(secret_shown(page)).now()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(reverse("staff_auth:two_factor"), {"token": wrong})
    assert response.status_code == 400 and "did not match" in response.content.decode()
    assert client.get(reverse("admin:support_enquiry_changelist")).status_code == 302


@pytest.mark.django_db
def test_a_second_sign_in_asks_for_the_code_without_showing_the_secret_again(client):
    make_staff(username="triage", permissions=["support.handle_enquiry"])
    sign_in(client, "triage", PASSWORD)
    secret = secret_shown(client.get(reverse("staff_auth:two_factor")).content.decode())
    done = client.post(reverse("staff_auth:two_factor"), {"token": pyotp.TOTP(secret).now()})
    assert done.status_code == 302, done.content.decode()
    client.post(reverse("admin:logout"))

    again = Client()
    assert sign_in(again, "triage", PASSWORD)["Location"].startswith(reverse("staff_auth:two_factor"))
    page = again.get(reverse("staff_auth:two_factor")).content.decode()
    assert secret not in page and "QR code to add iDare" not in page
    assert again.get(reverse("admin:support_enquiry_changelist")).status_code == 302


@pytest.mark.django_db
def test_the_admin_lists_devices_but_never_shows_their_keys(client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    boss = make_staff()
    boss.set_password(PASSWORD)
    boss.save()
    sign_in(client, boss.username, PASSWORD)
    secret = secret_shown(client.get(reverse("staff_auth:two_factor")).content.decode())
    client.post(reverse("staff_auth:two_factor"), {"token": pyotp.TOTP(secret).now()})
    device = TOTPDevice.objects.get(user=boss)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200 and device.key not in page.content.decode()
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code == 403


@pytest.mark.django_db
def test_staff_who_cannot_open_enquiries_are_not_asked_for_a_code(client):
    make_staff(username="writer", permissions=["blog.change_post", "blog.view_post"])
    response = sign_in(client, "writer", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(reverse("admin:blog_post_changelist")).status_code == 200


# --- the editor's preview and upload --------------------------------------------------------------

@pytest.mark.django_db
def test_the_editor_preview_and_upload_need_the_permission_to_edit_posts():
    reviewer, writer = Client(), Client()
    reviewer.force_login(make_staff("Clinical reviewer"))
    writer.force_login(make_staff(username="writer", permissions=["blog.change_post"]))
    preview, upload = reverse("markdownx_markdownify"), reverse("markdownx_upload")

    assert reviewer.post(preview, {"content": "**Hello**"}).status_code == 403
    assert reviewer.post(upload, {"image": picture()}).status_code == 403
    response = writer.post(preview, {"content": "**Hello**"})
    assert response.status_code == 200 and "<strong>Hello</strong>" in response.content.decode()
    assert writer.post(upload, {"image": picture()}).status_code == 200


def picture():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.png", image_bytes("PNG"), content_type="image/png")
