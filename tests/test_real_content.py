"""The one test of the real content/ as a whole: it imports cleanly, creating every record its files
hold, and importing it again changes nothing. Other tests build the data they assert on, or import
only the files they are about (tests/conftest.py), so a new article in content/ breaks none of them."""

import re

import pytest
from django.conf import settings

from tests.helpers import records_in, run_import

pytestmark = pytest.mark.django_db
SUMMARY = re.compile(r"^([a-z ]+): (\d+) created, (\d+) updated, (\d+) unchanged, (\d+) kept$", re.M)


def test_the_real_content_imports_cleanly_and_a_second_import_changes_nothing():
    first = run_import(settings.CONTENT_DIR)
    created = {kind: int(made) for kind, made, *_ in SUMMARY.findall(first)}
    for kind, held in records_in(settings.CONTENT_DIR).items():
        assert created.get(kind) == held, (kind, first)
    assert all(int(n) == 0 for _, _, updated, _, kept in SUMMARY.findall(first) for n in (updated, kept)), first
    second = SUMMARY.findall(run_import(settings.CONTENT_DIR))
    assert second and all((made, updated, kept) == ("0", "0", "0") for _, made, updated, _, kept in second), second
