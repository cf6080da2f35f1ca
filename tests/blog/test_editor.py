"""The admin editor's preview and upload: staff only, sanitized, images re-encoded."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from blog.models import Post
from tests.factories import image_bytes, make_author

pytestmark = pytest.mark.django_db


def test_preview_and_upload_refuse_visitors(client, django_user_model):
    assert client.post("/markdownx/markdownify/", {"content": "<script>alert(1)</script>"}).status_code == 403
    upload = SimpleUploadedFile("a.jpg", image_bytes(), content_type="image/jpeg")
    assert client.post("/markdownx/upload/", {"image": upload}).status_code == 403
    user = django_user_model.objects.create_user("reader", password="a long reader password")
    client.force_login(user)  # signed in, but not staff
    assert client.post("/markdownx/markdownify/", {"content": "hi"}).status_code == 403


def test_preview_renders_sanitized_markdown_for_staff(staff_client):
    response = staff_client.post("/markdownx/markdownify/", {"content": "## Hi\n\n<script>alert(1)</script>"})
    assert response.status_code == 200
    assert '<h2 id="hi">Hi</h2>' in response.content.decode() and "<script" not in response.content.decode()
    assert staff_client.post("/markdownx/markdownify/", {}).status_code == 400
    assert staff_client.get("/markdownx/markdownify/").status_code == 405


@pytest.mark.parametrize("permission", ["engage.change_programme", "support.change_supporttext",
                                        "idare.change_snippet", "blog.change_page"])
def test_an_editor_of_any_text_in_markdown_gets_the_preview_not_only_article_editors(client, django_user_model,
                                                                                     permission):
    app_label, codename = permission.split(".")
    user = django_user_model.objects.create_user("engage-editor", password="a long staff password", is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    client.force_login(user)
    response = client.post("/markdownx/markdownify/", {"content": "## What to bring"})
    assert response.status_code == 200 and "What to bring</h2>" in response.content.decode()


def test_staff_who_edit_no_markdown_text_are_refused_the_editor(client, django_user_model):
    user = django_user_model.objects.create_user("inbox", password="a long staff password", is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="support", codename="handle_enquiry"))
    client.force_login(user)
    response = client.post("/markdownx/markdownify/", {"content": "hi"})
    assert response.status_code == 403
    assert "edit a text written in Markdown" in response.content.decode()


def test_upload_re_encodes_strips_metadata_and_names_by_content(staff_client, settings):
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera Maker"  # stands in for GPS and other personal metadata
    data = image_bytes("JPEG", exif=exif.tobytes())
    response = staff_client.post("/markdownx/upload/", {"image": SimpleUploadedFile("photo.jpg", data)},
                                 headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200
    code = response.json()["image_code"]
    url = code[code.index("(") + 1:-1]
    assert url.startswith("/media/body/") and url.endswith(".jpg")
    stored = (settings.MEDIA_ROOT / url.removeprefix("/media/")).read_bytes()
    assert b"Secret Camera Maker" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and not image.getexif()
    served = staff_client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    stem = url.rsplit("/", 1)[1].split(".")[0]
    assert (settings.MEDIA_ROOT / f"renditions/{stem}-64w.webp").is_file()  # made by the upload itself


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.jpg", b"just some text", "not an image we can read"),
        ("picture.png", image_bytes("JPEG"), "really a JPEG image"),
        ("anim.gif", image_bytes("GIF"), "GIF images are not accepted"),
        ("vector.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "not an image we can read"),
    ],
)
def test_upload_refuses_what_is_not_a_safe_image(staff_client, name, data, message):
    response = staff_client.post("/markdownx/upload/", {"image": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert message in " ".join(response.json()["image"])


def test_upload_refuses_images_over_the_pixel_limit(staff_client, settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 100
    response = staff_client.post("/markdownx/upload/", {"image": SimpleUploadedFile("big.png", image_bytes("PNG"))})
    assert response.status_code == 400 and "too large" in response.json()["image"][0]


def test_admin_hero_upload_is_re_encoded_and_requires_alt_text(staff_client):
    author = make_author()
    form = {
        "title": "With a picture", "slug": "with-a-picture", "author": author.pk, "excerpt": "About a picture.",
        "body": "Words.", "status": "published", "published_at_0": "", "published_at_1": "",
        "hero_alt": "", "hero_credit": "A photographer",
    }
    upload = SimpleUploadedFile("hero.png", image_bytes("PNG", size=(300, 200)))
    response = staff_client.post("/admin/blog/post/add/", {**form, "hero_image": upload})
    assert response.status_code == 200 and "alt text" in response.content.decode()
    assert not Post.objects.exists()

    upload = SimpleUploadedFile("hero.png", image_bytes("PNG", size=(300, 200)))
    response = staff_client.post("/admin/blog/post/add/", {**form, "hero_alt": "A calm sea", "hero_image": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    post = Post.objects.get()
    assert post.hero_image.name.startswith("posts/") and post.hero_image.name.endswith(".png")
    assert (post.hero_width, post.hero_height) == (300, 200)

    bad = SimpleUploadedFile("hero.jpg", b"not an image")
    response = staff_client.post(f"/admin/blog/post/{post.pk}/change/", {**form, "slug": "x", "hero_alt": "A",
                                                                         "hero_image": bad})
    assert response.status_code == 200 and Post.objects.get().slug == "with-a-picture"
