"""The editorial checks an editor sees next to the article's text as they type, and a summary of
them at publish (docs/EDITORIAL_CHECKS.md): pure functions over the article's words, each warning
with a code, a plain sentence, the passage it is about and what to write instead.

- Safe messaging: the wording the crisis phrase list marks as to avoid (idare.CrisisPhrase, kind
  "wording", data editors keep under Site › Crisis phrases), matched as core/crisis.py matches an
  article, so Hindi and Hinglish work the same way. On a sensitive article each must be resolved or
  acknowledged before it is published (Post.clean).
- Accessibility: images without alt text, a top heading or a skipped heading level (the title is the
  page's h1, so the body starts at h2), vague link text or a bare address, paragraphs in capitals.
- Readability: sentences longer than LONG_SENTENCE_WORDS words, Flesch reading ease under
  READING_EASE_MIN (English only), and the meta description's length.

A warning is acknowledged (blog.CheckAcknowledgement) by its code and fingerprint: a digest of the
field and the passage, so rewording the passage raises it again."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.crisis import normalise, wording_in
from core.lookups import row_id
from core.markdown import render_markdown

LONG_SENTENCE_WORDS = 30  # a sentence of more words than this is flagged
READING_EASE_MIN = 50  # Flesch reading ease under this is flagged (60–70 is plain English)
READING_EASE_MIN_WORDS = 100  # fewer words than this give no meaningful score
META_MIN, META_MAX = 50, 160  # the meta description's length in characters
EXCERPT_CHARS = 140
CHECKED_FIELDS = ("title", "subtitle", "excerpt", "content_note", "body")

SAFE_MESSAGING, ACCESSIBILITY, READABILITY = "safe_messaging", "accessibility", "readability"
GROUPS = {SAFE_MESSAGING: gettext_lazy("Safe messaging"), ACCESSIBILITY: gettext_lazy("Accessibility"),
          READABILITY: gettext_lazy("Readability")}
CODE_GROUPS = {"wording": SAFE_MESSAGING, "image-alt": ACCESSIBILITY, "heading-top": ACCESSIBILITY,
               "heading-skip": ACCESSIBILITY, "link-text": ACCESSIBILITY, "bare-url": ACCESSIBILITY,
               "all-caps": ACCESSIBILITY, "long-sentence": READABILITY, "reading-ease": READABILITY,
               "meta-length": READABILITY}
FIELD_LABELS = {"title": gettext_lazy("title"), "subtitle": gettext_lazy("subtitle"),
                "excerpt": gettext_lazy("meta description"), "content_note": gettext_lazy("content note"),
                "body": gettext_lazy("body")}
# Link words that say nothing of where they lead, once normalised (core.crisis.normalise).
VAGUE_LINKS = {"click here", "click", "here", "read more", "more", "learn more", "this link", "link", "this",
               "this page", "go here", "see here", "find out more"}
UPLOAD_ALT_PLACEHOLDER = "Describe this image for people who cannot see it"  # blog/forms.py puts it there

FENCE = re.compile(r"^ {0,3}(```|~~~)")
INLINE_CODE = re.compile(r"`[^`\n]*`")
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)")
LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)]*)\)")
BARE_URL = re.compile(r"<?\b(?:https?://|www\.)[^\s<>)\]]+>?")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
BLANK_LINES = re.compile(r"\n[ \t]*\n")
MARKUP = re.compile(r"[*_>#`\[\]()!|~-]")
SENTENCE_END = re.compile(r"(?<=[.!?…।])[\"'”’)\]]*\s+")
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,]\d+)*")
DEVANAGARI = re.compile("[\u0900-\u097f]")
BLOCK_TAGS = {"p", "li", "blockquote", "td", "th", "dd", "dt", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass(frozen=True)
class Warning:  # noqa: A001 - the editors' word; not Python's Warning, which this module never uses
    code: str
    field: str  # the form field it concerns
    message: str  # a plain, translated sentence
    excerpt: str  # the passage, as written (possibly shortened)
    suggestion: str
    key: str = ""  # what the fingerprint covers when the excerpt is shortened

    @property
    def group(self) -> str:
        return CODE_GROUPS[self.code]

    @property
    def group_label(self) -> str:
        return str(GROUPS[self.group])

    @property
    def field_label(self) -> str:
        return str(FIELD_LABELS.get(self.field, self.field))

    @property
    def fingerprint(self) -> str:
        covered = "\x1f".join([self.code, self.field, normalise(self.key or self.excerpt)])
        return hashlib.sha256(covered.encode()).hexdigest()[:40]

    @property
    def ident(self) -> str:
        """Names the warning in a form: its code and fingerprint."""
        return f"{self.code}:{self.fingerprint}"


def check_fields(fields: dict[str, str]) -> list[Warning]:
    """Every warning for an article's text fields (title, subtitle, excerpt, content_note, body)."""
    fields = {name: str(fields.get(name) or "") for name in CHECKED_FIELDS}
    warnings = []
    for name in CHECKED_FIELDS:
        warnings += safe_messaging(fields[name], name)
    warnings += accessibility(fields["body"])
    warnings += readability(fields["body"])
    warnings += meta_description(fields["excerpt"])
    return warnings


def post_fields(post) -> dict[str, str]:
    return {name: getattr(post, name) or "" for name in CHECKED_FIELDS}


# --- safe messaging ---------------------------------------------------------------------------

def safe_messaging(text: str, field: str = "body") -> list[Warning]:
    warnings = []
    for found in wording_in(text):
        sentence = _sentence_around(text, found.start, found.end)
        warnings.append(Warning(
            "wording", field,
            _("“%(phrase)s”: safe-messaging guidance advises against this wording.") % {"phrase": found.phrase.text},
            _shorten(sentence, found.start - _sentence_start(text, found.start)), found.phrase.suggestion,
            key=f"{found.phrase.text}\x1f{sentence}"))
    return warnings


def _sentence_start(text: str, position: int) -> int:
    before = max(text.rfind(mark, 0, position) for mark in (".", "!", "?", "\n", "।"))
    return before + 1


def _sentence_around(text: str, start: int, end: int) -> str:
    ends = [index for index in (text.find(mark, end) for mark in (".", "!", "?", "\n", "।")) if index != -1]
    return text[_sentence_start(text, start):min(ends) + 1 if ends else len(text)].strip()


def _shorten(text: str, around: int = 0) -> str:
    """At most EXCERPT_CHARS characters of `text`, keeping the place `around` in view."""
    text = " ".join(text.split())
    if len(text) <= EXCERPT_CHARS:
        return text
    start = max(0, min(around - EXCERPT_CHARS // 3, len(text) - EXCERPT_CHARS))
    piece = text[start:start + EXCERPT_CHARS].strip()
    return ("…" if start else "") + piece + ("…" if start + EXCERPT_CHARS < len(text) else "")


# --- accessibility ----------------------------------------------------------------------------

def _without_code(markdown: str) -> list[str]:
    """The Markdown's lines outside fenced code, inline code blanked (code is shown as written)."""
    lines, fenced = [], False
    for line in markdown.replace("\r\n", "\n").split("\n"):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(INLINE_CODE.sub(" ", line))
    return lines


def accessibility(markdown: str) -> list[Warning]:
    lines = _without_code(markdown)
    text = "\n".join(lines)
    warnings = []
    for match in IMAGE.finditer(text):
        alt = match.group(1).strip()
        if not alt or alt == UPLOAD_ALT_PLACEHOLDER:
            warnings.append(Warning("image-alt", "body", _("This image has no alt text."), match.group(0),
                                    _("Write what it shows between the brackets, ![like this](…), or "
                                      "![decorative](…) if it adds nothing a reader would miss.")))
    level = 1  # the article's title is the page's h1
    for line in lines:
        heading = HEADING.match(line)
        if not heading:
            continue
        depth = len(heading.group(1))
        if depth == 1:
            warnings.append(Warning("heading-top", "body", _("A top-level heading (#) in the body: the title is "
                                                             "the page's only one."), line.strip(),
                                    _("Start sections with ## and sub-sections with ###.")))
        elif depth > level + 1:
            warnings.append(Warning(
                "heading-skip", "body",
                _("This heading skips a level: h%(depth)s after h%(level)s.") % {"depth": depth, "level": level},
                line.strip(), _("Use %(marks)s here, one level below the heading before it.") % {
                    "marks": "#" * (level + 1)}))
        level = depth
    for match in LINK.finditer(text):
        words = normalise(match.group(1))
        if words in VAGUE_LINKS or BARE_URL.fullmatch(match.group(1).strip()):
            warnings.append(Warning(
                "link-text", "body", _("This link's words do not say where it leads."), match.group(0),
                _("Link words that name the destination, e.g. [Tele-MANAS's opening hours](…): screen reader "
                  "users often hear the links alone.")))
    for match in BARE_URL.finditer(IMAGE.sub(" ", LINK.sub(" ", text))):
        warnings.append(Warning("bare-url", "body", _("A bare web address is read out letter by letter."),
                                match.group(0), _("Link words that name the destination: [its name](address).")))
    for block in BLANK_LINES.split("\n".join(lines)):
        letters = [char for char in MARKUP.sub(" ", block) if char.isalpha() and char.upper() != char.lower()]
        if len(letters) >= 12 and len(block.split()) >= 3 and all(char.isupper() for char in letters):
            warnings.append(Warning("all-caps", "body", _("A paragraph in capitals is hard to read, and some "
                                                          "screen readers spell it out."), _shorten(block),
                                    _("Write it in sentence case; use ** for emphasis."), key=block))
    return warnings


# --- readability ------------------------------------------------------------------------------

class _Blocks(HTMLParser):
    """The rendered article's text, one string per paragraph, list item or cell (headings apart)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, list[str]]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self.tags.append(tag)
            self.blocks.append((tag, []))

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS and self.tags:
            self.tags.pop()
            parent = self.tags[-1] if self.tags else None
            self.blocks.append((parent, []) if parent else ("", []))

    def handle_data(self, data):
        if self.blocks:
            self.blocks[-1][1].append(data)


def sentences(markdown: str) -> list[str]:
    """The body's sentences as readers get them (rendered, headings left out)."""
    parser = _Blocks()
    parser.feed(render_markdown(markdown))
    found = []
    for tag, parts in parser.blocks:
        if not tag or tag.startswith("h"):
            continue
        text = " ".join("".join(parts).split())
        found += [piece for piece in SENTENCE_END.split(text) if WORD.search(piece)]
    return found


def syllables(word: str) -> int:
    """English syllables, estimated: groups of vowels, less a silent final "e" or "-ed"/"-es"."""
    word = word.lower().strip("'’")
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$", lambda m: m.group(0)[0], word)
    word = re.sub(r"^y", "", word)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", word)))


def reading_ease(found: list[str]) -> float | None:
    """Flesch reading ease of English sentences: 206.835 − 1.015 × words per sentence − 84.6 ×
    syllables per word (0–100, higher is easier). None for too few words or mostly Devanagari,
    which the formula was never made for."""
    words = [word for sentence in found for word in WORD.findall(sentence) if not word[0].isdigit()]
    if len(words) < READING_EASE_MIN_WORDS or sum(bool(DEVANAGARI.match(word)) for word in words) > len(words) / 5:
        return None
    per_sentence = len(words) / len(found)
    per_word = sum(syllables(word) for word in words) / len(words)
    return round(206.835 - 1.015 * per_sentence - 84.6 * per_word, 1)


def readability(markdown: str) -> list[Warning]:
    found = sentences(markdown)
    warnings = []
    for sentence in found:
        count = len(WORD.findall(sentence))
        if count > LONG_SENTENCE_WORDS:
            warnings.append(Warning(
                "long-sentence", "body",
                _("A sentence of %(count)s words (more than %(limit)s).") % {"count": count,
                                                                            "limit": LONG_SENTENCE_WORDS},
                _shorten(sentence), _("Split it into two or three sentences."), key=sentence))
    score = reading_ease(found)
    if score is not None and score < READING_EASE_MIN:
        warnings.append(Warning(
            "reading-ease", "body",
            _("Reading ease %(score)s: hard for many readers. The Flesch score runs from 0 to 100; higher is "
              "easier, 60–70 is plain English, under %(minimum)s is flagged.") % {"score": score,
                                                                                  "minimum": READING_EASE_MIN},
            "", _("Shorter sentences and everyday words raise it.")))
    return warnings


def meta_description(text: str) -> list[Warning]:
    length = len(" ".join(text.split()))
    if META_MIN <= length <= META_MAX:
        return []
    if length < META_MIN:
        message = _("The meta description has %(length)s characters: under %(minimum)s says too little in "
                    "search results.") % {"length": length, "minimum": META_MIN}
    else:
        message = _("The meta description has %(length)s characters: search engines cut it after about "
                    "%(maximum)s.") % {"length": length, "maximum": META_MAX}
    return [Warning("meta-length", "excerpt", message, _shorten(text),
                    _("Write one or two sentences of %(minimum)s–%(maximum)s characters that say what a reader "
                      "will find.") % {"minimum": META_MIN, "maximum": META_MAX}, key="length")]


# --- acknowledgements -------------------------------------------------------------------------

def may_acknowledge(user) -> bool:
    """Editors (who publish) and clinical reviewers (who record reviews) decide that a warning is
    right as written; writers see the warnings and reword, or ask them."""
    return user.is_active and (user.has_perm("blog.publish_post") or user.has_perm("blog.add_review"))


def acknowledgements(post) -> dict[str, object]:
    """The post's acknowledgements by warning ident (code:fingerprint)."""
    if post is None or not post.pk:
        return {}
    from blog.models import CheckAcknowledgement

    return {f"{ack.code}:{ack.fingerprint}": ack
            for ack in CheckAcknowledgement.objects.current().filter(post_id=post.pk)
            .select_related("acknowledged_by")}


# What the editor is told once it is done, with JavaScript or without.
ACKNOWLEDGED = gettext_lazy("The warning is acknowledged.")
WITHDRAWN = gettext_lazy("The acknowledgement is withdrawn: the warning is open again.")


def acknowledge(post, user, fields: dict[str, str], ident: str, reasons) -> str:
    """Acknowledges the warning `ident` of the text as typed (`fields`), with the reason the form
    sent under ack-reason-<fingerprint> in `reasons`; an error sentence, or "" once it is (or
    already was) acknowledged. The caller has checked may_acknowledge."""
    from blog.models import CheckAcknowledgement

    warning = next((w for w in check_fields(fields) if w.ident == ident), None)
    if warning is None:
        return _("That warning is not in the text any more: nothing was acknowledged.")
    reason = (reasons.get(f"ack-reason-{warning.fingerprint}") or "").strip()
    if not reason:
        return _("Say why the wording is right as it is, then acknowledge it.")
    if len(reason) > 1000:
        return _("Write the reason in at most 1,000 characters.")
    active = CheckAcknowledgement.objects.current().filter(post=post, code=warning.code,
                                                           fingerprint=warning.fingerprint)
    if not active.exists():
        try:
            with transaction.atomic():
                CheckAcknowledgement.objects.create(post=post, code=warning.code, fingerprint=warning.fingerprint,
                                                    excerpt=warning.excerpt[:300], reason=reason,
                                                    acknowledged_by=user)
        except IntegrityError:  # another tab acknowledged it a moment ago: it is acknowledged
            pass
    return ""


def withdraw(post, user, acknowledgement_id: str) -> str:
    """Withdraws one of the post's acknowledgements: kept, with who and when, and the warning is open
    again. An error sentence, or "". The caller has checked may_acknowledge."""
    from blog.models import CheckAcknowledgement

    if not (pk := row_id(acknowledgement_id)):
        return _("That acknowledgement is not on this article: nothing was withdrawn.")
    withdrawn = CheckAcknowledgement.objects.current().filter(post=post, pk=pk).update(
        withdrawn_by=user, withdrawn_at=timezone.now())
    if not withdrawn:
        return _("That acknowledgement is not on this article any more: nothing was withdrawn.")
    return ""


def withdrawals(post) -> dict[str, object]:
    """The post's withdrawn acknowledgements by warning ident, the latest of each: the panel says an
    open warning was acknowledged once, by whom, and who withdrew it."""
    if post is None or not post.pk:
        return {}
    from blog.models import CheckAcknowledgement

    latest = {}
    for ack in (CheckAcknowledgement.objects.withdrawn().filter(post_id=post.pk)
                .select_related("acknowledged_by", "withdrawn_by").order_by("withdrawn_at", "pk")):
        latest[f"{ack.code}:{ack.fingerprint}"] = ack
    return latest


def open_warnings(warnings: list[Warning], acknowledged: dict) -> list[Warning]:
    return [warning for warning in warnings if warning.ident not in acknowledged]


def panel_context(warnings: list[Warning], acknowledged: dict, withdrawn: dict | None = None) -> dict:
    withdrawn = withdrawn or {}
    rows = [{"warning": warning, "acknowledgement": acknowledged.get(warning.ident),
             "withdrawn": withdrawn.get(warning.ident)} for warning in warnings]
    groups = [{"code": code, "label": label, "rows": [row for row in rows if row["warning"].group == code]}
              for code, label in GROUPS.items()]
    still_open = len(open_warnings(warnings, acknowledged))
    return {"check_groups": groups, "checks_open": still_open, "checks_total": len(warnings),
            "long_sentence_words": LONG_SENTENCE_WORDS, "reading_ease_min": READING_EASE_MIN,
            "meta_min": META_MIN, "meta_max": META_MAX}


# --- the articles in content/ -----------------------------------------------------------------

def content_warnings(content_dir) -> list[tuple[str, Warning]]:
    """Every warning for each article file in content/blog/ (docs/EDITORIAL_CHECKS.md: precision),
    as (the file's name, the warning), with the phrase list as the database holds it."""
    from pathlib import Path

    from core.content import read_front_matter, text_field

    found = []
    for path in sorted(Path(content_dir, "blog").glob("*.md")):
        meta, body = read_front_matter(path)
        fields = {"title": text_field(meta, "title"), "subtitle": text_field(meta, "subtitle"),
                  "excerpt": text_field(meta, "description"), "content_note": text_field(meta, "content_note"),
                  "body": body}
        found += [(path.name, warning) for warning in check_fields(fields)]
    return found
