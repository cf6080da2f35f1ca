"""The editors' side in a real browser: the admin's Markdown editor previews live, sanitized,
under the same strict Content-Security-Policy as the public site."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.browser


def sign_in(page, username="editor", password="a long editor password"):
    page.goto("/admin/login/?next=/admin/blog/post/add/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(lambda url: "/two-factor/" in url or url.endswith("/admin/blog/post/add/"))
    if "/two-factor/" in page.url:  # a superuser can open enquiries: the second step, as a phone would
        device = TOTPDevice.objects.get(user__username=username)
        device.last_t = -1  # the same person signing in again within 30 seconds, in another browser
        device.save(update_fields=["last_t"])
        page.fill("#id_token", f"{totp(device.bin_key):06d}")
        page.click("input[type=submit]")
    page.wait_for_url("**/admin/blog/post/add/")


def test_markdown_preview_updates_live_and_is_sanitized(browsing, editor):
    page = browsing.new_page()
    sign_in(page)
    page.fill("textarea[name=body]", "## A calm heading\n\n<img src=x onerror=alert(1)>Some *gentle* words.")
    preview = page.locator(".markdownx-preview")
    preview.locator("h2#a-calm-heading").wait_for()
    html = preview.inner_html()
    assert "<em>gentle</em>" in html
    assert "onerror" not in html and "<img" not in html
    page.recorder.assert_clean()


def test_editing_a_post_in_the_admin_shows_on_the_site(browsing, editor):
    page = browsing.new_page()
    sign_in(page)
    page.goto("/admin/blog/post/")
    page.get_by_role("link", name="Building Trust Through Trust Issues").click()
    page.fill("input[name=subtitle]", "A subtitle changed by an editor")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/blog/post/")
    page.goto("/blog/building-trust-through-trust-issues/")
    assert page.locator(".post__subtitle").inner_text() == "A subtitle changed by an editor"
    page.recorder.assert_clean()
