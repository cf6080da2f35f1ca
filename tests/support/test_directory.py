"""The provider directory: filters in the address, pagination, provider pages, example listings."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from support.models import Provider
from tests.factories import image_bytes, make_provider, make_staff
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

DIRECTORY = "/support/providers/"


def names_on(client, query: str = "") -> list[str]:
    response = client.get(DIRECTORY + query)
    assert response.status_code == 200, query
    return re.findall(r'class="provider-card__name"[^>]*><a href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def providers():
    return {
        "asha": make_provider(name="Asha", languages=["English", "Hindi"], online=True, fee_band="sliding",
                              concerns=["Anxiety"], gender="woman", queer_affirmative=True),
        "bala": make_provider(name="Bala", languages=["Tamil"], online=False, in_person=True, city="Chennai",
                              fee_band="up-to-500", concerns=["Grief"], gender="man"),
        "chitra": make_provider(name="Chitra", languages=["Hindi"], online=True, in_person=True, city="Delhi",
                                fee_band="over-1500", concerns=["Anxiety", "Grief"], gender="woman",
                                accepting_new_clients=False),
        "dev": make_provider(name="Dev", languages=["English"], online=True, fee_band="free", gender="non-binary",
                             queer_affirmative=True),
        "hidden": make_provider(name="Hidden", listed=False),
    }


@pytest.mark.usefixtures("providers")
class TestFilters:
    def test_everyone_listed_and_nobody_unlisted(self, client):
        assert sorted(names_on(client)) == ["Asha", "Bala", "Chitra", "Dev"]

    @pytest.mark.parametrize(("query", "expected"), [
        ("?language=hindi", ["Asha", "Chitra"]),
        ("?mode=online", ["Asha", "Chitra", "Dev"]),
        ("?mode=in-person", ["Bala", "Chitra"]),
        ("?city=Chennai", ["Bala"]),
        ("?fee_max=0", ["Dev"]),
        ("?fee_max=500", ["Asha", "Bala", "Dev"]),
        ("?fee_max=1500", ["Asha", "Bala", "Dev"]),
        ("?concern=grief", ["Bala", "Chitra"]),
        ("?gender=woman", ["Asha", "Chitra"]),
        ("?affirming=on", ["Asha", "Dev"]),
        ("?accepting=on", ["Asha", "Bala", "Dev"]),
        ("?language=hindi&concern=anxiety&accepting=on", ["Asha"]),
        ("?language=english&fee_max=0&affirming=on", ["Dev"]),
        ("?mode=in-person&city=Delhi&gender=woman", ["Chitra"]),
    ])
    def test_filters_combine_in_the_query_string(self, client, query, expected):
        assert sorted(names_on(client, query)) == expected

    @pytest.mark.parametrize("query", [
        "?language=%00", "?fee_max=abc", "?fee_max=-1", "?fee_max=99", "?mode=teleport", "?city=%00%01",
        "?concern=" + "x" * 5000, "?gender=%F0%9F%92%9B", "?language=hindi&language=%00", "?accepting=%00",
    ])
    def test_nonsense_is_ignored_and_said_so(self, client, query):
        response = client.get(DIRECTORY + query)
        assert response.status_code == 200
        if "accepting" not in query:  # any non-empty checkbox value counts as ticked
            assert "did not make sense and were left out" in response.content.decode()

    def test_a_filter_that_makes_sense_survives_a_bad_neighbour(self, client):
        assert sorted(names_on(client, "?language=hindi&fee_max=abc")) == ["Asha", "Chitra"]

    def test_the_form_shows_the_filters_in_force_and_offers_only_what_exists(self, client):
        html = client.get(DIRECTORY + "?language=tamil&fee_max=500").content.decode()
        assert '<option value="tamil" selected>Tamil</option>' in html
        assert re.search(r'name="fee_max" value="500"[^>]*checked', html)
        assert '<option value="Chennai">Chennai</option>' in html and "Hidden" not in html
        assert 'method="get"' in html and 'action="/support/providers/"' in html
        assert "Clear filters" in html


@pytest.fixture(autouse=True)
def demo(settings):
    """Seeded examples show only when the site runs as a demo, as `make run` and `make serve` do."""
    settings.IDARE_DEMO = True


def test_an_empty_result_explains_itself_and_points_to_the_enquiry_form(client, providers):
    html = " ".join(client.get(DIRECTORY + "?language=tamil&fee_max=0").content.decode().split())
    assert "0 providers matching your filters" in html
    assert "No provider in the directory matches all of these filters" in html and "such as the fee" in html
    assert 'href="/support/request/"' in html


def test_an_empty_directory_says_so(client):
    html = client.get(DIRECTORY).content.decode()
    assert "There are no providers in the directory yet." in html and 'href="/support/request/"' in html


def test_pages_of_twelve_keep_the_filters(client):
    for n in range(14):
        make_provider(name=f"Online {n:02}", online=True, languages=["English"])
    make_provider(name="Tamil only", languages=["Tamil"])
    first = client.get(DIRECTORY + "?language=english").content.decode()
    assert first.count('class="provider-card"') == 12 and "Page 1 of 2" in first
    assert 'href="?language=english&amp;page=2"' in first
    second = client.get(DIRECTORY + "?language=english&page=2").content.decode()
    assert second.count('class="provider-card"') == 2 and 'href="?language=english&amp;page=1"' in second


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1%00"])
def test_odd_page_numbers_are_a_404(client, page):
    make_provider()
    assert client.get(f"{DIRECTORY}?page={page}").status_code == 404


def test_query_count_does_not_grow_with_providers(client, django_assert_max_num_queries):
    make_provider(languages=["English"], concerns=["Anxiety"])
    with django_assert_max_num_queries(9) as few:  # the first page also builds the snippets' snapshot
        client.get(DIRECTORY + "?language=english")
    for n in range(11):
        make_provider(languages=["English", "Hindi", f"Language {n}"], concerns=["Anxiety", f"Concern {n}"],
                      in_person=True, city=f"City {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(DIRECTORY + "?language=english")


def test_head_answers_like_get(client, providers):
    for path in (DIRECTORY, "/support/", providers["asha"].get_absolute_url()):
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code == 200 and head["Content-Type"] == get["Content-Type"], path


def test_directory_pages_set_no_cookie(client, providers):
    for path in (DIRECTORY, providers["asha"].get_absolute_url()):
        assert not client.get(path).cookies


# --- provider pages ----------------------------------------------------------------------------

def test_a_provider_page_shows_what_a_person_needs_to_choose(client, providers):
    chitra = providers["chitra"]
    chitra.registration, chitra.bio = "RCI CRR No. A12345", "I listen.\n\nAnd I help."
    chitra.save()
    html = client.get(chitra.get_absolute_url()).content.decode()
    for text in ("Chitra", "M.A. Psychology; counsellor", "Registration: RCI CRR No. A12345", "Hindi",
                 "Online; In person in Delhi", "More than ₹1,500 a session", "Anxiety, Grief", "Woman",
                 "Not taking new clients at the moment", "<p>I listen.</p>"):
        assert text in html, text
    assert "/support/request/?provider=" not in html  # not taking new clients


def test_a_provider_page_offers_to_ask_about_them(client, providers):
    html = client.get(providers["asha"].get_absolute_url()).content.decode()
    assert f'href="/support/request/?provider={providers["asha"].slug}"' in html and "Queer-affirmative" in html
    assert "No registration listed." in html


def test_unlisted_and_unknown_providers_are_404(client, providers):
    assert client.get(providers["hidden"].get_absolute_url()).status_code == 404
    assert client.get(f"{DIRECTORY}no-such-person/").status_code == 404


def test_the_bio_is_plain_text(client):
    provider = make_provider(bio="<script>alert(1)</script> **bold**")
    html = client.get(provider.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


# --- example listings --------------------------------------------------------------------------

def test_example_listings_carry_the_badge_wherever_they_are_shown(client):
    example = make_provider(name="Invented (example)", example=True)
    badge = "Example listing: not a real provider"
    listing = client.get(DIRECTORY).content.decode()
    assert listing.count(badge) == 1
    page = client.get(example.get_absolute_url()).content.decode()
    assert badge in page and "you cannot ask to see them" in page
    assert "/support/request/?provider=" not in page
    enquiry = client.get(f"/support/request/?provider={example.slug}").content.decode()
    assert "is an example listing, not a real provider" in enquiry


def test_a_real_provider_has_no_badge(client):
    real = make_provider(name="Real")
    assert "Example listing" not in client.get(real.get_absolute_url()).content.decode()


def test_the_admin_lists_example_listings_for_replacement(staff_client):
    make_provider(name="Invented (example)", example=True)
    make_provider(name="Real person")
    html = staff_client.get("/admin/support/provider/").content.decode()
    assert "1 example listing(s) are shown to readers" in html
    only_examples = staff_client.get("/admin/support/provider/?example__exact=1").content.decode()
    assert "Invented (example)" in only_examples and "Real person" not in only_examples


# --- photos through the upload pipeline -------------------------------------------------------

def provider_form(**overrides) -> dict:
    data = {"name": "New Person", "slug": "new-person", "credentials": "M.A.", "languages": [], "online": "on",
            "fee_band": "free", "bio": "Hello.", "listed": "on", "accepting_new_clients": "on"}
    return {**data, **overrides}


def test_a_photo_is_checked_and_re_encoded_without_its_metadata(django_user_model, media_root):
    from tests.factories import make_language

    english = make_language("English")
    client = signed_in(make_staff(username="boss", superuser=True), second_step=True)
    upload = SimpleUploadedFile("face.jpg", image_bytes("JPEG", size=(1600, 1200), exif=b"Exif\x00\x00secret-gps"),
                                content_type="image/jpeg")
    response = client.post("/admin/support/provider/add/", provider_form(languages=[english.pk], photo=upload))
    assert response.status_code == 302, response.content.decode()[:2000]
    provider = Provider.objects.get(slug="new-person")
    assert provider.photo.name.startswith("providers/") and max(provider.photo_width, provider.photo_height) == 800
    assert b"secret-gps" not in (media_root / provider.photo.name).read_bytes()


def test_a_file_pretending_to_be_a_photo_is_refused(staff_client):
    from tests.factories import make_language

    english = make_language("English")
    fake = SimpleUploadedFile("face.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    response = staff_client.post("/admin/support/provider/add/", provider_form(languages=[english.pk], photo=fake))
    assert response.status_code == 200 and Provider.objects.count() == 0
    assert "not an image we can read" in response.content.decode() or "Upload a valid image" in \
        response.content.decode()
