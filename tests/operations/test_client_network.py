"""The visitor's network, which every rate limit and the admin lockout count under, is one the visitor
cannot choose: X-Forwarded-For is believed only from the proxies IDARE_TRUSTED_PROXY_RANGES names.
Spoofed chains are sent to the app directly (the test client, with its own REMOTE_ADDR) and through
the real docker/nginx.conf in front of gunicorn, from loopback addresses of their own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.parse

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from core.ratelimit import client_network, parse_ranges
from tests.factories import make_post, make_staff
from tests.servers import PRODUCTION, ROOT, gunicorn, nginx, request, run

PASSWORD = "a long staff password"


def network(settings, trusted: str, remote: str, forwarded: str | None = None) -> str:
    settings.IDARE_TRUSTED_PROXY_RANGES = parse_ranges(trusted)
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_network(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


@pytest.mark.parametrize(("trusted", "remote", "forwarded", "expected"), [
    # Straight from the visitor: whatever it writes, it is its own address.
    ("", "198.51.100.7", "203.0.113.9", "198.51.100.7"),
    ("10.0.0.0/8", "198.51.100.7", "203.0.113.9, 10.0.0.2", "198.51.100.7"),
    # Through nginx alone: the entry nginx appended, never the client's own ones to its left.
    ("10.0.0.0/8", "10.0.0.2", "198.51.100.7", "198.51.100.7"),
    ("10.0.0.0/8", "10.0.0.2", "203.0.113.9, 192.0.2.1, 198.51.100.7", "198.51.100.7"),
    # Through a CDN and nginx: past both, and no further.
    ("10.0.0.0/8, 2001:db8:cd::/48", "10.0.0.2", "203.0.113.9, 198.51.100.7, 2001:db8:cd::5", "198.51.100.7"),
    # A CDN range not trusted: the CDN's own address is the client (as the bucket it shares).
    ("10.0.0.0/8", "10.0.0.2", "198.51.100.7, 2001:db8:cd::5", "2001:db8:cd::/64"),
    # Junk, or a chain of trusted addresses only, ends at the last trusted hop: never a fresh bucket.
    ("10.0.0.0/8", "10.0.0.2", "198.51.100.7, not-an-address", "10.0.0.2"),
    ("10.0.0.0/8", "10.0.0.2", "", "10.0.0.2"),
    ("10.0.0.0/8", "10.0.0.2", "10.0.0.3", "10.0.0.3"),
    # IPv6 peers, mapped IPv4, and entries with a port.
    ("2001:db8:a::/48", "2001:db8:a::1", "2001:db8:77:1::9", "2001:db8:77:1::/64"),
    ("10.0.0.0/8", "::ffff:10.0.0.2", "::ffff:198.51.100.7", "198.51.100.7"),
    ("10.0.0.0/8", "10.0.0.2", "198.51.100.7:4711", "198.51.100.7"),
    ("10.0.0.0/8", "10.0.0.2", "[2001:db8:77::9]:443", "2001:db8:77::/64"),
    ("", "", "198.51.100.7", "unknown"),
])
def test_the_network_is_the_first_address_no_trusted_proxy_vouches_for(settings, trusted, remote, forwarded,
                                                                        expected):
    assert network(settings, trusted, remote, forwarded) == expected


def spoofed(n: int) -> str:
    return f"203.0.{n // 250}.{n % 250 + 1}"


@pytest.mark.django_db
@pytest.mark.parametrize(("trusted", "remote", "appended"), [
    ("", "198.51.100.7", ""),  # a visitor that reaches the app itself
    ("10.0.0.0/8", "10.0.0.2", ", 198.51.100.7"),  # through a proxy that keeps the client's header and appends
])
def test_a_client_writing_its_own_x_forwarded_for_still_hits_the_upvote_limit(settings, trusted, remote, appended):
    settings.IDARE_TRUSTED_PROXY_RANGES = parse_ranges(trusted)
    settings.IDARE_VOTE_RATE = "3/d"
    post = make_post()
    statuses = []
    for n in range(6):  # a new cookie-less visitor each time, claiming a new address each time
        response = Client(REMOTE_ADDR=remote).post(
            f"{post.get_absolute_url()}upvote/", HTTP_X_FORWARDED_FOR=spoofed(n) + appended,
            headers={"Origin": "http://testserver", "Accept": "application/json"})
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 429, 429, 429]


@pytest.mark.django_db
def test_a_client_writing_its_own_x_forwarded_for_still_hits_the_admin_lockout(settings):
    settings.IDARE_TRUSTED_PROXY_RANGES = parse_ranges("10.0.0.0/8")
    settings.AXES_FAILURE_LIMIT = 3
    make_staff(username="writer", superuser=False, password=PASSWORD)

    def sign_in(password: str, n: int) -> int:
        return Client(REMOTE_ADDR="10.0.0.2").post(
            "/admin/login/", {"username": "writer", "password": password, "next": "/admin/"},
            HTTP_X_FORWARDED_FOR=f"{spoofed(n)}, 198.51.100.7").status_code

    assert [sign_in("wrong password", n) for n in range(4)] == [200, 200, 429, 429]
    assert sign_in(PASSWORD, 99) == 429, "the right password is refused while this network is locked out"


@pytest.mark.parametrize(("environment", "message"), [
    ({"IDARE_TRUSTED_PROXIES": "2"}, "set IDARE_TRUSTED_PROXY_RANGES to the addresses or ranges of your proxies"),
    ({"IDARE_TRUSTED_PROXY_RANGES": "10.0.0.0/8, nginx"}, "IDARE_TRUSTED_PROXY_RANGES: 'nginx' is not an address"),
])
def test_counting_hops_or_an_unreadable_range_is_refused_at_start_saying_what_to_set(environment, message):
    result = run([sys.executable, "manage.py", "check"], {**PRODUCTION, **environment})
    assert result.returncode != 0 and message in result.stderr


# --- through docker/nginx.conf in front of gunicorn ------------------------------------------------

NGINX = shutil.which("nginx")
CDN = "127.0.0.9"  # the CDN's servers, in the test: one loopback address
ATTACKER = "127.0.0.5"  # a client that reaches nginx itself and writes its own X-Forwarded-For


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True, env=env, capture_output=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory, collected_static):
    """gunicorn on a SQLite database of its own (PostgreSQL or not), trusting only nginx (127.0.0.1),
    with a published article and a member of staff; yields its port and the article's address."""
    if not NGINX:
        pytest.skip("needs nginx (apt-get install nginx-light)")
    root = tmp_path_factory.mktemp("behind-nginx")
    # Daily vote windows: windows start on the boundary and a real server's clock runs, so an hourly
    # one can end between a spoofer's third and fourth vote and let the fourth through (CI, near 07:00).
    env = {"DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}", "DJANGO_STATIC_ROOT": collected_static,
           "IDARE_STATE_DIR": str(root / "var"), "IDARE_TRUSTED_PROXY_RANGES": "127.0.0.1",
           "IDARE_VOTE_RATE": "3/d", "IDARE_ADMIN_LOGIN_FAILURES": "3"}
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IDARE_", "DATABASE"))}
    # The keys gunicorn will get (tests/servers.py): the database's key check is made under them.
    keys = ",".join(settings.IDARE_ENCRYPTION_KEYS)
    local = {**base, **env, "DJANGO_SECRET_KEY": "x", "DJANGO_DEBUG": "1", "IDARE_ENCRYPTION_KEYS": keys}
    manage(local, "migrate", "-v0")
    manage(local, "shell", "-c", (
        "from django.contrib.auth.hashers import PBKDF2PasswordHasher; from django.contrib.auth.models import User; "
        "from tests.factories import make_post; print(make_post(slug='behind-nginx')); "
        f"User.objects.create(username='writer', is_staff=True, password=PBKDF2PasswordHasher().encode("
        f"{PASSWORD!r}, 'saltsaltsalt', iterations=1000))"))
    with gunicorn(root, **env) as port:
        yield port, "/blog/behind-nginx/"


def upvote(port: int, slug_path: str, source: str, forwarded: str | None) -> int:
    headers = {"Origin": "http://127.0.0.1", "Accept": "application/json"}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    return request(port, "POST", f"{slug_path}upvote/", headers, source=source)[0]


def sign_in(port: int, source: str, forwarded: str, password: str) -> int:
    """The admin's form, as a browser fills it in: its CSRF cookie and token, then the POST."""
    headers = {"X-Forwarded-For": forwarded}
    _, answer, page = request(port, "GET", "/admin/login/", headers, source=source)
    cookie = answer["Set-Cookie"].split(";", 1)[0]
    token = page.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "writer", "password": password,
                                   "next": "/admin/"}).encode()
    return request(port, "POST", "/admin/login/", {**headers, "Cookie": cookie,
                                                    "Content-Type": "application/x-www-form-urlencoded"},
                   body=body, source=source)[0]


def with_cdn(site_conf: str) -> str:
    """docker/nginx.conf's CDN lines uncommented, as docs/DEPLOY.md says, for a CDN at CDN."""
    lines = ("real_ip_header X-Forwarded-For;", "real_ip_recursive on;", "set_real_ip_from 203.0.113.0/24;")
    for line in lines:
        assert f"# {line}" in site_conf
        site_conf = site_conf.replace(f"# {line}", line)
    return site_conf.replace("set_real_ip_from 203.0.113.0/24;", f"set_real_ip_from {CDN};")


def test_through_nginx_a_client_writing_its_own_x_forwarded_for_still_hits_the_upvote_limit(site, tmp_path):
    port, article = site
    with nginx(tmp_path, upstream=port) as proxy:
        spoofing = [upvote(proxy, article, "127.0.0.11", spoofed(n)) for n in range(5)]
        other_client = upvote(proxy, article, "127.0.0.12", spoofed(0))
    assert spoofing == [200, 200, 200, 429, 429]
    assert other_client == 200, "another address is another network: nginx passes who connected"


def test_through_nginx_a_client_writing_its_own_x_forwarded_for_still_hits_the_admin_lockout(site, tmp_path):
    port, _ = site
    with nginx(tmp_path, upstream=port) as proxy:
        wrong = [sign_in(proxy, "127.0.0.21", spoofed(n), "wrong password") for n in range(4)]
        right = sign_in(proxy, "127.0.0.21", spoofed(9), PASSWORD)
        elsewhere = sign_in(proxy, "127.0.0.22", spoofed(0), PASSWORD)
    assert wrong == [200, 200, 429, 429]
    assert right == 429, "the right password is refused while this network is locked out"
    assert elsewhere == 302, "the owner, from another network, signs in"


def test_behind_a_cdn_nginx_believes_the_cdns_entry_and_only_from_the_cdn(site, tmp_path):
    port, article = site
    with nginx(tmp_path, upstream=port, edit=with_cdn) as proxy:
        # One visitor through the CDN, writing a new address of its own each time; and a neighbour.
        visitor = [upvote(proxy, article, CDN, f"{spoofed(n)}, 198.51.100.31") for n in range(4)]
        neighbour = upvote(proxy, article, CDN, "198.51.100.32")
        # A client that skips the CDN and claims to be visitors behind it.
        direct = [upvote(proxy, article, ATTACKER, f"198.51.100.{40 + n}") for n in range(4)]
    assert visitor == [200, 200, 200, 429]
    assert neighbour == 200
    assert direct == [200, 200, 200, 429]
