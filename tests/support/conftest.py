import logging

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_language


class ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record) + (record.exc_text or ""))


@pytest.fixture
def all_logs():
    """Every log line any logger writes during the test, at every level, formatted as the site's
    handler would, with tracebacks ("django" does not propagate to the root, so it is watched too)."""
    handler = ListHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    watched = [logging.getLogger(), logging.getLogger("django")]
    levels = [logger.level for logger in watched]
    for logger in watched:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler.lines
    for logger, level in zip(watched, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.fixture
def languages(db):
    return [make_language(name) for name in ("English", "Hindi", "Tamil")]


def staff(django_user_model, username: str, *permissions: str, email: str = "", superuser: bool = False):
    user = django_user_model.objects.create_user(username, email or f"{username}@idare.example",
                                                 "a long staff password", is_staff=True, is_superuser=superuser)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def logged_in(user) -> Client:
    """Signed in, with the second step done (as staff who can open enquiries must, staff/signin.py)."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
