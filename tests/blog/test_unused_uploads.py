"""Images uploaded into a text box but never saved in any text are deleted after a day, with their
renditions (manage.py purge_unused_uploads); whatever a saved text shows stays."""

import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tests.factories import image_bytes, make_page, make_post, make_programme, make_snippet

pytestmark = pytest.mark.django_db

HOUR = 3600


def upload(staff_client, color) -> str:
    """Uploads through the editor's endpoint, as the text box does; returns the image's address."""
    data = image_bytes("JPEG", size=(700, 400), color=color)
    response = staff_client.post("/markdownx/upload/", {"image": SimpleUploadedFile("photo.jpg", data)})
    assert response.status_code == 200
    code = response.json()["image_code"]
    return code[code.index("(") + 1:-1]


def files_of(media_root, url: str) -> list[str]:
    stem = url.rsplit("/", 1)[1].split(".")[0]
    return sorted(str(path.relative_to(media_root)) for path in media_root.rglob(f"{stem}*"))


def age(media_root, url: str, hours: float) -> None:
    """Sets the stored original's modification time, which is what the command reads."""
    moment = time.time() - hours * HOUR
    os.utime(media_root / url.removeprefix("/media/"), (moment, moment))


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_unused_uploads", *args, stdout=out)
    return out.getvalue()


def test_an_upload_no_saved_text_shows_goes_after_a_day_with_its_renditions(staff_client, media_root):
    abandoned = upload(staff_client, (200, 30, 30))
    assert len(files_of(media_root, abandoned)) > 1  # the original and its renditions
    age(media_root, abandoned, 25)
    assert purge() == "1 unused upload(s) deleted (older than 24 hours, shown by no saved text)\n"
    assert files_of(media_root, abandoned) == []


def test_an_upload_younger_than_the_setting_stays_even_if_unused(staff_client, media_root, settings):
    settings.IDARE_UNUSED_UPLOAD_HOURS = 48
    fresh = upload(staff_client, (30, 200, 30))
    age(media_root, fresh, 47)  # perhaps still in a text box being written
    before = files_of(media_root, fresh)
    assert purge().startswith("0 unused upload(s) deleted (older than 48 hours")
    assert files_of(media_root, fresh) == before
    age(media_root, fresh, 49)
    assert purge().startswith("1 ")
    assert files_of(media_root, fresh) == []


@pytest.mark.parametrize("save_in", ["post", "draft post", "post sources", "page", "snippet", "programme"])
def test_an_upload_any_saved_text_shows_stays(staff_client, media_root, save_in):
    used = upload(staff_client, (30, 30, 200))
    text = f"Before.\n\n![A blue square]({used})\n"
    if save_in == "post":
        make_post(body=text)
    elif save_in == "draft post":
        make_post(body=text, status="draft", published_at=None)
    elif save_in == "post sources":
        make_post(sources=f"[The figure]({used})")
    elif save_in == "page":
        make_page(body=text)
    elif save_in == "snippet":
        make_snippet(body=text)
    else:
        make_programme(description=text)
    before = files_of(media_root, used)
    age(media_root, used, 100)
    assert purge().startswith("0 ")
    assert files_of(media_root, used) == before


def test_the_hours_are_checked(media_root):
    with pytest.raises(CommandError, match="--hours must be 1 or more"):
        purge("--hours", "0")
    assert purge().startswith("0 ")  # no upload folder yet: nothing to do, no error


def test_an_image_dropped_from_an_article_stays_while_a_programme_shows_it(staff_client, media_root,
                                                                           django_capture_on_commit_callbacks):
    """Regression: the check on saving an article looked only at articles and pages, so an image a
    programme's description also showed was deleted from under it."""
    shared = upload(staff_client, (120, 120, 20))
    post = make_post(body=f"![A shared square]({shared})")
    make_programme(description=f"![A shared square]({shared})")
    before = files_of(media_root, shared)
    with django_capture_on_commit_callbacks(execute=True):
        post.body = "No image any more."
        post.save()
    assert files_of(media_root, shared) == before


def test_the_same_image_uploaded_again_counts_its_day_from_the_new_upload(staff_client, media_root):
    first = upload(staff_client, (10, 90, 90))
    age(media_root, first, 30)  # left unused from a day ago, and not purged yet
    again = upload(staff_client, (10, 90, 90))
    assert again == first  # stored by content: the same name
    assert purge().startswith("0 ")
    assert (media_root / again.removeprefix("/media/")).is_file()


def test_uploading_an_image_a_saved_text_shows_keeps_that_file(staff_client, media_root):
    shown = upload(staff_client, (90, 10, 90))
    make_post(body=f"![A purple square]({shown})")
    age(media_root, shown, 30)
    assert upload(staff_client, (90, 10, 90)) == shown
    assert os.path.getmtime(media_root / shown.removeprefix("/media/")) < time.time() - 29 * HOUR  # untouched
