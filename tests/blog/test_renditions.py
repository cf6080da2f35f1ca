"""Responsive images: renditions made when an image is saved (never on a reader's request), reused,
shown with srcset and sizes, lazy except the hero, removed when nothing shows them any more; alt
text or an explicit decorative tick."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from blog.models import Page, Post
from core.renditions import responsive_images
from tests.factories import image_bytes, make_author, make_page, make_post, make_staff, post_form, stored_image
from tests.xss import XSS_PAYLOADS, dangers

pytestmark = pytest.mark.django_db


def files(media_root) -> set[str]:
    return {str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()}


def renditions(media_root) -> set[str]:
    return {name for name in files(media_root) if name.startswith("renditions/")}


def editor() -> Client:
    client = Client()
    client.force_login(make_staff())
    return client


def test_an_uploaded_hero_gets_webp_and_jpeg_renditions_at_each_width(media_root):
    upload = SimpleUploadedFile("hero.jpg", image_bytes("JPEG", size=(2000, 1000)))
    response = editor().post("/admin/blog/post/add/", {
        **post_form(hero_alt="A quiet shore", hero_credit="A photographer"), "hero_image": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    post = Post.objects.get()
    stem = post.hero_image.name.split("/")[1].split(".")[0]
    assert renditions(media_root) == {f"renditions/{stem}-{w}w.{ext}" for w in (480, 960, 1600)
                                      for ext in ("webp", "jpg")}
    assert [r["height"] for r in post.hero_renditions["renditions"]] == [240, 480, 800]


def test_a_png_keeps_a_png_fallback_and_a_small_image_is_not_enlarged(media_root):
    post = make_post(hero_image=stored_image(size=(600, 300), fmt="PNG"), hero_alt="A chart", hero_credit="Us")
    assert renditions(media_root) == {f"renditions/{post.hero_image.name[6:22]}-{w}w.{ext}"
                                      for w in (480, 600) for ext in ("webp", "png")}


def test_the_article_shows_the_hero_with_srcset_not_lazy_and_body_images_lazy(client):
    body_image = stored_image("body", size=(1200, 800), color=(10, 200, 10))
    post = make_post(hero_image=stored_image(), hero_alt="A quiet shore", hero_credit="A photographer",
                     body=f"Words.\n\n![A green field]({'/media/' + body_image})\n\nMore words.")
    html = client.get(post.get_absolute_url()).content.decode()
    hero = html[html.index('class="post__hero'):html.index("</figure>")]
    assert re.search(r'<source type="image/webp" srcset="/media/renditions/\w+-480w\.webp 480w, '
                     r'/media/renditions/\w+-960w\.webp 960w, /media/renditions/\w+-1600w\.webp 1600w" sizes=', hero)
    assert 'width="1600" height="800"' in hero and 'fetchpriority="high"' in hero and "lazy" not in hero
    prose = html[html.index('class="prose"'):]
    assert re.search(r'<picture><source type="image/webp" srcset="[^"]+-960w\.webp 960w[^"]*" sizes="[^"]+">'
                     r'<img src="/media/renditions/\w+-1200w\.jpg" srcset="[^"]+" sizes="[^"]+" alt="A green field" '
                     r'width="1200" height="800" loading="lazy" decoding="async"></picture>', prose)


def test_renditions_are_made_once_and_reused(media_root):
    name = stored_image()
    first = make_post(hero_image=name, hero_alt="A", hero_credit="B")
    made = {path: (media_root / path).stat().st_mtime_ns for path in renditions(media_root)}
    second = make_post(hero_image=name, hero_alt="A", hero_credit="B")
    first.save()
    assert {path: (media_root / path).stat().st_mtime_ns for path in renditions(media_root)} == made
    assert second.hero_renditions == first.hero_renditions


def test_readers_requests_make_no_renditions(client, media_root):
    post = make_post(hero_image=stored_image(), hero_alt="A", hero_credit="B")
    before = files(media_root)
    for name in before:
        if name.startswith("renditions/"):
            (media_root / name).unlink()
    client.get(post.get_absolute_url())
    client.get("/")
    assert not renditions(media_root)


def test_replacing_a_hero_removes_the_files_nothing_uses(django_capture_on_commit_callbacks, media_root):
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(hero_image=stored_image(color=(1, 2, 3)), hero_alt="A", hero_credit="B")
        shared = stored_image(color=(200, 1, 1))
        make_post(hero_image=shared, hero_alt="A", hero_credit="B")
    old = post.hero_image.name
    with django_capture_on_commit_callbacks(execute=True):
        post.hero_image = shared
        post.save()
    assert old not in files(media_root)
    assert not any(old[6:22] in name for name in renditions(media_root))
    assert shared in files(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert shared in files(media_root)  # the other post still shows it


def test_deleting_posts_and_pages_removes_their_unused_images(django_capture_on_commit_callbacks, media_root):
    body = stored_image("body", color=(5, 5, 250))
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(hero_image=stored_image(), hero_alt="A", hero_credit="B", body=f"![A sky](/media/{body})")
        page = make_page(body=f"![A sky](/media/{body})")
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert body in files(media_root) and not any(name.startswith("posts/") for name in files(media_root))
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.filter(pk=page.pk).get().delete()
    assert body not in files(media_root)
    assert not renditions(media_root)


def test_an_image_dropped_from_a_body_is_removed(django_capture_on_commit_callbacks, media_root):
    body = stored_image("body")
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(body=f"![A sky](/media/{body})")
    with django_capture_on_commit_callbacks(execute=True):
        post.body = "No picture any more."
        post.save()
    assert body not in files(media_root)


def test_a_hero_needs_alt_text_or_the_decorative_tick(client):
    author = make_author()

    def add(**fields):
        upload = SimpleUploadedFile("hero.jpg", image_bytes("JPEG", size=(800, 400)))
        return editor().post("/admin/blog/post/add/", {**post_form(author=author.pk, hero_credit="Someone", **fields),
                                                        "hero_image": upload})

    response = add(hero_alt="")
    assert response.status_code == 200 and "tick “decorative”" in response.content.decode()
    assert not Post.objects.exists()
    assert add(hero_alt="", hero_decorative="on", status="published", published_at_0="",
               published_at_1="").status_code == 302
    post = Post.objects.get()
    html = client.get(post.get_absolute_url()).content.decode()
    hero = html[html.index('class="post__hero'):html.index("</figure>")]
    assert 'alt=""' in hero


def test_body_images_need_alt_text_or_the_decorative_mark(client):
    image = stored_image("body")
    for body in (f"![](/media/{image})", f"![Describe this image for people who cannot see it](/media/{image})"):
        response = editor().post("/admin/blog/post/add/", post_form(body=body))
        assert response.status_code == 200 and "Every image needs alt text" in response.content.decode()
    response = editor().post("/admin/blog/post/add/", post_form(body=f"![decorative](/media/{image})"))
    assert response.status_code == 302
    assert re.search(r'<img [^>]*alt=""', Post.objects.get().body_html)


@pytest.mark.parametrize("payload", [payload for _, payload in XSS_PAYLOADS], ids=[n for n, _ in XSS_PAYLOADS])
def test_responsive_images_keep_the_sanitizers_guarantees(payload):
    from core.markdown import render_markdown

    image = stored_image("body", size=(500, 300))
    text = f"{payload}\n\n![x](/media/{image} \"t\")\n\n![y](/media/body/0000000000000000.jpg)"
    output = responsive_images(render_markdown(text))
    source = r'<source type="image/webp" srcset="([^"]+)" sizes="[^"]+">'
    srcsets = re.findall(source, output) + re.findall(r'<img [^>]*srcset="([^"]+)"', output)
    for srcset in srcsets:
        assert all(re.fullmatch(r"/media/renditions/[0-9a-f]{16}-\d+w\.(webp|jpg) \d+w", part.strip())
                   for part in srcset.split(","))
    rest = re.sub(source, "", output).replace("<picture>", "").replace("</picture>", "")
    problems = [p for p in dangers(rest) if p != "srcset attribute on <img>"]
    assert not problems, problems
