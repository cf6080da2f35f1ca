"""Recognising a person in crisis from what they type: the phrases editors keep (idare.CrisisPhrase,
seeded from content/crisis_phrases.yaml, guidance in docs/CRISIS_PHRASES.md), one normalisation for
phrases and text alike, and the matching.

A search that contains an active phrase puts help first; an article that uses one about suicide or
self-harm is not published without the editor saying whether it is sensitive. The active phrases
are read from a snapshot (core/snapshots.py) that every edit rebuilds, so a search asks the
database nothing for them and an edit in the admin counts at once.

Matching: the phrase's words, in order and next to each other, as whole words of the text. Next to
each other so that "marna nahi chahta" (I do not want to die) is not "marna chahta". A search may
misspell a longer Latin word by one letter ("sucide", "suicde"), never its first letter, so that
"putting myself first" is not "cutting myself"; an article is matched exactly.

The same list also holds wording articles should avoid (kind "wording": "committed suicide",
"successful attempt", sensational words), each with its suggested wording. It is no crisis signal:
search and the unflagged-article check never read it; blog/checks.py warns editors of it, matched
exactly like an article's crisis phrases (wording_in)."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save

from core import snapshots
from core.content import ContentError, Report, check_keys, records, sync, text_field, validate

NAME = "crisis_phrases"
PHRASE_KEYS = {"phrase", "language", "kind", "active", "editor_note", "suggestion"}
WORDING = "wording"  # core.models.CrisisPhrase.Kind.WORDING, without importing models here
# Typed for a missing apostrophe or in its place: "I can't", "I can’t", "I can`t" are all "i cant".
APOSTROPHES = dict.fromkeys(map(ord, "'’‘ʼʹ`´′＇"))
DEVANAGARI = re.compile("[\u0900-\u097f\ua8e0-\ua8ff]")
CHANDRABINDU, ANUSVARA, NUKTA = "\u0901", "\u0902", "\u093c"
# Only Latin letters: "dieeee", "plzzz". A doubled Devanagari consonant is spelling (मदद), not emphasis.
REPEATED_LETTER = re.compile(r"([a-z])\1+")
# A word as normalise() keeps it: letters, digits, marks and format characters, apostrophes inside.
TOKEN = re.compile(r"(?:[^\W_]|[\u0900-\u0963\u0966-\u097f\ua8e0-\ua8ff\u200c\u200d'’‘ʼʹ`´′＇])+")
TOLERANT_LENGTH = 5  # a search may misspell words of at least this many letters by one edit


# --- normalisation ----------------------------------------------------------------------------

def normalise(text: str) -> str:
    """The one form phrases and texts are compared in: NFKC, casefolded, Latin letters without
    accents, no apostrophes, punctuation as spaces, single spaces, repeated Latin letters once."""
    text = unicodedata.normalize("NFKC", text.translate(APOSTROPHES)).casefold()
    text = _fold_marks(text)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "LNM":
            kept.append(char)
        elif category != "Cf":  # format characters (ZWJ, ZWNJ) sit inside Devanagari words: dropped, not spaces
            kept.append(" ")
    return REPEATED_LETTER.sub(r"\1", " ".join("".join(kept).split()))


def _fold_marks(text: str) -> str:
    """Accents go from Latin letters ("café" → "cafe"), never from Devanagari, whose vowel signs and
    virama are the word itself. Two Devanagari spellings that people use for the same word are
    folded into one: chandrabindu as anusvara (हूँ, हूं), and the nukta dropped (ख़ुदकुशी, खुदकुशी)."""
    out: list[str] = []
    base = ""
    for char in unicodedata.normalize("NFD", text):
        if not unicodedata.category(char).startswith("M"):
            base = char
            out.append(char)
        elif char == NUKTA:
            continue
        elif char == CHANDRABINDU:
            out.append(ANUSVARA)
        elif not (base.isascii() or unicodedata.name(base, "").startswith("LATIN")):
            out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def is_devanagari(text: str) -> bool:
    return bool(DEVANAGARI.search(text))


# --- matching ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Phrase:
    text: str  # as the editor wrote it
    words: tuple[str, ...]
    kind: str
    suggestion: str = ""


@dataclass(frozen=True)
class Found:
    """Where a text uses a phrase: the phrase, and the character span of its words in the text."""
    phrase: Phrase
    start: int
    end: int


def is_crisis_query(text: str) -> bool:
    """Whether a search expresses suicidal thoughts, self-harm or an acute crisis."""
    words = normalise(text).split()
    return any(_found_at(phrase, words, start, tolerant=True)
               for phrase in _active_phrases() if phrase.kind != WORDING
               for start in range(len(words) - len(phrase.words) + 1))


def crisis_phrases_in(text: str, *, kinds: Iterable[str] | None = None) -> list[str]:
    """The active phrases (as editors wrote them) that a longer text such as an article uses, in the
    order they first appear; `kinds` keeps only phrases of those kinds (by default every crisis kind,
    never wording to avoid)."""
    words = normalise(text).split()
    positions = defaultdict(list)
    for index, word in enumerate(words):
        positions[word].append(index)
    wanted = set(kinds) if kinds is not None else None
    found = []
    for phrase in _active_phrases():
        if (phrase.kind not in wanted) if wanted is not None else phrase.kind == WORDING:
            continue
        starts = [start for start in positions.get(phrase.words[0], ()) if _found_at(phrase, words, start)]
        if starts:
            found.append((starts[0], phrase.text))
    return [text for _, text in sorted(found)]


def wording_in(text: str) -> list[Found]:
    """Every place a text uses an active phrase of kind "wording", in order, with the span of its
    words in `text` (for an excerpt). Each word of the text is normalised on its own, so the match is
    the one crisis_phrases_in makes, Hindi and Hinglish included."""
    tokens = [(match.start(), match.end(), normalise(match.group())) for match in TOKEN.finditer(text)]
    words, spans = [], []
    for start, end, normalised in tokens:
        for word in normalised.split():  # a token such as "self_harm" may hold two words
            words.append(word)
            spans.append((start, end))
    found = []
    for phrase in _active_phrases():
        if phrase.kind != WORDING:
            continue
        for start in range(len(words) - len(phrase.words) + 1):
            if words[start] == phrase.words[0] and _found_at(phrase, words, start):
                found.append(Found(phrase, spans[start][0], spans[start + len(phrase.words) - 1][1]))
    return sorted(found, key=lambda item: (item.start, -item.end))


def _found_at(phrase: Phrase, words: list[str], start: int, *, tolerant: bool = False) -> bool:
    end = start + len(phrase.words)
    if end > len(words):
        return False
    if not tolerant:
        return tuple(words[start:end]) == phrase.words
    return all(_close(expected, typed) for expected, typed in zip(phrase.words, words[start:end], strict=True))


def _close(expected: str, typed: str) -> bool:
    """The same word, or a longer Latin word with one letter wrong, missing, extra or swapped with its
    neighbour, the first letter kept."""
    if expected == typed:
        return True
    if len(expected) < TOLERANT_LENGTH or not (expected.isascii() and expected.isalpha()):
        return False
    if typed[:1] != expected[:1] or abs(len(typed) - len(expected)) > 1:
        return False
    return _one_edit_apart(expected, typed)


def _one_edit_apart(a: str, b: str) -> bool:
    if len(a) == len(b):
        differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(differ) == 1 or (len(differ) == 2 and differ[1] == differ[0] + 1
                                    and a[differ[0]] == b[differ[1]] and a[differ[1]] == b[differ[0]])
    shorter, longer = sorted((a, b), key=len)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


def _active_phrases() -> tuple[Phrase, ...]:
    try:
        rows = snapshots.get(NAME) or []
    except DatabaseError:  # no snapshot yet and no database: the page itself will say so
        return ()
    return _compiled(tuple(tuple(row) for row in rows))


@functools.lru_cache(maxsize=4)
def _compiled(rows: tuple[tuple[str, ...], ...]) -> tuple[Phrase, ...]:
    # A snapshot stored before suggestions existed has three columns; its next rebuild adds the fourth.
    return tuple(Phrase(row[0], tuple(row[1].split()), row[2], row[3] if len(row) > 3 else "")
                 for row in rows if row[1])


# --- the snapshot and the import --------------------------------------------------------------

def build() -> list[list[str]]:
    from core.models import CrisisPhrase

    return [list(row) for row in CrisisPhrase.objects.filter(active=True).values_list("phrase", "normalised", "kind",
                                                                                     "suggestion")]


def content_steps(content_dir: Path) -> list:
    return [(content_dir / "crisis_phrases.yaml", _import_phrases)]


def _import_phrases(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    from core.models import CrisisPhrase

    seen: dict[str, int] = {}
    for number, record in enumerate(records(path, "crisis phrases"), 1):
        where = f"phrase #{number}: "
        check_keys(record, PHRASE_KEYS, {"phrase", "language", "kind"}, where=where)
        active = record.get("active", True)
        if not isinstance(active, bool):
            raise ContentError(f"{where}active must be true or false")
        phrase = CrisisPhrase(active=active, **{key: text_field(record, key) for key in PHRASE_KEYS - {"active"}})
        validate(phrase)  # also computes the normalised form, which names the phrase from one import to the next
        if phrase.normalised in seen:
            raise ContentError(f"{where}the same words as phrase #{seen[phrase.normalised]}")
        seen[phrase.normalised] = number
        sync("crisis phrase", CrisisPhrase, phrase, sorted(PHRASE_KEYS), report, force=force, key="normalised")
    snapshots.refresh_on_commit(NAME)


def _changed(sender, **kwargs) -> None:
    snapshots.refresh_on_commit(NAME)


def connect() -> None:
    from core.models import CrisisPhrase

    snapshots.register(NAME, build)
    post_save.connect(_changed, sender=CrisisPhrase, dispatch_uid="core.crisis.saved")
    post_delete.connect(_changed, sender=CrisisPhrase, dispatch_uid="core.crisis.deleted")
