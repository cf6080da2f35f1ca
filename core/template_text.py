"""Words in our templates that a person would read untranslated: text outside `{% translate %}` and
`{% blocktranslate %}`, and the attributes people see or hear (alt, title, aria-label, placeholder).

Django's own lexer splits a template into text, variables, tags and comments, so a tag in the middle
of an HTML tag (`<a href="{% url 'help' %}">`) is no trouble: each variable or tag is put back as a
placeholder and the whole is read by Python's HTML parser. What a variable prints is its own
business (it comes translated from Python, or is content); only the template's own words count.
`manage.py check_template_text` lists them; `make lint` fails on any."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

PLACEHOLDER = "\x00"
VISIBLE_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description"}
WORDS = re.compile(r"[^\W\d_]{2,}")  # two letters in a row, in any script
# Names, the same in every language: the site's own and the services an article is shared to.
NOT_WORDS = {"iDare", "WhatsApp", "Facebook", "LinkedIn", "Telegram"}
ENTITY = re.compile(r"&[#\w]+;")
TAG_NAME_SO_FAR = re.compile(r"</?[A-Za-z][A-Za-z0-9]*$")


@dataclass(frozen=True)
class Untranslated:
    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[int, str]] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skipping += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self.found.append((self.getpos()[0], value))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.found.append((self.getpos()[0], data))


def _is_words(text: str) -> bool:
    text = ENTITY.sub(" ", text.replace(PLACEHOLDER, " "))
    return any(word not in NOT_WORDS for word in WORDS.findall(text))


def untranslated_in(source: str, path: Path = Path("<template>"), *, html: bool = True) -> list[Untranslated]:
    """The template's own words outside the translation tags, with their line numbers."""
    kept = []
    depth = 0  # inside {% blocktranslate %} (or {% comment %}): its words are the catalogue's
    blocks: list[str] = []  # the {% block %} names we are in: a "...class" block holds CSS classes
    for token in Lexer(source).tokenize():
        words = token.contents.split()
        if token.token_type == TokenType.BLOCK and words:
            if words[0] in ("blocktranslate", "blocktrans", "comment"):
                depth += 1
            elif words[0] in ("endblocktranslate", "endblocktrans", "endcomment"):
                depth -= 1
            elif words[0] == "block":
                blocks.append(words[1] if len(words) > 1 else "")
            elif words[0] == "endblock" and blocks:
                blocks.pop()
        lines = "\n" * token.contents.count("\n")
        if depth or token.token_type == TokenType.COMMENT or any("class" in name for name in blocks):
            kept.append(lines)
        elif token.token_type == TokenType.TEXT:
            kept.append(token.contents)
        elif token.token_type == TokenType.VAR:  # what it prints stands where it was, on the same line
            in_tag_name = kept and TAG_NAME_SO_FAR.search(kept[-1])  # <h{{ level }}: part of the name
            kept.append(("0" if in_tag_name else PLACEHOLDER) + lines)
        else:  # a tag prints nothing of its own (an {% if %} inside an HTML tag stays a tag)
            kept.append(lines)
    text = "".join(kept)
    if not html:
        return [Untranslated(path, number, line.strip()) for number, line in enumerate(text.splitlines(), 1)
                if _is_words(line)]
    reader = _Reader()
    reader.feed(text)
    reader.close()
    found = []
    for line, data in reader.found:
        for offset, piece in enumerate(data.split("\n")):
            if _is_words(piece):
                found.append(Untranslated(path, line + offset, " ".join(piece.replace(PLACEHOLDER, "…").split())))
    return found


def untranslated_templates(folder: Path) -> list[Untranslated]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".html", ".txt") and path.is_file():
            found += untranslated_in(path.read_text(encoding="utf-8"), path, html=path.suffix == ".html")
    return found
