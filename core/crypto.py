"""Encryption at rest for what people tell us (enquiries, messages, registrations).

Fernet from `cryptography` (AES-128-CBC with an HMAC-SHA256, a timestamp and a random IV), with the
keys from IDARE_ENCRYPTION_KEYS: the first key encrypts, every key decrypts. To rotate, put a new
key first, run `manage.py rotate_encryption_keys`, then remove the old key. A database dump alone
reveals none of these fields; the key never lives in the database.

Keys that are valid but not this database's would let the site start and then fail on every record,
so `check_keys()` (at migrate, at gunicorn's start, and `manage.py check --database default`) refuses
them: the database keeps one known value encrypted under the keys it was first used with
(core.models.EncryptionKeyCheck), rotated with everything else."""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import DatabaseError, models
from django.dispatch import receiver


@lru_cache(maxsize=1)
def _keyring() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in settings.IDARE_ENCRYPTION_KEYS])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("IDARE_ENCRYPTION_KEYS must hold Fernet keys (see README).") from exc


@receiver(setting_changed)
def _forget_keys(setting, **kwargs):
    if setting == "IDARE_ENCRYPTION_KEYS":
        _keyring.cache_clear()


def encrypt(text: str) -> str:
    return _keyring().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _keyring().decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored value cannot be decrypted with IDARE_ENCRYPTION_KEYS: was a key removed too early?"
        ) from exc


def rotate(token: str) -> str:
    """The same value encrypted under the first (newest) key."""
    return _keyring().rotate(token.encode("ascii")).decode("ascii")


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database and plain in Python. It cannot be searched or ordered
    by: that is the point."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else encrypt(str(value))

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)


# --- the keys are this database's -----------------------------------------------------------------

KNOWN_VALUE = "iDare encryption key check"
WRONG_KEYS_HINT = (
    "Set IDARE_ENCRYPTION_KEYS to the key(s) this database was encrypted with (comma-separated, newest "
    "first). To change keys, put the new key first and keep the old one, run `manage.py "
    "rotate_encryption_keys`, then remove the old key. Nothing was changed."
)


class WrongKeys(ImproperlyConfigured):
    def __init__(self, what: str):
        count = len(settings.IDARE_ENCRYPTION_KEYS)
        super().__init__(
            f"IDARE_ENCRYPTION_KEYS cannot decrypt what this database holds ({what}): none of its {count} "
            f"key(s) is a key it was encrypted with. The site would start and fail on every enquiry, message "
            f"and registration, so it does not start."
        )
        self.hint = WRONG_KEYS_HINT


def _encrypted_models():
    for model in apps.get_models():
        fields = [f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields[0]


def _opens(model, field: str, using: str) -> bool:
    """Whether the keys decrypt one stored value of this model (True when it has none)."""
    try:
        model._default_manager.using(using).values_list(field, flat=True).first()
    except ImproperlyConfigured:  # decrypt()'s refusal
        return False
    return True


def check_keys(using: str = "default", record: bool = True) -> None:
    """Raises WrongKeys when IDARE_ENCRYPTION_KEYS cannot decrypt this database. The first time (no
    check stored yet), what is already encrypted is tried instead, and the check is then stored
    under the current first key. Says nothing when the database cannot tell: not reachable, or
    not migrated yet."""
    from core.checks import database_has_table
    from core.models import EncryptionKeyCheck

    try:
        if not database_has_table(EncryptionKeyCheck, using):
            return
        if EncryptionKeyCheck.objects.using(using).exists():
            if not _opens(EncryptionKeyCheck, "value", using):
                raise WrongKeys("the key check it stored when first used")
            return
        for model, field in _encrypted_models():
            if model is not EncryptionKeyCheck and database_has_table(model, using) and not _opens(model, field, using):
                raise WrongKeys(str(model._meta.verbose_name_plural))
        if record:
            EncryptionKeyCheck.objects.using(using).get_or_create(pk=1, defaults={"value": KNOWN_VALUE})
    except DatabaseError:
        return
