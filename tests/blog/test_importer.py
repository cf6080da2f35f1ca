"""The importer through its command, on copies of content/ in a temporary folder."""

import threading

import pytest
from django.core.management import CommandError
from django.utils import timezone

from blog.models import Author, Page, Post, Tag
from support.models import Helpline
from tests.helpers import edit_file, records_in, run_import

pytestmark = pytest.mark.django_db
SEED = "building-trust-through-trust-issues"
SEED_FILE = "blog/001-building-trust-through-trust-issues.md"


def test_first_import_creates_everything_in_content(content_dir):
    held = records_in(content_dir)
    output = run_import(content_dir)
    assert f"post: {held['post']} created, 0 updated, 0 unchanged, 0 kept" in output
    assert f"page: {held['page']} created" in output and f"helpline: {held['helpline']} created" in output
    assert Post.objects.count() == held["post"] and Helpline.objects.count() == held["helpline"]
    seed = Post.objects.published().get(slug=SEED)
    assert seed.title == "Building Trust Through Trust Issues"
    assert seed.author.name == "iDare Team"
    assert timezone.localtime(seed.published_at).isoformat() == "2024-06-04T00:00:00+05:30"
    assert sorted(seed.tags.values_list("name", flat=True)) == ["Healing", "Relationships", "Trust"]
    assert seed.hero_image.name.startswith("posts/") and (seed.hero_width, seed.hero_height) == (1600, 900)
    assert seed.featured
    assert {"about", "privacy", "terms", "accessibility", "editorial-policy"} <= set(
        Page.objects.values_list("slug", flat=True))
    assert not Page.objects.filter(slug="contact").exists()  # /contact/ is Support's contact form now


def test_second_import_changes_nothing(content_dir):
    run_import(content_dir)
    before = {p.slug: (p.updated_at, p.body_html) for p in Post.objects.all()}
    output = run_import(content_dir)
    held = records_in(content_dir)
    assert f"post: 0 created, 0 updated, {held['post']} unchanged, 0 kept" in output
    assert f"helpline: 0 created, 0 updated, {held['helpline']} unchanged, 0 kept" in output
    assert {p.slug: (p.updated_at, p.body_html) for p in Post.objects.all()} == before
    assert Tag.objects.count() == len(set(Tag.objects.values_list("slug", flat=True)))


def test_a_changed_file_updates_its_post(content_dir):
    run_import(content_dir)
    edit_file(content_dir, SEED_FILE, "Healing takes time.", "Healing takes time, and that is fine.")
    output = run_import(content_dir)
    assert f"updated  post {SEED}" in output
    assert "Healing takes time, and that is fine." in Post.objects.get(slug=SEED).body_html


def test_an_editors_change_is_never_overwritten_without_force(content_dir):
    run_import(content_dir)
    post = Post.objects.get(slug=SEED)
    post.title = "Building Trust, Gently"  # an editor's change in the admin
    post.save()
    edit_file(content_dir, SEED_FILE, "Healing takes time.", "Healing takes its own time.")

    output = run_import(content_dir)
    assert f"kept  post {SEED}" in output and "1 kept" in output
    post.refresh_from_db()
    assert post.title == "Building Trust, Gently" and "its own time" not in post.body_html

    output = run_import(content_dir)  # asking again changes nothing
    assert Post.objects.get(slug=SEED).title == "Building Trust, Gently"

    output = run_import(content_dir, "--force")
    assert f"updated  post {SEED}" in output
    post.refresh_from_db()
    assert post.title == "Building Trust Through Trust Issues" and "its own time" in post.body_html


def test_an_editors_change_survives_when_the_file_did_not_change(content_dir):
    run_import(content_dir)
    Helpline.objects.filter(slug="tele-manas").update(hours="24x7, every day")
    output = run_import(content_dir)
    assert f"helpline: 0 created, 0 updated, {records_in(content_dir)['helpline']} unchanged" in output
    assert Helpline.objects.get(slug="tele-manas").hours == "24x7, every day"


def test_dry_run_reports_and_saves_nothing(content_dir, media_root):
    output = run_import(content_dir, "--dry-run")
    assert f"post: {records_in(content_dir)['post']} created" in output and "dry run" in output
    assert Post.objects.count() == 0 and Author.objects.count() == 0 and Helpline.objects.count() == 0
    assert not [path for path in media_root.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("---\ntitle:", "title:", "must start with a '---' line"),
        ("slug: building-trust-through-trust-issues\n", "slug: [unclosed\n", "YAML cannot be read"),
        ("author: idare-team", "author: nobody-we-know", "'nobody-we-know' is not in authors.yaml"),
        ("date: 2024-06-04", "date: someday", "date must be a date"),
        ("featured: true", "featured: true\nfeatureed: false", "unknown field(s) featureed"),
        ("hero_image: images/building-trust-through-trust-issues.jpg", "hero_image: ../../etc/passwd",
         "points outside content/"),
        ("hero_image: images/building-trust-through-trust-issues.jpg", "hero_image: images/missing.jpg",
         "does not exist"),
        ('hero_alt: "Two soft overlapping circles of warm peach and sage light on a cream background"\n', "",
         "hero_image needs hero_alt"),
        ("slug: building-trust-through-trust-issues", "slug: Not A Slug!", "slug"),
        ("tags: [Trust, Relationships, Healing]", "tags: Trust", "tags must be a list"),
    ],
)
def test_a_malformed_file_is_named_with_its_problem_and_imports_nothing(content_dir, old, new, problem):
    edit_file(content_dir, SEED_FILE, old, new)
    with pytest.raises(CommandError) as error:
        run_import(content_dir)
    assert SEED_FILE in str(error.value) and problem in str(error.value)
    assert not Post.objects.filter(title="Building Trust Through Trust Issues").exists()
    assert Post.objects.count() == records_in(content_dir)["post"] - 1  # the other files still import


def test_an_image_that_is_not_what_its_name_says_is_refused(content_dir):
    (content_dir / "images/building-trust-through-trust-issues.jpg").write_bytes(b"GIF89a not really")
    with pytest.raises(CommandError, match="not an image we can read"):
        run_import(content_dir)
    assert not Post.objects.filter(slug=SEED).exists()


def test_a_bad_record_in_a_list_file_imports_nothing_from_that_file(content_dir):
    path = content_dir / "helplines.yaml"
    path.write_text(path.read_text() + "\n- name: Broken line\n  numbers: '1'\n")
    with pytest.raises(CommandError, match=r"helplines.yaml: helpline #6: missing required field\(s\)"):
        run_import(content_dir)
    assert Helpline.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_app_servers_importing_at_the_same_moment_create_everything_once(content_dir):
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL: set DATABASE_URL (CI does)")
    barrier, outputs, failures = threading.Barrier(3), [], []

    def server_start():
        try:
            barrier.wait(timeout=30)
            outputs.append(run_import(content_dir))
        except Exception as exc:  # noqa: BLE001 - reported below, with the thread's error
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=server_start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    held = records_in(content_dir)
    assert sorted(o.count(f"post: {held['post']} created") for o in outputs) == [0, 0, 1]
    assert sum(f"post: 0 created, 0 updated, {held['post']} unchanged" in o for o in outputs) == 2
    assert Post.objects.count() == held["post"]
    assert Tag.objects.count() == len(set(Tag.objects.values_list("name", flat=True)))
    assert Helpline.objects.count() == held["helpline"]


def test_a_file_that_is_not_utf8_is_named_not_crashed_on(content_dir):
    (content_dir / "pages/about.md").write_bytes("---\ntitle: Caf\xe9\n---\nBody".encode("latin-1"))
    with pytest.raises(CommandError, match=r"pages/about.md: the file is not UTF-8 text"):
        run_import(content_dir)
    assert not Page.objects.filter(slug="about").exists()
    assert Page.objects.count() == len(list((content_dir / "pages").glob("*.md"))) - 1


def test_windows_line_endings_are_read_like_any_other(content_dir):
    path = content_dir / "pages/about.md"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    run_import(content_dir)
    assert Page.objects.get(slug="about").title == "About iDare"
