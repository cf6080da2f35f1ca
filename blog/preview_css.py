"""The admin's live preview in the site's own article styles, without those styles reaching the admin.

static/css/admin-preview.css carries, between two marker comments, the article rules of
static/css/site.css (its colour tokens, base typography and every `.prose` rule), each selector
rewritten under SCOPE. It is generated, never edited by hand: `manage.py build_admin_preview_css`
writes it again after a change to site.css, and tests/blog/test_admin_previews.py fails while the
two differ. A copy rather than loading site.css itself: site.css styles `body`, `main`, `a`… and
would restyle the whole admin; an iframe would need the site's `frame-src 'none'` loosened."""

import re
from pathlib import Path

from django.conf import settings

# An id in the scope outweighs the admin's own rules (`.module h2`, `form .aligned ul`, `a:link`), so
# they cannot leak into the preview; the admin's main column is `<div id="content">`.
SCOPE = "#content .article-preview"
BEGIN = "/* == BEGIN generated from site.css by manage.py build_admin_preview_css: do not edit == */"
END = "/* == END generated from site.css == */"

# site.css's rules for the page itself that articles rely on (what `.prose` builds on).
BASE_SELECTORS = {":root", "body", "h1, h2, h3, h4", "h1", "h2", "h3", "h4", "p, ul, ol, dl", "a", "a:hover", "img",
                  "sup, sub", "sup", "sub"}
# Of body's declarations, only what text inherits: not its flex layout or its full-screen height.
BODY_PROPERTIES = {"background", "color", "font", "overflow-wrap"}


def site_css_path() -> Path:
    return Path(settings.BASE_DIR) / "static" / "css" / "site.css"


def preview_css_path() -> Path:
    return Path(settings.BASE_DIR) / "static" / "css" / "admin-preview.css"


def _rules(css: str) -> list[tuple[str, str | list]]:
    """Top-level rules as (prelude, declarations) or, for an @media block, (prelude, [rules])."""
    rules, position = [], 0
    while (opening := css.find("{", position)) != -1:
        prelude = " ".join(css[position:opening].split())
        depth, cursor = 1, opening + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(css[cursor], 0)
            cursor += 1
        inner = css[opening + 1:cursor - 1]
        rules.append((prelude, _rules(inner) if prelude.startswith("@") else " ".join(inner.split())))
        position = cursor
    return rules


def split_selectors(selector: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for character in selector:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += character
    return [*parts, current.strip()]


def _is_article_rule(selector: str) -> bool:
    return selector in BASE_SELECTORS or all(part.startswith((".prose", ".footnote"))
                                             for part in split_selectors(selector))


def scoped_selector(selector: str) -> str:
    """`.prose h2` → `#content .article-preview h2`: the preview box is the article's `.prose`."""
    scoped = []
    for part in split_selectors(selector):
        if part in (":root", "body", ".prose"):
            scoped.append(SCOPE)
        elif part.startswith(".prose"):
            scoped.append(SCOPE + part.removeprefix(".prose"))
        else:
            scoped.append(f"{SCOPE} {part}")
    return ", ".join(scoped)


def _declarations(selector: str, declarations: str) -> str:
    if selector != "body":
        return declarations
    kept = [item.strip() for item in declarations.split(";")
            if item.strip() and item.split(":", 1)[0].strip() in BODY_PROPERTIES]
    return "; ".join(kept) + ";"


def _scoped(rules, indent: str = "") -> list[str]:
    lines = []
    for prelude, body in rules:
        if isinstance(body, list):
            inner = _scoped(body, indent + "  ")
            if inner:
                lines += [f"{indent}{prelude} {{", *inner, f"{indent}}}"]
        elif _is_article_rule(prelude):
            lines.append(f"{indent}{scoped_selector(prelude)} {{ {_declarations(prelude, body)} }}")
    return lines


def article_rules(css: str) -> list[tuple[str, str]]:
    """(selector, declarations) of site.css's article rules, @media blocks flattened with their prelude."""
    found = []
    for prelude, body in _rules(re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        if isinstance(body, list):
            found += [(f"{prelude} {inner}", text) for inner, text in body
                      if isinstance(text, str) and _is_article_rule(inner)]
        elif _is_article_rule(prelude):
            found.append((prelude, body))
    return found


def generated_section(site_css: str) -> str:
    return "\n".join([BEGIN, *_scoped(_rules(re.sub(r"/\*.*?\*/", "", site_css, flags=re.S))), END])


def with_generated_section(preview_css: str, site_css: str) -> str:
    """admin-preview.css with its generated part made again from site.css (the rest kept as written)."""
    start, end = preview_css.index(BEGIN), preview_css.index(END) + len(END)
    return preview_css[:start] + generated_section(site_css) + preview_css[end:]
