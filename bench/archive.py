"""Generated archives for the benchmark: one PostgreSQL database per size (`idare_bench_<n>`), holding
content/ (the seed article, pages, helplines) and generated posts up to `n`, with authors, tags, tag
links and upvotes.

Run by bench/run.py as `python -m bench.archive SIZE [--fresh]` with the site's environment
(DATABASE_URL names the archive's database). An archive whose marker matches the project's
migrations, content/ and this generator is reused as it is; otherwise the database is dropped and
built again. Prints one line, `BENCH_RESULT {json}`, for the caller.

Rows are built as model instances (so every field gets its model default, whatever fields other
branches add) and written with PostgreSQL's COPY, which is several times faster than INSERTs."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from bench.corpus import COMMON_TERM, PLACES, SUBTITLES, TOPICS, make_bodies, with_rare_term

ROOT = Path(__file__).resolve().parent.parent
MARKER_TABLE = "bench_archive"
SEED_ARTICLE = "building-trust-through-trust-issues"
RARE_POSTS = 5
TAG_COUNT = 200
AUTHOR_COUNT = 24
SCHEDULED_POSTS = 3  # published, with a date in the next weeks
DRAFT_SHARE = 0.01
UPVOTED_SHARE = 0.05
FIRST_DATE = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith("idare_bench"):
        raise SystemExit(f"the benchmark only writes to databases named idare_bench*, not {name!r}")
    return name


def fingerprint(size: int) -> str:
    """What the archive depends on: its size, every migration, content/, the generator, Django's version."""
    import django

    digest = hashlib.sha256(f"{size}|{django.get_version()}".encode())
    generator = [Path(__file__), Path(__file__).with_name("corpus.py")]
    files = sorted([*ROOT.glob("*/migrations/*.py"), *(p for p in (ROOT / "content").rglob("*") if p.is_file()),
                    *generator])
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def marker(url: str) -> tuple[str, dict] | None:
    """The fingerprint the archive was built with and what it holds, or None when it was never finished."""
    try:
        with psycopg.connect(url) as conn:
            row = conn.execute(f"SELECT to_regclass('{MARKER_TABLE}')").fetchone()
            if row is None or row[0] is None:
                return None
            return conn.execute(f"SELECT fingerprint, summary FROM {MARKER_TABLE} LIMIT 1").fetchone()
    except psycopg.Error:
        return None  # no such database yet, or a marker an older harness wrote


def recreate_database(url: str) -> None:
    name = database_name(url)
    with psycopg.connect(url, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


# --- building rows ----------------------------------------------------------------------------

def ensure_authors() -> list[int]:
    from blog.models import Author

    Author.objects.bulk_create(
        [Author(name=f"Example writer {n}", slug=f"bench-writer-{n}", bio="A generated author for the benchmark.")
         for n in range(1, AUTHOR_COUNT + 1)],
        ignore_conflicts=True,
    )
    return list(Author.objects.values_list("pk", flat=True))


def ensure_tags() -> list[int]:
    """TAG_COUNT tags, content/'s first (so the seed article's tags have thousands of posts), in
    order of popularity: later tags are picked less often."""
    from django.utils.text import slugify

    from blog.models import Tag

    names = [*Tag.objects.order_by("pk").values_list("name", flat=True)]
    candidates = [*TOPICS, *(f"{topic} {where}" for where in PLACES for topic in TOPICS)]
    taken = {slugify(name) for name in names}
    for name in candidates:
        if len(names) >= TAG_COUNT:
            break
        if slugify(name) not in taken:
            names.append(name)
            taken.add(slugify(name))
    Tag.objects.bulk_create([Tag(name=name, slug=slugify(name)) for name in names], ignore_conflicts=True)
    by_name = dict(Tag.objects.values_list("name", "pk"))
    return [by_name[name] for name in names]


def pick_tags(rng: random.Random, tag_ids: Sequence[int], weights: Sequence[float]) -> list[int]:
    wanted, picked = rng.randint(3, 5), set()
    while len(picked) < wanted:
        picked.update(rng.choices(tag_ids, weights, k=wanted - len(picked)))
    return sorted(picked)


class Stopwatch:
    def __init__(self) -> None:
        self.laps: list[tuple[str, float]] = []  # in order (a JSON list keeps it, a jsonb object does not)
        self._last = time.monotonic()

    def lap(self, name: str) -> None:
        now = time.monotonic()
        self.laps.append((name, round(now - self._last, 1)))
        self._last = now


def generate(size: int, rng: random.Random, watch: Stopwatch) -> dict:
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from blog.models import Post, Vote
    from core.content import import_content

    call_command("migrate", interactive=False, verbosity=0)
    report = import_content(Path(settings.CONTENT_DIR))
    if report.errors:
        raise SystemExit("content/ did not import:\n" + "\n".join(report.errors))
    watch.lap("migrate and import content/")
    author_ids, tag_ids = ensure_authors(), ensure_tags()
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(tag_ids))]
    bodies = make_bodies(rng)
    rare = with_rare_term(bodies[0])
    now, existing = timezone.now(), Post.objects.count()
    count = max(0, size - existing)
    first_pk = (Post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    rare_at = {first_pk + i * count // RARE_POSTS for i in range(RARE_POSTS)} if count >= RARE_POSTS else set()
    span = (now - FIRST_DATE).total_seconds()
    posts, links, votes = [], [], []
    for pk in range(first_pk, first_pk + count):
        topic = TOPICS[pk % len(TOPICS)]
        body = rare if pk in rare_at else rng.choice(bodies)
        status, published_at = Post.Status.PUBLISHED, FIRST_DATE + dt.timedelta(seconds=rng.random() * span)
        if first_pk + count - pk <= SCHEDULED_POSTS and pk not in rare_at:
            published_at = now + dt.timedelta(days=7 * (first_pk + count - pk))
        elif rng.random() < DRAFT_SHARE and pk not in rare_at:
            status, published_at = Post.Status.DRAFT, None
        upvoted = status == Post.Status.PUBLISHED and published_at <= now and rng.random() < UPVOTED_SHARE
        voters = rng.randint(1, 30) if upvoted else 0
        title = f"{rng.choice(['Notes on', 'Living with', 'Small steps with', 'Talking about'])} {topic.lower()} ({pk})"
        posts.append(Post(
            pk=pk, title=title, slug=f"example-{topic.lower().replace(' ', '-')}-{pk}",
            subtitle=rng.choice(SUBTITLES), author_id=rng.choice(author_ids), body=body.markdown,
            body_html=body.html, body_text=body.text,
            excerpt=f"Generated example text about {topic.lower()} for the benchmark.",
            status=status, published_at=published_at, reading_minutes=body.minutes, upvote_count=voters,
        ))
        links += [Post.tags.through(post_id=pk, tag_id=tag) for tag in pick_tags(rng, tag_ids, weights)]
        day = (published_at or now).date()
        votes += [Vote(post_id=pk, voter=rng.randbytes(32).hex(), created_on=day) for _ in range(voters)]
    watch.lap("build rows")
    copy_rows(Post, posts)
    watch.lap("copy posts")
    copy_rows(Post.tags.through, links)
    copy_rows(Vote, votes)
    watch.lap("copy tag links and votes")
    # Search reads a generated column (blog migration 0005): PostgreSQL fills it as the rows arrive.
    return {"generated_posts": count, "posts_with_rare_term": len(rare_at), "tag_links": len(links),
            "votes": len(votes)}


def copy_rows(model, objects: Sequence) -> None:
    """Writes model instances with COPY: each concrete field's value as Django would save it
    (defaults, auto_now, adaptation), generated columns left to the database, and the primary key
    left to it too unless the instances carry their own."""
    from django.db import connection, transaction

    if not objects:
        return
    own_pk = objects[0].pk is not None
    fields = [f for f in model._meta.concrete_fields
              if not getattr(f, "generated", False) and (own_pk or not f.primary_key)]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
        if own_pk:  # the sequence continues after the rows written here
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), (SELECT max({pk}) FROM {table}))",
                           [model._meta.db_table, model._meta.pk.column])


def media_present() -> bool:
    """The seed posts' images are in MEDIA_ROOT (they are files, not rows: a cleaned folder means a rebuild)."""
    from django.core.files.storage import default_storage

    from blog.models import Post

    names = [n for pair in Post.objects.values_list("hero_image", "card_image") for n in pair if n]
    return all(default_storage.exists(name) for name in names)


def reset_votes_on_seed() -> None:
    """The upvote benchmark votes on the seed article: each run starts it again from no votes."""
    from blog.models import Post, Vote

    Vote.objects.filter(post__slug=SEED_ARTICLE).delete()
    Post.objects.filter(slug=SEED_ARTICLE).update(upvote_count=0)


def write_marker(print_: str, facts: dict) -> None:
    """Written last: an archive whose generation was interrupted has no marker and is built again."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARKER_TABLE} (fingerprint text NOT NULL, summary jsonb NOT NULL, "
                       "generated_at timestamptz NOT NULL DEFAULT now())")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} (fingerprint, summary) VALUES (%s, %s)",
                       [print_, json.dumps(facts)])


def summary(size: int) -> dict:
    from blog.models import Post, Tag

    published = Post.objects.published()
    return {
        "size": size, "posts": Post.objects.count(), "published": published.count(), "tags": Tag.objects.count(),
        "posts_on_trust_tag": published.filter(tags__slug=COMMON_TERM).count(),
    }


def main(argv: list[str]) -> None:
    size, fresh = int(argv[0]), "--fresh" in argv[1:]
    url = os.environ["DATABASE_URL"]
    database_name(url)
    started, watch = time.monotonic(), Stopwatch()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idare.settings")
    # Copying 100,000 posts takes longer than the site's statement timeout allows a page.
    os.environ["DATABASE_STATEMENT_TIMEOUT"] = "0"
    import django
    from django.db import connection, connections

    wanted = fingerprint(size)
    found = None if fresh else marker(url)
    facts = found[1] if found and found[0] == wanted else None
    if facts is None:
        recreate_database(url)
    django.setup()
    if facts is not None and not media_present():
        connections.close_all()
        recreate_database(url)
        facts = None
    watch.lap("check or create the database")
    reused = facts is not None
    if facts is None:
        details = generate(size, random.Random(size), watch)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would have by now on a real site
        watch.lap("vacuum analyze")
        facts = summary(size)
        watch.lap("count what it holds")
        facts |= {**details, "generated_in": round(time.monotonic() - started, 1), "steps": watch.laps}
        write_marker(wanted, facts)
    reset_votes_on_seed()
    result = {**facts, "reused": reused, "seconds": round(time.monotonic() - started, 1)}
    print("BENCH_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
