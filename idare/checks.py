"""Deployment checks of our own, run by `manage.py check --deploy` beside Django's."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import connection


@register(Tags.security, deploy=True)
def email_is_configured(app_configs, **kwargs):
    """Without a mail server staff never hear of a new enquiry: enquiries would wait unseen."""
    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend") and not settings.EMAIL_HOST:
        return [Warning(
            "DJANGO_EMAIL_HOST is not set: staff will not be told about new enquiries and messages, and people "
            "will get no confirmation.",
            hint="Set DJANGO_EMAIL_HOST (and DJANGO_EMAIL_HOST_USER, DJANGO_EMAIL_HOST_PASSWORD, "
                 "DJANGO_DEFAULT_FROM_EMAIL) to the mail service iDare uses.",
            id="idare.W001",
        )]
    return []


@register(Tags.security, deploy=True)
def launch_facts_are_supplied(app_configs, **kwargs):
    """Pages leave out what iDare has not supplied; the launch checklist says what that is. Says nothing
    without a migrated, reachable database (CI checks the settings against an empty SQLite)."""
    from idare.models import LaunchFact

    try:
        name = str(connection.settings_dict.get("NAME") or "")
        if connection.vendor == "sqlite" and name != ":memory:" and not name.startswith("file:") \
                and not Path(name).exists():
            return []  # asking would create an empty database file
        if LaunchFact._meta.db_table not in connection.introspection.table_names():
            return []
        missing = LaunchFact.objects.missing().count()
    except Exception:  # noqa: BLE001 - no database, no warning: a check must never stop `check` itself
        return []
    if not missing:
        return []
    return [Warning(
        f"{missing} launch fact(s) that only iDare can supply are still missing from the site's pages.",
        hint=f"See the launch checklist in the admin, /{settings.IDARE_ADMIN_PATH}idare/launchfact/ "
             "(Site › Launch checklist): write each fact into the pages it links to, then record it there.",
        id="idare.W002",
    )]
