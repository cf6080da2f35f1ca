"""Large text and narrow screens (WCAG 1.4.4 Resize text, 1.4.10 Reflow) on every page type.

200% text is emulated the way a browser's text-size setting works: the root font size doubles (set
through the CSSOM, which the site's CSP allows a test to do), and everything sized in rem/em follows.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engage.models import Programme
from tests.browser.helpers import assert_no_axe_violations
from tests.factories import make_post

pytestmark = pytest.mark.browser

LONG_ARTICLE = "a-very-long-address-and-a-wide-table"
LONG_BODY = """A reader may paste https://example.org/a/very/long/address/that/has/no/spaces/at/all/anywhere/in/it
and words like Pneumonoultramicroscopicsilicovolcanoconiosis.

| Helpline | Number | Hours | Languages | Cost |
| --- | --- | --- | --- | --- |
| Tele-MANAS | 14416 | Day and night | Twenty languages | Free |

```
a-line-of-code-that-is-far-too-long-to-fit-on-a-phone-screen-without-scrolling-inside-its-box
```
"""
PAGES = {
    "home": "/",
    "blog-list": "/blog/",
    "article": "/blog/building-trust-through-trust-issues/",
    "article-long-words": f"/blog/{LONG_ARTICLE}/",
    "tag": "/blog/tag/trust/",
    "author": "/blog/author/idare-team/",
    "about": "/about/",
    "privacy": "/privacy/",
    "search-results": "/search/?q=trust",
    "search-nothing": "/search/?q=zzzqqq",
    "help": "/help/",
    "support": "/support/",
    "providers": "/support/providers/",
    "provider": "/support/providers/example-farhan-s/",
    "enquiry": "/support/request/",
    "contact": "/contact/",
    "engage": "/engage/",
    "programme": None,  # the first seeded programme, found once the content is imported
    "not-found": "/no-such-page/",
}
SETTINGS = {
    "320px": ({"width": 320, "height": 640}, None),
    "390px-200pc-text": ({"width": 390, "height": 844}, "200%"),
}
LARGE_TEXT = SETTINGS["390px-200pc-text"]

# Every element whose right edge passes the viewport, so a failure names what to fix; what sits inside a
# box that scrolls on its own (a table, code) is allowed (WCAG 1.4.10 exempts two-dimensional content).
MEASURE = """() => {
    const width = window.innerWidth;
    const wide = [];
    const scrollsAlone = (el) => {
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
            if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) return true;
        }
        return false;
    };
    for (const el of document.querySelectorAll('body *')) {
        if (scrollsAlone(el)) continue;
        const r = el.getBoundingClientRect();
        if (r.width && r.right > width + 0.5) {
            const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + (el.classList.length ? '.' + [...el.classList].join('.') : '');
            wide.push(name + ' (right edge ' + Math.round(r.right) + 'px)');
        }
    }
    return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
}"""


@pytest.fixture
def pages(site_content):
    make_post(title="A very long address and a wide table", slug=LONG_ARTICLE, body=LONG_BODY)
    return {**PAGES, "programme": Programme.objects.order_by("pk").first().get_absolute_url()}


def open_at(page, path: str, text_size: str | None) -> None:
    response = page.goto(path, wait_until="load")
    assert response is not None and response.status == (404 if path == PAGES["not-found"] else 200), path
    if text_size:
        page.evaluate(f"document.documentElement.style.fontSize = {text_size!r}")
    page.evaluate("document.fonts.ready.then(() => true)")


def forget_expected_404(page) -> None:
    """Chromium logs the 404 page's own status as a failed resource."""
    page.recorder.console[:] = [line for line in page.recorder.console if "status of 404" not in line]


@pytest.mark.parametrize("setting", SETTINGS.values(), ids=SETTINGS.keys())
def test_no_page_type_scrolls_sideways(browsing, pages, setting):
    viewport, text_size = setting
    page = browsing.new_page(viewport=viewport)
    failures = []
    for label, path in pages.items():
        open_at(page, path, text_size)
        widths = page.evaluate(MEASURE)
        if widths["scroll"] > widths["width"] or widths["wide"]:
            scroll, width = widths["scroll"], widths["width"]
            failures.append(f"{label} ({path}): scrollWidth {scroll}px in {width}px; {widths['wide']}")
    assert not failures, "Pages that scroll sideways:\n  " + "\n  ".join(failures)
    forget_expected_404(page)
    page.recorder.assert_clean()


@pytest.mark.parametrize("setting", SETTINGS.values(), ids=SETTINGS.keys())
def test_header_stays_short_and_its_search_box_readable(browsing, pages, setting):
    viewport, text_size = setting
    page = browsing.new_page(viewport=viewport)
    open_at(page, pages["help"], text_size)
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < viewport["height"] / 2, f"the header takes {header['height']}px of {viewport['height']}px"
    # Ten characters of a real word fit in the box without scrolling inside it.
    search = page.get_by_role("searchbox", name="Search articles")
    search.fill("loneliness")
    fits = search.evaluate("input => input.scrollWidth <= input.clientWidth")
    assert fits, "the search box shows fewer than ten characters"
    for name in ("Quick exit", "Get help now"):
        box = page.get_by_role("link", name=name, exact=True).first.bounding_box()
        assert box["y"] + box["height"] <= header["y"] + header["height"], f"{name} is not in the header"
        assert box["width"] >= 44 and box["height"] >= 44, f"{name} is too small a target: {box}"
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], f"{name} is cut off: {box}"
    button = page.get_by_role("button", name="Search", exact=True).bounding_box()
    assert button["width"] >= 44 and button["height"] >= 44
    page.recorder.assert_clean()


@pytest.mark.parametrize("setting", SETTINGS.values(), ids=SETTINGS.keys())
def test_skip_link_shows_on_focus_and_moves_focus_to_main(browsing, pages, setting):
    viewport, text_size = setting
    page = browsing.new_page(viewport=viewport)
    open_at(page, pages["article"], text_size)
    skip = page.get_by_role("link", name="Skip to main content")
    hidden = skip.bounding_box()
    assert hidden["width"] <= 1 and hidden["height"] <= 1, f"the skip link shows before it has focus: {hidden}"
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    shown = skip.bounding_box()
    assert shown["width"] > 100 and shown["height"] >= 44, f"the focused skip link is not visible: {shown}"
    assert shown["x"] >= 0 and shown["x"] + shown["width"] <= viewport["width"], f"the skip link is cut off: {shown}"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.recorder.assert_clean()


def test_every_page_type_has_no_wcag_violations_at_200pc_text(browsing, pages):
    viewport, text_size = LARGE_TEXT
    page = browsing.new_page(viewport=viewport)
    for path in pages.values():
        open_at(page, path, text_size)
        assert_no_axe_violations(page, f"{path} at 200% text")
    forget_expected_404(page)
    page.recorder.assert_clean()


def test_large_text_in_dark_mode_has_no_wcag_violations(browsing, pages):
    viewport, text_size = LARGE_TEXT
    page = browsing.new_page(viewport=viewport, color_scheme="dark")
    for path in (pages["home"], pages["help"]):
        open_at(page, path, text_size)
        assert_no_axe_violations(page, f"{path} at 200% text, dark")
    page.recorder.assert_clean()
