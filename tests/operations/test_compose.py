"""The deployment files agree with each other and with the code: compose.yaml runs what the Dockerfile
builds with variables the settings read, the proxy buffers and limits, the image's code is not the
app's to change, the lock files pin what pyproject.toml asks for, and docs/DEPLOY.md names every
variable the settings read."""

import ipaddress
import json
import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from core.views import MEDIA_POLICY
from tests.servers import PRODUCTION, ROOT, run

READS = re.compile(r'(?:os\.environ(?:\.get|\.setdefault)?\(|os\.environ\[|env_\w+\()\s*"([A-Z][A-Z0-9_]*)"')
ENTRYPOINT_VARIABLES = {"MIGRATE", "IMPORT_CONTENT"}


def variables_read() -> set[str]:
    """Every environment variable the settings, gunicorn's configuration and its worker read
    (dj-database-url reads DATABASE_URL itself)."""
    files = ("idare/settings.py", "gunicorn.conf.py", "serving/gunicorn_worker.py")
    return {"DATABASE_URL", *(name for file in files for name in READS.findall((ROOT / file).read_text()))}


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def dockerfile_instruction(name: str) -> str:
    return next(line.split(None, 1)[1] for line in (ROOT / "Dockerfile").read_text().splitlines()
                if line.startswith(f"{name} "))


def nginx_location(path: str) -> str:
    conf = (ROOT / "docker/nginx.conf").read_text()
    return conf.split(f"location {path} {{", 1)[1].split("\n    }", 1)[0]


def test_the_deploy_guide_names_every_variable_the_settings_read():
    guide = (ROOT / "docs/DEPLOY.md").read_text()
    missing = sorted(name for name in variables_read() | ENTRYPOINT_VARIABLES if f"`{name}`" not in guide)
    assert len(variables_read()) > 30  # the pattern still finds how settings.py reads the environment
    assert not missing, f"docs/DEPLOY.md does not explain: {', '.join(missing)}"


def test_compose_gives_the_app_only_variables_the_settings_read_and_all_that_production_needs():
    environment = compose()["services"]["app"]["environment"]
    assert set(environment) <= variables_read() | ENTRYPOINT_VARIABLES, set(environment) - variables_read()
    assert {*PRODUCTION, "DATABASE_URL", "REDIS_URL", "MEDIA_STORAGE", "AWS_STORAGE_BUCKET_NAME",
            "DJANGO_BEHIND_TLS_PROXY", "IDARE_TRUSTED_PROXY_RANGES"} - {"DJANGO_DEBUG"} <= set(environment)


def test_compose_trusts_exactly_its_own_network_which_only_nginx_reaches_the_app_from():
    """nginx is the app servers' one client: its network, pinned, is the one trusted range."""
    config = compose()
    app, subnet = config["services"]["app"], config["networks"]["default"]["ipam"]["config"][0]["subnet"]
    default = re.fullmatch(r"\$\{IDARE_PROXY_NETWORK:-([0-9./]+)\}", subnet).group(1)
    assert ipaddress.ip_network(default).is_private
    assert app["environment"]["IDARE_TRUSTED_PROXY_RANGES"] == app["environment"]["FORWARDED_ALLOW_IPS"] == subnet
    assert app["expose"] and "ports" not in app, "nothing but the compose network reaches the app servers"


def test_compose_runs_the_image_the_dockerfile_builds_after_migrating_once():
    services = compose()["services"]
    app, migrate = services["app"], services["migrate"]
    port = dockerfile_instruction("EXPOSE")
    assert app["build"] == "." and app["command"] == json.loads(dockerfile_instruction("CMD"))
    assert app["command"][-1] == f"0.0.0.0:{port}" and app["expose"] == [port]
    assert f"server app:{port};" in (ROOT / "docker/nginx.conf").read_text()
    assert migrate["image"] == app["image"] and migrate["command"][-2:] == ["migrate", "--noinput"]
    assert app["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert app["environment"]["MIGRATE"] == "0", "N servers starting at once must not all migrate"
    assert {"db", "redis", "proxy"} <= set(services) and app["deploy"]["replicas"]


def test_the_proxy_buffers_slow_clients_and_limits_bodies_to_what_the_site_accepts():
    site = nginx_location("/")
    server = (ROOT / "docker/nginx.conf").read_text()
    assert "proxy_request_buffering on;" in server and "proxy_buffering on;" in server
    limit = re.search(r"client_max_body_size (\d+)m;", server)
    assert limit and settings.IMAGE_UPLOAD_MAX_BYTES < int(limit.group(1)) * 1024 * 1024 <= 16 * 1024 * 1024
    assert re.search(r"client_body_timeout \d+s;", server) and re.search(r"client_header_timeout \d+s;", server)
    assert "proxy_pass http://idare_app;" in site and "proxy_set_header X-Forwarded-For $remote_addr;" in site


def test_uploads_from_the_bucket_get_nosniff_and_the_sandbox_from_the_proxy():
    media = nginx_location(settings.MEDIA_URL)
    assert "proxy_pass ${MEDIA_ORIGIN}/;" in media
    assert 'add_header X-Content-Type-Options "nosniff" always;' in media
    assert f'add_header Content-Security-Policy "{MEDIA_POLICY}" always;' in media
    assert "if ($request_method !~ ^(GET|HEAD)$)" in media and "proxy_hide_header Set-Cookie;" in media
    assert compose()["services"]["proxy"]["environment"]["MEDIA_ORIGIN"]


def test_the_images_code_belongs_to_root_and_only_the_state_folder_is_the_apps():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "chown" not in dockerfile and "chmod -R go-w /app" in dockerfile
    assert "install -d -o idare -g idare -m 0750 /var/lib/idare" in dockerfile
    assert "IDARE_STATE_DIR=/var/lib/idare" in dockerfile
    assert dockerfile.index("USER idare") > dockerfile.index("chmod -R go-w /app")
    assert compose()["services"]["app"]["read_only"] is True


def test_the_image_installs_the_locked_versions_on_the_python_they_were_locked_with():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "COPY requirements.lock ./" in dockerfile and "pip install --no-deps -r requirements.lock" in dockerfile
    lock = (ROOT / "requirements.lock").read_text()
    locked_with = re.search(r"autogenerated by pip-compile with Python (\d+\.\d+)", lock)
    assert locked_with and f"FROM python:{locked_with.group(1)}-slim" in dockerfile


def locked(file: str) -> dict[str, str]:
    """The lock's pins; each must be exact and carry the hashes pip checks before installing."""
    pins = {}
    for entry in re.split(r"\n(?=\S)", (ROOT / file).read_text()):
        if entry.strip() and not entry.startswith("#"):
            pin = re.match(r"([A-Za-z0-9_.-]+)==([^\s\\;]+) \\\n\s+--hash=sha256:[0-9a-f]{64}", entry)
            assert pin, f"{file}: {entry.splitlines()[0]!r} is not an exact pin with hashes"
            pins[re.sub(r"[-_.]+", "-", pin.group(1)).lower()] = pin.group(2)
    return pins


def requirement_name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", requirement).group(0)).lower()


def test_the_lock_files_pin_exactly_what_pyproject_asks_for_with_hashes_and_agree_with_each_other():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, test = locked("requirements.lock"), locked("requirements-test.lock")
    assert {requirement_name(r) for r in project["dependencies"]} <= set(runtime), "run make lock"
    assert {requirement_name(r) for r in project["optional-dependencies"]["test"]} <= set(test), "run make lock"
    assert {name: test[name] for name in runtime} == runtime, "the image runs the versions CI tested"
    makefile = (ROOT / "Makefile").read_text()
    assert "install -r requirements-test.lock" in makefile and "pyproject.toml requirements-test.lock" in makefile


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="needs a POSIX shell")
def test_with_migrate_off_the_entrypoint_runs_the_command_without_touching_the_database(tmp_path):
    database = tmp_path / "untouched.sqlite3"
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{database}", "MIGRATE": "0",
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
    result = run([str(ROOT / "docker/entrypoint.sh"), "python", "-c", "print('the command ran')"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "the command ran" and not database.exists()


def healthcheck_command(port: int) -> list[str]:
    check = compose()["services"]["app"]["healthcheck"]["test"]
    assert check[:2] == ["CMD", "python"]
    return [sys.executable, *(part.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for part in check[2:])]


def test_the_app_servers_healthcheck_passes_behind_the_tls_proxy_with_production_hosts(client, settings):
    """The request the healthcheck makes, through Django with production's TLS settings: no redirect."""
    settings.ALLOWED_HOSTS, settings.SECURE_SSL_REDIRECT = ["idare.example"], True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/healthz", headers={"Host": "idare.example", "X-Forwarded-Proto": "https"})
    assert response.status_code == 200


def test_the_healthcheck_command_succeeds_against_a_running_server_and_fails_without_one(tmp_path):
    from tests.servers import free_port, gunicorn

    with gunicorn(tmp_path, DJANGO_ALLOWED_HOSTS="idare.example,127.0.0.1", DJANGO_BEHIND_TLS_PROXY="1",
                  DATABASE_URL=f"sqlite:///{tmp_path / 'none.sqlite3'}") as port:
        env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "idare.example,127.0.0.1"}
        up = subprocess.run(healthcheck_command(port), env=env, capture_output=True, timeout=30)
    assert up.returncode == 0, up.stderr
    down = subprocess.run(healthcheck_command(free_port()), env=env, capture_output=True, timeout=30)
    assert down.returncode != 0


def interpolated(text: str, variables: dict[str, str]) -> str:
    """What compose makes of ${NAME}, ${NAME:-default}, ${NAME:?message} and $$."""
    def value(match):
        name, operator, rest = match.group(1), match.group(2) or "", match.group(3) or ""
        if name in variables:
            return variables[name]
        assert operator != ":?", f"compose would refuse to start without {name}: {rest}"
        return rest

    return re.sub(r"\$\{([A-Z_]+)(:-|:\?)?([^}]*)\}", value, text.replace("$$", "\0")).replace("\0", "$")


def test_compose_redis_is_bounded_evicts_least_recently_used_and_needs_the_apps_password(tmp_path):
    """The Redis compose runs, started as compose starts it (the command and environment it gives,
    on a port of this test's own): memory capped with LRU eviction, nothing answered without the
    password, and the app's REDIS_URL carries it."""
    import shutil

    import redis

    from tests.servers import free_port

    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    service = compose()["services"]["redis"]
    variables = {"REDIS_PASSWORD": "a-test-password-0123456789abcdef"}
    command = [interpolated(part, variables) for part in service["command"]]
    environment = {name: interpolated(value, variables) for name, value in service["environment"].items()}
    port = free_port()
    server = subprocess.Popen([*command[:-1], f"{command[-1]} --port {port} --bind 127.0.0.1 --dir {tmp_path}"],
                              env={**os.environ, **environment}, cwd=tmp_path, stdout=subprocess.DEVNULL)
    try:
        url = interpolated(compose()["services"]["app"]["environment"]["REDIS_URL"], variables)
        app = redis.Redis.from_url(url.replace("@redis:6379", f"@127.0.0.1:{port}"), socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                app.ping()
                break
            except redis.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)  # redis-server, another process, is starting
        assert app.config_get("maxmemory") == {"maxmemory": str(256 * 1024 * 1024)}
        assert app.config_get("maxmemory-policy") == {"maxmemory-policy": "allkeys-lru"}
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=port).ping()
        processes = subprocess.run(["ps", "-eo", "args="], capture_output=True, text=True).stdout
        assert variables["REDIS_PASSWORD"] not in processes  # in no process's arguments
        cli, *arguments = service["healthcheck"]["test"][1:]
        assert subprocess.run([cli, "-p", str(port), *arguments], env={**os.environ, **environment},
                              capture_output=True, text=True, timeout=10).stdout.strip() == "PONG"
    finally:
        server.terminate()
        server.wait(timeout=10)
