"""Encryption at rest for what people tell us (enquiries, messages, registrations).

Fernet from `cryptography` (AES-128-CBC with an HMAC-SHA256, a timestamp and a random IV), with the
keys from IDARE_ENCRYPTION_KEYS: the first key encrypts, every key decrypts. To rotate, put a new
key first, run `manage.py rotate_encryption_keys`, then remove the old key. A database dump alone
reveals none of these fields; the key never lives in the database."""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
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
