"""The site in a real browser (Debian Chromium through Playwright) against the live server.

Every test also asserts that the page made no request to another origin (they are blocked and
recorded), logged no console error and broke no Content-Security-Policy rule.
"""

from __future__ import annotations

import contextlib

import pytest
from django.conf import settings
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from blog.models import Post
from tests.browser.helpers import (
    ARTICLE,
    ARTICLE_SLUG,
    EXPECTED_STATUS,
    MISSING,
    assert_no_axe_violations,
    intercept_neutral_site,
    visit,
)

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "blog-index": "/blog/",
    "article": ARTICLE,
    "tag": "/blog/tag/trust/",
    "help": "/help/",
    "about": "/about/",
    "privacy": "/privacy/",
    "editorial-policy": "/editorial-policy/",
    "support": "/support/",
    "engage": "/engage/",
    "search": "/search/?q=trust",
    "search-nothing": "/search/?q=zzzqqq",
    "author": "/blog/author/idare-team/",
    "not-found": MISSING,
}
NARROW = {"width": 320, "height": 640}


def ignore_expected_status_error(page, path: str) -> None:
    """Chromium logs 'Failed to load resource: ... 404' for a document that is a 404 on purpose."""
    if EXPECTED_STATUS.get(path, 200) >= 400:
        status = EXPECTED_STATUS[path]
        document = f"(source: {page.url})"
        page.recorder.console[:] = [
            line
            for line in page.recorder.console
            if not (f"status of {status}" in line and "Failed to load resource" in line and line.endswith(document))
        ]


# Accessibility (axe-core, WCAG 2.2 AA) ------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_has_no_wcag_violations_light(browsing, path):
    page = browsing.new_page(color_scheme="light")
    visit(page, path)
    assert_no_axe_violations(page, f"{path} (light mode)")
    ignore_expected_status_error(page, path)
    page.recorder.assert_clean()


@pytest.mark.parametrize("path", [PAGES["home"], PAGES["article"]], ids=["home", "article"])
def test_page_has_no_wcag_violations_dark(browsing, path):
    page = browsing.new_page(color_scheme="dark")
    visit(page, path)
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert_no_axe_violations(page, f"{path} (dark mode)")
    page.recorder.assert_clean()


# Narrow screens ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [PAGES["home"], PAGES["article"], PAGES["search"]], ids=["home", "article", "search"])
def test_no_horizontal_scrolling_at_320px(browsing, path):
    page = browsing.new_page(viewport=NARROW)
    visit(page, path)
    widths = page.evaluate(
        """() => {
            const width = window.innerWidth;
            const wide = [];
            for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                if (r.width && r.right > width + 0.5) {
                    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                        + (el.classList.length ? '.' + [...el.classList].join('.') : '');
                    wide.push(name + ' (right edge ' + Math.round(r.right) + 'px)');
                }
            }
            return {scroll: document.documentElement.scrollWidth, viewport: width, wide: wide.slice(0, 15)};
        }"""
    )
    assert widths["scroll"] <= NARROW["width"], (
        f"{path} scrolls horizontally at {NARROW['width']}px: scrollWidth {widths['scroll']}px; "
        f"elements past the right edge: {widths['wide']}"
    )
    page.recorder.assert_clean()


# Without JavaScript ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/", "Mental health, in plain words"), ("/blog/", "Blog")],
    ids=["home", "blog-index"],
)
def test_lists_render_without_javascript(browsing, path, heading):
    page = browsing.new_page(java_script_enabled=False)
    visit(page, path)
    main = page.locator("main#main")
    expect(main).to_be_visible()
    expect(main.get_by_role("heading", level=1)).to_have_text(heading)
    title = Post.objects.get(slug=ARTICLE_SLUG).title
    expect(main.get_by_role("link", name=title).first).to_be_visible()
    page.recorder.assert_clean()


def test_article_renders_without_javascript(browsing):
    post = Post.objects.get(slug=ARTICLE_SLUG)
    page = browsing.new_page(java_script_enabled=False)
    image_responses = []
    page.on("response", lambda r: image_responses.append((r.url, r.status)) if "/media/" in r.url else None)
    visit(page, ARTICLE)
    main = page.locator("main#main")
    expect(main.get_by_role("heading", level=1)).to_have_text(post.title)
    hero = main.locator("figure.post__hero img")
    expect(hero).to_be_visible()
    expect(hero).to_have_attribute("alt", post.hero_alt)
    hero_src = hero.evaluate("img => img.currentSrc")  # the rendition the browser chose from the srcset
    assert any(url == hero_src and status == 200 for url, status in image_responses), (
        f"the hero image {hero_src} did not load: {image_responses}"
    )
    box = hero.bounding_box()
    assert box, "the hero image has no layout box"
    assert box["width"] > 100, f"the hero image is not displayed: {box}"
    assert box["height"] > 50, f"the hero image is not displayed: {box}"
    prose = main.locator(".prose")
    expect(prose).to_be_visible()
    expect(prose).to_contain_text("What Does It Mean to")
    expect(prose).to_contain_text("create accessible conversations around mental health")
    page.recorder.assert_clean()


def test_main_navigation_works_without_javascript(browsing, live_server):
    page = browsing.new_page(java_script_enabled=False)
    visit(page, "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Blog", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/blog/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Blog")
    page.recorder.assert_clean()


# Quick exit --------------------------------------------------------------------------------------


def test_quick_exit_replaces_the_page_in_history(browsing, live_server):
    page = browsing.new_page()
    intercept_neutral_site(page, settings.QUICK_EXIT_URL)
    visit(page, "/help/")
    visit(page, ARTICLE)
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url(settings.QUICK_EXIT_URL)
    expect(page.get_by_text("neutral page")).to_be_visible()
    page.go_back(wait_until="load")
    assert page.url == f"{live_server.url}/help/", (
        f"Back after Quick exit landed on {page.url}: the article should have been replaced in the history"
    )
    page.recorder.assert_clean()


def test_quick_exit_without_javascript_is_a_plain_link_and_explains_itself(browsing):
    page = browsing.new_page(java_script_enabled=False)
    intercept_neutral_site(page, settings.QUICK_EXIT_URL)
    visit(page, ARTICLE)
    link = page.get_by_role("link", name="Quick exit")
    expect(link).to_have_attribute("href", "/exit/")  # which clears the site data and redirects
    expect(link).to_have_attribute("aria-describedby", "quick-exit-note")
    expect(page.locator("#quick-exit-note")).to_contain_text("does not clear")
    link.click()
    page.wait_for_url(settings.QUICK_EXIT_URL)
    expect(page.get_by_text("neutral page")).to_be_visible()
    page.recorder.assert_clean()


# Keyboard ----------------------------------------------------------------------------------------


def test_skip_link_is_first_visible_on_focus_and_moves_focus_to_main(browsing):
    page = browsing.new_page()
    visit(page, ARTICLE)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    inside = """(el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
            && r.right <= window.innerWidth && r.bottom <= window.innerHeight;
    }"""
    with contextlib.suppress(PlaywrightTimeoutError):  # allow for a short CSS transition into view
        page.wait_for_function(f"({inside})(document.activeElement)", timeout=2_000)
    box = skip.bounding_box()
    viewport = page.viewport_size
    assert skip.evaluate(inside), f"the focused skip link is not inside the viewport {viewport}: {box}"
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.recorder.assert_clean()
