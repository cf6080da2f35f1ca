"""Support imports its own content: languages, seed providers, services and texts."""

import pytest
from django.core.management import CommandError

from support.models import Language, Provider, Service, SupportText
from tests.helpers import records_in, run_import

pytestmark = pytest.mark.django_db


def test_the_seed_directory_is_all_example_listings(content_dir):
    held = records_in(content_dir)
    output = run_import(content_dir)
    for kind in ("provider", "support text", "service"):
        assert f"{kind}: {held[kind]} created" in output
    assert Provider.objects.count() == Provider.objects.filter(example=True).count() == held["provider"]
    assert all("(example)" in name for name in Provider.objects.values_list("name", flat=True))
    assert not Provider.objects.choosable().exists()
    farhan = Provider.objects.get(slug="example-farhan-s")
    assert sorted(farhan.languages.values_list("name", flat=True)) == ["English", "Hindi", "Urdu"]
    assert (farhan.city, farhan.in_person, farhan.online, farhan.fee_band) == ("Mumbai", True, True, "up-to-1500")
    assert Language.objects.filter(name="Indian Sign Language").exists()
    assert set(SupportText.objects.values_list("slug", flat=True)) == set(SupportText.Place.values)
    assert Service.objects.get(slug="counselling").fee_band == ""


def test_a_second_import_changes_nothing_and_editors_changes_are_kept(content_dir):
    run_import(content_dir)
    provider = Provider.objects.get(slug="example-kiran-d")
    provider.bio = "Changed by an editor"
    provider.save()
    output = run_import(content_dir)
    held = records_in(content_dir)
    assert f"provider: 0 created, 0 updated, {held['provider']} unchanged, 0 kept" in output
    assert Provider.objects.get(slug="example-kiran-d").bio == "Changed by an editor"
    assert "language: 0 created" in output
    assert f"support text: 0 created, 0 updated, {held['support text']} unchanged" in output


def test_a_changed_language_list_in_the_file_updates_the_provider(content_dir):
    run_import(content_dir)
    path = content_dir / "support/providers.yaml"
    path.write_text(path.read_text().replace("languages: [Tamil, English]", "languages: [Tamil, English, Telugu]"))
    assert "provider: 0 created, 1 updated" in run_import(content_dir)
    names = Provider.objects.get(slug="example-lakshmi-v").languages.values_list("name", flat=True)
    assert sorted(names) == ["English", "Tamil", "Telugu"]


@pytest.mark.parametrize(("file", "old", "new", "problem"), [
    ("support/providers.yaml", "fee_band: up-to-1500", "fee_band: cheap", "fee_band must be one of"),
    ("support/providers.yaml", "  example: true\n", "  example: maybe\n", "must be true or false"),
    ("support/providers.yaml", "languages: [Tamil, English]", "languages: []", "languages"),
    ("support/providers.yaml", "  in_person: true\n  city: Chennai\n", "  in_person: true\n",
     "Give the city where in-person sessions take place"),
    ("support/services.yaml", "fee_band: free", "fee_band: gratis", "fee_band must be one of"),
    ("support/texts/contact.md", "slug: contact", "slug: somewhere", "slug must be one of"),
    ("support/languages.yaml", "- Hindi", "- [Hindi]", "expected a list of languages"),
])
def test_a_malformed_file_is_named_with_its_problem_and_imports_nothing(content_dir, file, old, new, problem):
    path = content_dir / file
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    with pytest.raises(CommandError, match=problem):
        run_import(content_dir)
