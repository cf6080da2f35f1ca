"""The one way Markdown becomes HTML on this site: on save, in the importer and in the admin
preview. Python-Markdown does the formatting, then nh3 keeps only what the allowlist names, so
whatever a writer (or a stolen editor account) types, readers get inert HTML.

It lives in the shared `core` app because every app that shows staff-written prose (articles,
pages, Engage programmes, site snippets) renders it the same way, and apps do not import each other."""

import re
from urllib.parse import urlsplit

import markdown
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from markdown.extensions.toc import slugify

EXTENSIONS = [
    "markdown.extensions.toc",
    "markdown.extensions.tables",
    "markdown.extensions.smarty",
    "markdown.extensions.sane_lists",
    "markdown.extensions.fenced_code",
    "markdown.extensions.footnotes",
]


def is_reserved_id(value: str) -> bool:
    """Ids the templates around a body use (`main`, `quick-exit-note`, `…-title`): a body that
    took one would break the skip link or a section's label."""
    return value in ("main", "quick-exit-note") or value.endswith("-title")


def _heading_id(value: str, separator: str) -> str:
    slug = slugify(value, separator)
    return f"{slug}-section" if is_reserved_id(slug) else slug


EXTENSION_CONFIGS = {"markdown.extensions.toc": {"toc_depth": "2-4", "slugify": _heading_id}}

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
    "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "abbr", "q", "cite",
    "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "a", "img", "figure", "figcaption",
    "code", "pre", "kbd",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "div",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"scope", "align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "div": {"class"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9_:.-]{0,80}$")
SAFE_CLASSES = {"footnote"}
ANCHOR_TAG = re.compile(r"<a\b([^>]*)>")
HREF = re.compile(r'\shref="([^"]*)"')
URL_NOISE = re.compile(r"[\x00-\x20]")
TOP_HEADING = re.compile(r"<(/?)h1\b", re.IGNORECASE)
IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if SAFE_ID.match(value) and not is_reserved_id(value) else None
    if attribute == "class":
        return value if value in SAFE_CLASSES else None
    if element == "img" and attribute == "src":
        # Images load from our own origin only: a picture from elsewhere would tell another site
        # who is reading about their mental health.
        # Browsers drop tabs and newlines and read "\\" as "/": "/\t/evil.example" is another site.
        if any(ord(char) < 0x21 or char == "\\" for char in value):
            return None
        return value if value.startswith("/") and not value.startswith("//") else None
    if attribute in ("width", "height", "colspan", "rowspan", "start"):
        return value if value.isdigit() and len(value) <= 5 else None
    return value


def _is_external(href: str) -> bool:
    """Read the URL as a browser would: entities decoded, tabs and newlines dropped, "\\" as "/"."""
    url = URL_NOISE.sub("", href.replace("&amp;", "&")).replace("\\", "/")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("", "http", "https"):
        return False  # mailto:, tel:
    if not parts.netloc:
        # "http:evil.example" has no host to urlsplit, but a browser goes there.
        return bool(parts.scheme) or url.startswith("//")
    return parts.netloc.lower() != urlsplit(settings.SITE_URL).netloc.lower()


def _mark_external_links(html: str) -> str:
    def add_rel(match: re.Match) -> str:
        href = HREF.search(match.group(0))
        if href and _is_external(href.group(1)):
            return f'<a rel="noopener noreferrer"{match.group(1)}>'
        return match.group(0)

    return ANCHOR_TAG.sub(add_rel, html)


def _tidy(html: str) -> str:
    """Works on nh3's output, which is canonical (double-quoted attributes, escaped values)."""
    html = IMAGE_WITHOUT_SOURCE.sub("", html)  # a refused source leaves nothing to show
    return _mark_external_links(html)


# --- bounded cost ---------------------------------------------------------------------------------
# Python-Markdown's time grows with the square of the markup in a block (each "[" reads ahead to the
# end of its paragraph for a "]"; each inline match rebuilds the rest of the block) and with the square
# of the number of lines. Measured on a 2-core machine (issue 9): 20,000 "[" took 109 s; 1,000 "["
# over five long paragraphs 5.8 s; 4,000 "<a " 2.2 s; 10,000 headings 11 s; 19,000 one-word
# paragraphs 12.5 s; lists nested 150 deep raised RecursionError. So a text is weighed before it is
# rendered: the sum over its blocks of (markup characters × block length), and a few counts. The
# costliest texts within these limits (bench/markdown_cost.py, timed by `make bench`) render in under 0.4 s of CPU
# at most; the heaviest real page (content/pages/privacy.md) weighs about a sixth of the limit.
MAX_WEIGHT = 1_500_000
MAX_LINES = 800  # the block parser's time grows with the square of the number of lines, too
MAX_BRACKETS = 1_000  # links, images and footnote marks in the whole text
MAX_TAGS = 500  # "<": raw HTML and autolinks
MAX_FOOTNOTES = 300
MAX_HEADINGS = 300
MAX_TABLE_CELLS = 2_000  # "|" in one table
MAX_DEPTH = 10  # quotes within quotes, lists within lists
INLINE_MARKUP = re.compile(r"[\\\[!*_`<&]")
BLANK_LINES = re.compile(r"\n[ \t]*\n")
FENCE = re.compile(r"^[ \t]*(```|~~~)")
QUOTE_MARKS = re.compile(r"^(?:[ \t]*>)+")
FOOTNOTE_DEFINITION = re.compile(r"^[ \t]*\[\^[^\]]+\]:", re.MULTILINE)
HEADING = re.compile(r"^[ \t]{0,3}#|^[ \t]{0,3}(=+|-+)[ \t]*$", re.MULTILINE)
HEADING_LINE = re.compile(r"^[ \t]{0,3}#")


def _depth(line: str) -> int:
    quotes = QUOTE_MARKS.match(line)
    rest = (line[quotes.end():] if quotes else line).expandtabs(4)
    return (quotes.group(0).count(">") if quotes else 0) + (len(rest) - len(rest.lstrip(" "))) // 4


def _outside_code(text: str) -> list[str]:
    """The lines Markdown parses as structure: fenced code is left out, but only when its fence closes
    (Python-Markdown reads an unclosed fence as text)."""
    lines, fenced, in_fence = [], [], False
    for line in text.split("\n"):
        if FENCE.match(line):
            if in_fence:
                fenced = []
            in_fence = not in_fence
            continue
        (fenced if in_fence else lines).append(line)
    return lines + fenced


LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+\.)[ \t]")
TABLE_RULE = re.compile(r"^[ \t|:-]+$")


def _units(text: str) -> list[str]:
    """The pieces Python-Markdown reads inline markup in, one at a time, as it would find them (or
    larger): paragraphs; each item of a list; each row of a table; each heading; and the same inside
    quotes. Its cost grows with the square of the markup in one piece."""
    units = []
    for block in BLANK_LINES.split(text):
        lines = block.strip("\n").split("\n")
        if QUOTE_MARKS.match(lines[0]):
            units += _units("\n".join(QUOTE_MARKS.sub("", line, count=1) for line in lines))
        elif LIST_ITEM.match(lines[0]) or (len(lines) > 1 and "|" in lines[0] and TABLE_RULE.match(lines[1])):
            splitter = LIST_ITEM if LIST_ITEM.match(lines[0]) else re.compile("")
            units += _split_before(lines, splitter)
        else:
            units += _split_before(lines, HEADING_LINE)
    return units


def _split_before(lines: list[str], pattern: re.Pattern) -> list[str]:
    pieces: list[list[str]] = []
    for line in lines:
        if not pieces or pattern.match(line):
            pieces.append([])
        pieces[-1].append(line)
    return ["\n".join(piece) for piece in pieces]


def _start(block: str) -> str:
    return " ".join(block.split())[:40]


def markdown_problems(text: str) -> list[str]:
    """What makes this text too costly to render, in words an editor can act on (empty: fine)."""
    problems = []
    if len(text) > settings.IDARE_MARKDOWN_MAX_CHARS:  # checked with the rest: each is linear
        problems.append(f"This text is {len(text):,} characters long; the most the site renders is "
                        f"{settings.IDARE_MARKDOWN_MAX_CHARS:,}. Split it into two.")
    counts = [
        (text.count("\n") + 1, MAX_LINES, "lines"),
        (text.count("["), MAX_BRACKETS, "“[” (links, images and footnote marks)"),
        (text.count("<"), MAX_TAGS, "“<” (HTML tags)"),
        (len(FOOTNOTE_DEFINITION.findall(text)), MAX_FOOTNOTES, "footnotes"),
        (len(HEADING.findall(text)), MAX_HEADINGS, "headings (and lines of ‘---’ or ‘===’)"),
    ]
    problems += [f"This text has {count:,} {what}; the most is {limit:,}." for count, limit, what in counts
                 if count > limit]
    lines = _outside_code(text)
    if max(map(_depth, lines), default=0) > MAX_DEPTH:
        problems.append(f"Quotes or lists are nested more than {MAX_DEPTH} levels deep (or a line outside a "
                        f"code block is indented by more than {MAX_DEPTH * 4} spaces).")
    structure = "\n".join(lines)
    problems += [f"The table starting “{_start(block)}…” has more than {MAX_TABLE_CELLS:,} cells."
                 for block in BLANK_LINES.split(structure) if block.count("|") > MAX_TABLE_CELLS]
    # A "[" costs about four times as much as the rest: it reads ahead to the end of its piece.
    weights = [((len(INLINE_MARKUP.findall(unit)) + 3 * unit.count("[")) * len(unit), unit)
               for unit in _units(structure)]
    if sum(weight for weight, _ in weights) > MAX_WEIGHT:
        heaviest = max(weights, key=lambda pair: pair[0])[1]
        problems.append("This text has too much formatting ([ ! * _ ` < & \\) in long paragraphs to show quickly; "
                        f"the heaviest is the one starting “{_start(heaviest)}…”. Add blank lines between "
                        "paragraphs, remove some formatting, or split the text.")
    return problems


def validate_markdown(text: str) -> None:
    """A form validator: refuses text whose rendering would cost too much, saying why."""
    if problems := markdown_problems(text or ""):
        raise ValidationError(problems, code="markdown_too_costly")


def render_markdown(text: str) -> str:
    """Text over the limits above is refused (ValidationError): forms and the preview check first and
    say why, so this only stops a caller that did not."""
    validate_markdown(text)
    html = markdown.markdown(
        text or "", extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
    )
    # The page title is the only <h1>: a writer's "# Heading" becomes a section heading.
    html = TOP_HEADING.sub(r"<\1h2", html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return _tidy(clean)
