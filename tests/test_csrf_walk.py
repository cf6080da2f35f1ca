"""Every address the site answers refuses a POST without its forgery protection. The test walks the
whole URL conf, so an endpoint added later is checked without anyone remembering to add it here.

The one listed exemption: the upvote and share endpoints, which readers without cookies use, check
the request's Origin instead of a token (core/origin.py); they must refuse a foreign or missing one."""

import itertools
import re

import pytest
from django.test import Client
from django.urls import resolve
from django.urls.exceptions import Resolver404

from tests.factories import make_post
from tests.helpers import url_routes

# Route name → why it may skip the token (it checks the Origin instead; tested below).
ORIGIN_CHECKED = {"blog:upvote", "blog:share"}

SAMPLES = {"int": ["1"], "slug": ["sample-slug", "copy"], "str": ["sample"], "path": ["sample/path.jpg"],
           "uuid": ["12345678-1234-5678-1234-567812345678"]}
REGEX_SAMPLES = ["1", "blog", "sample", "sample/path.jpg"]
ROUTE_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")
CSRF_REFUSAL = "For your safety we could not accept this form"
ORIGIN_REFUSAL = "For your safety we only accept this from a page of this site"


def candidates(pattern) -> list[str]:
    """Concrete strings for one piece of a pattern: each parameter filled with sample values."""
    text = str(pattern)
    if text.startswith("^") or text.endswith("$") or "(?P<" in text:  # a regular expression
        text = text.removeprefix("^").removesuffix("$").removesuffix("\\Z")
        slots, fill = REGEX_GROUP.findall(text), REGEX_GROUP
        options = [REGEX_SAMPLES] * len(slots)
    else:
        slots, fill = ROUTE_PARAMETER.findall(text), ROUTE_PARAMETER
        unknown = {converter for converter, _ in slots if (converter or "str") not in SAMPLES}
        assert not unknown, f"the walker has no sample for the converter(s) {unknown} in {text!r}: add one"
        options = [SAMPLES[converter or "str"] for converter, _ in slots]
    filled = []
    for values in itertools.product(*options):
        remaining = iter(values)
        filled.append(fill.sub(lambda _, values=remaining: next(values), text).replace("\\", ""))
    return filled


def concrete_url(pieces) -> str | None:
    """The first URL built from samples that the site resolves to this route (or, for a fixed address,
    to the earlier route that shadows it). None when there is none: the test then fails."""
    for parts in itertools.product(*(candidates(piece) for piece in pieces)):
        url = "/" + "".join(parts)
        try:
            match = resolve(url)
        except Resolver404:
            continue
        fixed = not any(ROUTE_PARAMETER.search(str(piece)) or "(?P<" in str(piece) for piece in pieces)
        if match.route.replace("^", "") == "".join(str(piece) for piece in pieces).replace("^", "") or fixed:
            return url
    return None


def every_route():
    return [(name or "/" + "".join(str(piece) for piece in pieces), pieces) for pieces, name, _ in url_routes()]


def test_the_walker_finds_the_whole_site():
    names = {name for name, _ in every_route()}
    assert {"support:enquiry", "contact:form", "engage:register", "blog:upvote", "admin:login",
            "markdownx_markdownify", "staff_auth:two_factor"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "pieces"), every_route(), ids=lambda value: value if isinstance(value, str) else "")
def test_a_post_without_its_protection_is_refused(name, pieces):
    make_post(slug="sample-slug")
    url = concrete_url(pieces)
    assert url is not None, f"the walker cannot build an address for {name}: teach it a sample value"
    client = Client(enforce_csrf_checks=True)
    exempt = getattr(resolve(url).func, "csrf_exempt", False)
    if name in ORIGIN_CHECKED:
        assert exempt, f"{name} is listed as checking the Origin instead of the token, but is not exempt"
        for origin in ({}, {"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_ORIGIN": "null"}):
            response = client.post(url, **origin)
            assert response.status_code == 403 and ORIGIN_REFUSAL in response.content.decode(), (url, origin)
        return
    assert not exempt, f"{name} ({url}) skips the CSRF check and is not in the listed exemption"
    response = client.post(url, {"field": "value"})
    if response.status_code == 405:  # answered before the token check (the health probes): takes no POST at all
        return
    assert response.status_code == 403 and CSRF_REFUSAL in response.content.decode(), (url, response.status_code)
