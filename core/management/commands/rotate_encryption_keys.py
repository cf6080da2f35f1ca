from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.crypto import EncryptedTextField


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the first key of IDARE_ENCRYPTION_KEYS (after adding a new key)."

    def handle(self, *args, **options):
        for model in apps.get_models():
            fields = [f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            with transaction.atomic():
                rows = 0
                for row in model._default_manager.select_for_update().only("pk", *fields).iterator():
                    # Reading decrypts with any key; saving encrypts with the first.
                    row.save(update_fields=fields)
                    rows += 1
            self.stdout.write(f"{model._meta.label}: {rows} re-encrypted")
