"""Uploads and renditions in S3-compatible object storage (MEDIA_STORAGE=s3), against moto's S3 server
on loopback: what the site writes lands in the bucket, through the storage API only (the S3 storage
has no local .path, so any code that needs one fails here)."""

import http.client
import io
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from moto.server import ThreadedMotoServer

from blog.models import Post
from core.views import MEDIA_POLICY
from tests.factories import image_bytes, make_author, make_post, stored_image
from tests.servers import ROOT, free_port, nginx, request

CREDENTIALS = {"access_key": "moto-test-key", "secret_key": "moto-test-secret", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh bucket, and the site's default storage pointed at it as MEDIA_STORAGE=s3 does."""
    name = f"idare-media-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id=CREDENTIALS["access_key"],
                          aws_secret_access_key=CREDENTIALS["secret_key"], region_name=CREDENTIALS["region_name"])
    client.create_bucket(Bucket=name)
    policy = (ROOT / "docker/bucket-policy.json").read_text().replace("BUCKET", name)  # as docs/DEPLOY.md says
    client.put_bucket_policy(Bucket=name, Policy=policy)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "serving.storage.MediaStorage", "OPTIONS": {
        "bucket_name": name, "endpoint_url": s3_endpoint, **CREDENTIALS}}}
    return Bucket(client, name, s3_endpoint)


class Bucket:
    def __init__(self, client, name: str, endpoint: str):
        self.client, self.name, self.endpoint = client, name, endpoint

    def stored(self) -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {entry["Key"] for page in pages for entry in page.get("Contents", ())}

    def http_get(self, key: str) -> tuple[int, dict]:
        """The object as the proxy in front of the bucket fetches it (anonymous GET, path style)."""
        url = urlsplit(self.endpoint)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        connection.request("GET", f"/{self.name}/{key}")
        response = connection.getresponse()
        response.read()
        return response.status, {name.lower(): value for name, value in response.getheaders()}


def hero_form(**overrides) -> dict:
    return {"title": "With a picture", "slug": "with-a-picture", "author": make_author().pk,
            "excerpt": "About a picture.", "body": "Words.", "status": "published", "published_at_0": "",
            "published_at_1": "", "hero_alt": "A calm sea", "hero_credit": "A photographer",
            "hero_image": SimpleUploadedFile("hero.png", image_bytes("PNG", size=(1600, 900))), **overrides}


def test_a_hero_uploaded_in_the_admin_lands_in_the_bucket_with_its_renditions_and_title_card(
        staff_client, bucket, media_root):
    response = staff_client.post("/admin/blog/post/add/", hero_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    post = Post.objects.get()
    rendition_keys = {r[kind] for r in post.hero_renditions["renditions"] for kind in ("webp", "fallback")}
    assert {post.hero_image.name, post.card_image.name} | rendition_keys <= bucket.stored()
    assert post.hero_image.name.startswith("posts/") and post.card_image.name.startswith("cards/")
    assert (post.hero_width, post.hero_height) == (1600, 900)
    assert not any(media_root.iterdir()), "nothing is written to the local media folder"
    page = staff_client.get(post.get_absolute_url()).content.decode()
    assert f'src="/media/{post.hero_renditions["renditions"][-1]["fallback"]}"' in page  # the site's own origin


def test_a_new_title_draws_a_new_card_into_the_bucket_and_deletes_the_old_one(
        db, bucket, django_capture_on_commit_callbacks):
    post = make_post(title="The first title")
    old_card = post.card_image.name
    assert old_card in bucket.stored()
    post.title = "A better title"
    with django_capture_on_commit_callbacks(execute=True):
        post.save()
    assert post.card_image.name != old_card
    assert post.card_image.name in bucket.stored() and old_card not in bucket.stored()


def test_deleting_a_post_removes_its_hero_renditions_and_card_from_the_bucket(
        db, bucket, django_capture_on_commit_callbacks):
    post = make_post(hero_image=stored_image(), hero_alt="A calm sea", hero_credit="A photographer")
    made = {post.hero_image.name, post.card_image.name,
            *(r[kind] for r in post.hero_renditions["renditions"] for kind in ("webp", "fallback"))}
    assert len(made) > 3 and made <= bucket.stored()
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert not made & bucket.stored()


def test_importing_content_stores_every_hero_and_card_in_the_bucket(db, bucket, media_root):
    call_command("import_content", stdout=io.StringIO())
    posts = list(Post.objects.exclude(hero_image=""))
    assert posts
    keys = bucket.stored()
    for post in posts:
        assert {post.hero_image.name, post.card_image.name} <= keys, post.slug
        assert all(r["webp"] in keys for r in post.hero_renditions["renditions"]), post.slug
    assert not any(media_root.iterdir())
    call_command("import_content", stdout=io.StringIO())  # a second run finds them there, nothing breaks
    assert bucket.stored() == keys


def test_exporting_content_copies_hero_and_body_images_out_of_the_bucket(db, bucket, tmp_path):
    body_image = stored_image("body", size=(300, 200))
    post = make_post(hero_image=stored_image(), hero_alt="A calm sea", hero_credit="A photographer",
                     body=f"## Part\n\n![A field](/media/{body_image})")
    call_command("export_content", "--content-dir", str(tmp_path / "exported"), stdout=io.StringIO())
    exported = {path.name: path.read_bytes() for path in (tmp_path / "exported/images").rglob("*.*")}
    for name in (post.hero_image.name, body_image):
        stored = bucket.client.get_object(Bucket=bucket.name, Key=name)["Body"].read()
        assert exported[Path(name).name] == stored, name


def test_a_body_image_uploaded_in_the_editor_lands_in_the_bucket_under_the_sites_media_url(staff_client, bucket):
    response = staff_client.post("/markdownx/upload/", {"image": SimpleUploadedFile("in.jpg", image_bytes("JPEG"))})
    assert response.status_code == 200
    url = response.json()["image_code"].split("(")[1].rstrip(")")
    assert url.startswith("/media/body/") and url.removeprefix("/media/") in bucket.stored()


def test_stored_objects_carry_their_type_disposition_and_caching(db, bucket):
    """What S3 can keep with an object and send back; nosniff and the CSP sandbox are not among
    them (S3 returns custom metadata only as x-amz-meta-*), so the proxy adds those (test_compose)."""
    post = make_post()
    status, headers = bucket.http_get(post.card_image.name)
    assert status == 200
    assert headers["content-type"] == "image/png" and headers["content-disposition"] == "inline"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("body/notes.html", ContentFile(b"<script>alert(1)</script>"))
    status, headers = bucket.http_get(name)
    assert headers["content-type"] == "application/octet-stream" and headers["content-disposition"] == "attachment"
    assert headers["cache-control"] == "public, max-age=3600"


def test_make_serve_with_object_storage_serves_uploads_from_the_bucket_with_the_media_headers(db, client, bucket):
    post = make_post()
    response = client.get(f"/media/{post.card_image.name}")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == MEDIA_POLICY
    for missing in ("cards/0000000000000000.png", "cards/../cards/x.png", "../outside.png"):
        assert client.get(f"/media/{missing}").status_code == 404, missing


def settings_process(code: str | None, **environment) -> subprocess.CompletedProcess:
    """manage.py in a fresh process with this environment: `shell -c code`, or `check` without code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AWS_", "MEDIA_STORAGE"))}
    env.update({"DJANGO_DEBUG": "1", "DATABASE_URL": "sqlite:///:memory:", **environment})
    command = ["shell", "-c", code] if code else ["check"]
    return subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_media_storage_s3_and_the_aws_variables_point_uploads_at_the_bucket(bucket):
    code = ("from django.core.files.base import ContentFile; from django.core.files.storage import default_storage;"
            "name = default_storage.save('cards/0123456789abcdef.png', ContentFile(b'png')); "
            "print(name, default_storage.url(name))")
    result = settings_process(code, MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME=bucket.name,
                              AWS_S3_ENDPOINT_URL=bucket.endpoint, AWS_ACCESS_KEY_ID=CREDENTIALS["access_key"],
                              AWS_SECRET_ACCESS_KEY=CREDENTIALS["secret_key"], AWS_S3_REGION_NAME="us-east-1",
                              AWS_LOCATION="site")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["cards/0123456789abcdef.png", "/media/cards/0123456789abcdef.png"]
    assert bucket.stored() == {"site/cards/0123456789abcdef.png"}


@pytest.mark.parametrize(("environment", "message"), [
    ({"MEDIA_STORAGE": "s3"}, "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME"),
    ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be filesystem or s3"),
])
def test_an_incomplete_object_storage_setting_is_refused_clearly(environment, message):
    result = settings_process(None, **environment)
    assert result.returncode != 0 and message in result.stderr


@pytest.mark.parametrize(("redis_url", "engine"), [
    ("", "django.contrib.sessions.backends.db"),
    # Django's cached_db under hashed key names (staff/sessions.py)
    ("redis://127.0.0.1:6379/10", "staff.sessions"),
])
def test_redis_url_moves_staff_sessions_to_redis_written_through_to_the_database(redis_url, engine):
    result = settings_process("from django.conf import settings; print(settings.SESSION_ENGINE)", REDIS_URL=redis_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == engine


def nginx_in_front_of(bucket: Bucket, tmp_path: Path):
    """docker/nginx.conf as the official image fills it in, with MEDIA_ORIGIN the bucket."""
    return nginx(tmp_path, upstream=free_port(), media_origin=f"{bucket.endpoint}/{bucket.name}")


@pytest.mark.skipif(not shutil.which("nginx"), reason="needs nginx (apt-get install nginx-light)")
def test_through_the_proxy_uploads_from_the_bucket_carry_nosniff_and_the_sandbox(db, bucket, tmp_path):
    post = make_post()
    with nginx_in_front_of(bucket, tmp_path) as port:
        status, headers, body = request(port, "GET", f"/media/{post.card_image.name}")
        refused = request(port, "POST", f"/media/{post.card_image.name}")[0]
        missing = request(port, "GET", "/media/cards/0000000000000000.png")
    assert status == 200 and body.startswith(b"\x89PNG")
    assert headers["Content-Type"] == "image/png" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == MEDIA_POLICY, "the proxy sends what the media view sends"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin" and "x-amz-request-id" not in headers
    assert refused == 405
    assert missing[0] == 404 and missing[2] == b"No such image.\n", "the bucket's own 403 page is not shown"
