"""The admin's media library: every uploaded image with its alt text, where it is used and the Markdown
to reuse it; deleting only what nothing uses, by an editor, after a confirmation, over POST."""

import pytest
from django.test import Client

from tests.factories import make_page, make_post, make_staff, stored_image
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db
LIBRARY = "/admin/blog/post/media/"
DELETE = "/admin/blog/post/media/delete/"


def test_the_library_lists_heroes_and_body_images_with_alt_text_uses_and_markdown(media_root):
    hero = stored_image(color=(10, 20, 30))
    body = stored_image("body", size=(400, 300), color=(200, 10, 10))
    post = make_post(title="Sleep and stress", hero_image=hero, hero_alt="A quiet shore", hero_credit="Us",
                     body=f"Words.\n\n![A red lamp](/media/{body})")
    page = make_page(title="About us", body=f"![The lamp again](/media/{body})")
    unused = stored_image("body", size=(300, 300), color=(5, 200, 5))

    html = signed_in("Editor").get(LIBRARY).content.decode()
    assert f'src="/media/{hero}"' in html and f'src="/media/{body}"' in html and f'src="/media/{unused}"' in html
    assert "A quiet shore" in html and "A red lamp" in html and "The lamp again" in html
    assert f'href="/admin/blog/post/{post.pk}/change/">Sleep and stress</a>' in html
    assert f'href="/admin/blog/page/{page.pk}/change/">About us</a>' in html
    assert f"![A red lamp](/media/{body})" in html and "data-copy" in html and "js/admin-copy.js" in html
    # Only the unused one offers deletion.
    assert html.count(f'href="{DELETE}?name=') == 1 and f"?name=body/{unused.split('/')[1]}" in html


def test_the_library_is_linked_from_the_article_list(media_root):
    assert f'href="{LIBRARY}"' in signed_in("Editor").get("/admin/blog/post/").content.decode()


def test_the_library_reads_the_same_number_of_queries_for_one_image_or_many(media_root,
                                                                          django_assert_max_num_queries):
    client = signed_in("Editor")
    make_post(hero_image=stored_image(color=(1, 1, 1)), hero_alt="A", hero_credit="B")
    with django_assert_max_num_queries(20) as few:
        assert client.get(LIBRARY).status_code == 200
    for n in range(2, 8):
        body = stored_image("body", size=(50, 50), color=(n, n, n))
        make_post(hero_image=stored_image(color=(n, 2, 2)), hero_alt="A", hero_credit="B",
                  body=f"![Image {n}](/media/{body})")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIBRARY).status_code == 200


def test_an_editor_deletes_an_unused_image_after_confirming(media_root):
    client = signed_in("Editor")
    unused = stored_image("body", size=(300, 300))
    confirm = client.get(DELETE, {"name": unused})
    assert confirm.status_code == 200 and "csrfmiddlewaretoken" in confirm.content.decode()
    assert (media_root / unused).is_file()  # a GET only asks
    response = client.post(DELETE, {"name": unused}, follow=True)
    assert response.status_code == 200 and "The image was deleted." in response.content.decode()
    assert not (media_root / unused).exists()


def test_deleting_a_used_image_is_refused_with_a_sentence(media_root):
    body = stored_image("body", size=(300, 300))
    make_post(body=f"![A lamp](/media/{body})")
    response = signed_in("Editor").post(DELETE, {"name": body}, follow=True)
    assert "still used by an article or a page" in response.content.decode()
    assert (media_root / body).is_file()


def test_a_name_outside_the_library_is_refused(media_root):
    response = signed_in("Editor").post(DELETE, {"name": "../settings.py"}, follow=True)
    assert response.status_code == 200 and "not in the media library" in response.content.decode()


def test_a_writer_sees_the_library_but_cannot_delete(media_root):
    unused = stored_image("body", size=(300, 300))
    writer = signed_in("Writer")
    assert writer.get(LIBRARY).status_code == 200
    assert writer.post(DELETE, {"name": unused}).status_code == 403
    assert (media_root / unused).is_file()


def test_the_delete_form_needs_its_csrf_token(media_root):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff("Editor"))
    unused = stored_image("body", size=(300, 300))
    assert client.post(DELETE, {"name": unused}).status_code == 403
    assert (media_root / unused).is_file()
