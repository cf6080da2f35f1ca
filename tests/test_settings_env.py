"""Settings read the environment through idare/env.py: a bad value stops the site with a sentence
naming the variable and what it holds, never a bare traceback."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from idare.env import env_int, env_ranges, env_rate, env_seconds

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env) -> subprocess.CompletedProcess:
    """The settings module in a fresh process, with only the environment given (and debug on)."""
    return subprocess.run([sys.executable, "-c", "import idare.settings"], cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1", **env},
                          capture_output=True, text=True, timeout=60)


def test_the_settings_load_with_nothing_set():
    result = load_settings()
    assert result.returncode == 0, result.stderr


# These were once parsed with a bare int() or float().
@pytest.mark.parametrize("name", [
    "DJANGO_CONN_MAX_AGE", "IDARE_LOCAL_CACHE_BYTES", "IDARE_PAGE_CACHE_CHECK", "IDARE_PAGE_CACHE_ENTRIES",
    "IDARE_PAGE_CACHE_BYTES", "DJANGO_SECURE_HSTS_SECONDS", "IDARE_SEARCH_CACHE_SECONDS", "DJANGO_EMAIL_PORT",
    "IDARE_ADMIN_ACCOUNT_FAILURES", "IDARE_ADMIN_LOGIN_FAILURES", "IDARE_MARKDOWN_MAX_CHARS",
])
def test_a_number_that_is_not_one_is_refused_with_its_name(name):
    result = load_settings(**{name: "lots"})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert f"{name} must be a " in last_line and "'lots'" in last_line


@pytest.mark.parametrize(("value", "expected"), [("7", 7), (" 7 ", 7), ("0", 0)])
def test_a_whole_number_is_read(monkeypatch, value, expected):
    monkeypatch.setenv("IDARE_TEST_NUMBER", value)
    assert env_int("IDARE_TEST_NUMBER", 3) == expected


@pytest.mark.parametrize("value", ["-1", "1.5", "", "lots"])
def test_a_whole_number_below_its_minimum_or_not_whole_is_refused(monkeypatch, value):
    monkeypatch.setenv("IDARE_TEST_NUMBER", value)
    with pytest.raises(ImproperlyConfigured, match=r"IDARE_TEST_NUMBER must be a whole number of days \(0 or more\)"):
        env_int("IDARE_TEST_NUMBER", 3, unit="days")


def test_unset_means_the_default(monkeypatch):
    monkeypatch.delenv("IDARE_TEST_NUMBER", raising=False)
    assert env_int("IDARE_TEST_NUMBER", 3, minimum=1) == 3
    assert env_seconds("IDARE_TEST_NUMBER", 0.5) == 0.5
    assert env_rate("IDARE_TEST_NUMBER", "10/hour") == "10/hour"
    assert env_ranges("IDARE_TEST_NUMBER") == ()


def test_a_count_may_have_a_minimum_of_one(monkeypatch):
    monkeypatch.setenv("IDARE_TEST_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match=r"must be a whole number \(1 or more\), not '0'"):
        env_int("IDARE_TEST_NUMBER", 3, minimum=1)


def test_a_bad_rate_or_range_names_its_variable(monkeypatch):
    monkeypatch.setenv("IDARE_TEST_RATE", "often")
    monkeypatch.setenv("IDARE_TEST_RANGES", "10.0.0.0/8, nearby")
    with pytest.raises(ImproperlyConfigured, match="IDARE_TEST_RATE: a rate looks like"):
        env_rate("IDARE_TEST_RATE", "10/hour")
    with pytest.raises(ImproperlyConfigured, match="IDARE_TEST_RANGES: 'nearby' is not an address"):
        env_ranges("IDARE_TEST_RANGES")
