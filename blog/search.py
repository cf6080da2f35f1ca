"""Article search: PostgreSQL full-text search where we have it, a plain match on SQLite.

On PostgreSQL the title weighs more than the subtitle, which weighs more than the body; the query
reads like a search engine's (`websearch_to_tsquery`: "quoted phrases", -excluded, or); a GIN index
over the same expression keeps it fast however large the archive; snippets come from ts_headline.
When nothing matches, trigram similarity (pg_trgm) on titles forgives typos.

What a search found is kept in the site's cache for IDARE_SEARCH_CACHE_SECONDS (the ids, the
snippets), so a common search runs once a minute however many people ask; the articles themselves
are read again on every answer, so one unpublished or edited since is never shown as it was. The
cache key is an HMAC of the query: the cache (Redis, when shared) holds no search in its key names."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from blog.models import ARTICLE_TEXTS

MAX_QUERY = 200  # characters: longer queries are cut, not refused
CONFIG = "english"
# A generated, indexed column that PostgreSQL keeps in step with the row (migration 0003): title
# weighted A, subtitle B, body C. Not a model field, so SQLite never sees it.
DOCUMENT = RawSQL('"blog_post"."search_document"', [], output_field=SearchVectorField())
TYPO_THRESHOLD = "0.3"  # pg_trgm word similarity: catches "trsut", "anxeity", "greif"
OPEN, CLOSE = "\x02", "\x03"  # ts_headline marks matches with these; they become <mark> after escaping
SNIPPET_WORDS = 30
# Ranking reads every candidate's whole document: a word in a quarter of 100,000 articles would take
# seconds. The newest matches are ranked, so a common word costs what a rare one does.
RANKED_MATCHES = 1000


@dataclass(frozen=True)
class Results:
    query: str
    posts: list
    corrected: bool  # found by typo tolerance, not by the words as typed


def clean_query(raw: str) -> str:
    """What we search for: no control characters (PostgreSQL refuses NUL), spaces collapsed, cut."""
    text = "".join(ch if ch.isprintable() else " " for ch in raw)
    return " ".join(text.split())[:MAX_QUERY]


def search(posts: QuerySet, raw_query: str, limit: int = 20) -> Results:
    """Runs the search (see `remembered` for one already run)."""
    query = clean_query(raw_query)
    if not query:
        return Results("", [], False)
    if connection.vendor == "postgresql":
        return _postgresql(posts, query, limit)
    return _plain(posts, query, limit)


def _postgresql(posts: QuerySet, query: str, limit: int) -> Results:
    ts_query = SearchQuery(query, search_type="websearch", config=CONFIG)
    headline = SearchHeadline("body_text", ts_query, config=CONFIG, start_sel=OPEN, stop_sel=CLOSE,
                              max_words=SNIPPET_WORDS, min_words=15, max_fragments=2, fragment_delimiter=" … ")
    # Two queries, not a subquery: DOCUMENT names the outer table, so inside a subquery it would not
    # be the subquery's own row.
    newest_matches = list(
        posts.alias(document=DOCUMENT).filter(document=ts_query).order_by("-published_at")
        .values_list("pk", flat=True)[:RANKED_MATCHES]
    )
    found = list(
        posts.filter(pk__in=newest_matches).defer(*ARTICLE_TEXTS)  # the snippet is made by PostgreSQL
        .annotate(rank=SearchRank(DOCUMENT, ts_query), raw_snippet=headline)
        .order_by("-rank", "-published_at")[:limit]
    ) if newest_matches else []
    corrected = False
    if not found:
        with transaction.atomic():  # SET LOCAL lasts until the end of this transaction
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = " + TYPO_THRESHOLD)
            found = list(
                posts.filter(title__trigram_word_similar=query).defer(*ARTICLE_TEXTS)
                .annotate(similarity=TrigramWordSimilarity(query, "title"), raw_snippet=headline)
                .order_by("-similarity", "-published_at")[:limit]
            )
        corrected = bool(found)
    for post in found:
        post.snippet = _highlighted(post.raw_snippet) if OPEN in post.raw_snippet else escape(post.excerpt)
    return Results(query, found, corrected)


def _plain(posts: QuerySet, query: str, limit: int) -> Results:
    """SQLite: every word somewhere in the title, subtitle, excerpt or body; title matches first."""
    words = [w for w in re.split(r"\W+", query) if w][:8]
    if not words:
        return Results(query, [], False)
    condition = Q()
    for word in words:
        condition &= (Q(title__icontains=word) | Q(subtitle__icontains=word) | Q(excerpt__icontains=word)
                      | Q(body_text__icontains=word))
    found = list(posts.filter(condition).order_by("-published_at")[: limit * 5])

    def weight(post) -> int:  # as on PostgreSQL: the title counts most, then the subtitle, then the body
        return sum(4 * (w in post.title.lower()) + 2 * (w in post.subtitle.lower()) + (w in post.body_text.lower())
                   for w in (word.lower() for word in words))

    found = sorted(found, key=weight, reverse=True)[:limit]
    for post in found:
        post.snippet = _plain_snippet(post.body_text, words) or escape(post.excerpt)
    return Results(query, found, False)


def _plain_snippet(text: str, words: list[str]) -> SafeString | None:
    lowered = text.lower()
    hits = [lowered.find(word.lower()) for word in words if word.lower() in lowered]
    if not hits:
        return None
    start = max(0, min(hits) - 120)
    window = text[start:start + 320]
    pattern = re.compile("|".join(re.escape(word) for word in words), re.I)
    marked = pattern.sub(lambda m: f"{OPEN}{m.group(0)}{CLOSE}", window)
    return _highlighted(("… " if start else "") + marked + (" …" if start + 320 < len(text) else ""))


def _highlighted(text: str) -> SafeString:
    """Escape everything, then turn the match markers into <mark>: the snippet is text from the
    database and must never become markup."""
    return mark_safe(escape(text).replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))  # noqa: S308


# --- searches kept for a minute ------------------------------------------------------------------

def _cache_key(query: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), query.encode("utf-8", "surrogatepass"), hashlib.sha256)
    return f"search:{digest.hexdigest()[:40]}"


def remember(results: Results) -> None:
    """Keeps what `search` found, for everyone who asks the same within the next minute."""
    if settings.IDARE_SEARCH_CACHE_SECONDS > 0 and results.query:
        found = [(post.pk, str(post.snippet)) for post in results.posts]
        cache.set(_cache_key(results.query), (found, results.corrected), settings.IDARE_SEARCH_CACHE_SECONDS)


def remembered(posts: QuerySet, raw_query: str) -> Results | None:
    """What the same search found less than a minute ago, among `posts` as they are now (an
    article unpublished since drops out); None when nothing is kept."""
    query = clean_query(raw_query)
    if not query or settings.IDARE_SEARCH_CACHE_SECONDS <= 0:
        return None
    kept = cache.get(_cache_key(query))
    if kept is None:
        return None
    found, corrected = kept
    by_id = posts.defer(*ARTICLE_TEXTS).in_bulk([pk for pk, _ in found])
    shown = []
    for pk, snippet in found:
        if pk in by_id:
            post = by_id[pk]
            post.snippet = mark_safe(snippet)  # noqa: S308 - made safe by _highlighted or escape() before it was kept
            shown.append(post)
    return Results(query, shown, corrected)
