"""What browser test modules share: opening a page, signing in, the accessibility check. Browser
test modules import from here, never from one another."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import STAFF_PASSWORD

ARTICLE = "/blog/building-trust-through-trust-issues/"
ARTICLE_SLUG = "building-trust-through-trust-issues"
MISSING = "/blog/no-such-article/"
EXPECTED_STATUS = {MISSING: 404}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
AXE = Axe()


def visit(page, path: str):
    """Open `path` on the live server, check its status, and wait until it has fully loaded."""
    response = page.goto(path, wait_until="load")
    assert response is not None, f"no response for {path}"
    expected = EXPECTED_STATUS.get(path, 200)
    assert response.status == expected, f"{path} answered {response.status}, expected {expected}"
    return response


def assert_no_axe_violations(page, label: str) -> None:
    page.evaluate("document.fonts.ready.then(() => true)")
    violations = AXE.run(page, options=AXE_OPTIONS).response["violations"]
    if not violations:
        return
    lines = [f"axe-core found {len(violations)} WCAG violation(s) on {label} ({page.url}):"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation['impact']}]: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    target: {target}")
            lines.append(f"      html: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      why:  {summary[:300]}")
    pytest.fail("\n".join(lines), pytrace=False)


def intercept_neutral_site(page, url: str) -> None:
    """Answer every request to `url`'s origin with a tiny neutral page: there is no internet here."""
    parts = urlsplit(url)
    pattern = re.compile(rf"^{re.escape(parts.scheme)}://{re.escape(parts.netloc)}(/|$)")
    page.route(
        pattern,
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<!doctype html><title>Neutral</title><p>neutral page</p>"
        ),
    )


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


def reopen(page):
    """Closes the tab (no "Leave site?" question: a crash asks nothing) and opens a new one in the same
    browser, signed in, watched by the same recorder (the context's third-party guard stays)."""
    context, recorder = page.context, page.recorder
    page.close()
    page = context.new_page()
    page.on("console", lambda message: recorder.on_console(page.url, message))
    page.on("pageerror", lambda error: recorder.console.append(f"[uncaught] on {page.url}: {error}"))
    page.recorder = recorder
    return page


DROP_AN_IMAGE = """async (selector) => {
  const canvas = document.createElement("canvas");
  canvas.width = 120; canvas.height = 80;
  const context = canvas.getContext("2d");
  context.fillStyle = "#c0392b"; context.fillRect(0, 0, 120, 80);
  const blob = await new Promise((done) => canvas.toBlob(done, "image/png"));
  const transfer = new DataTransfer();
  transfer.items.add(new File([blob], "dropped.png", { type: "image/png" }));
  const target = document.querySelector(selector);
  for (const type of ["dragenter", "dragover", "drop"]) {
    target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
  }
}"""


def assert_no_axe_violations_in_admin(page, label: str) -> None:
    """axe-core, then forget the inline-style CSP reports that axe's own injected checks cause on the
    admin's pages (they appear only while axe runs; the pages themselves apply no inline style)."""
    before = len(page.recorder.console)
    assert_no_axe_violations(page, label)
    page.recorder.console[before:] = [line for line in page.recorder.console[before:]
                                      if "Applying inline style violates" not in line]


def signed_in_page(browsing, username: str, **context):
    """A new page signed in to the admin as this staff member (tests/factories.py make_staff)."""
    page = browsing.new_page(**context)
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page
