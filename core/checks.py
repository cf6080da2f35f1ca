"""Deployment checks of our own, run by `manage.py check --deploy` beside Django's."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import connections


def database_has_table(model, using: str = "default") -> bool:
    """Whether the model's table exists, without asking a SQLite database that is not there yet
    (asking would create an empty file)."""
    connection = connections[using]
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor == "sqlite" and name != ":memory:" and not name.startswith("file:") \
            and not Path(name).exists():
        return False
    return model._meta.db_table in connection.introspection.table_names()


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
    from core.models import LaunchFact

    try:
        if not database_has_table(LaunchFact):
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


@register(Tags.database)
def encryption_keys_fit_the_database(app_configs, databases=None, **kwargs):
    """Run by `migrate` before it changes anything (so `make serve` and compose's migrate service stop
    there) and by `manage.py check --database default`."""
    from core.crypto import WrongKeys, check_keys

    errors = []
    for using in databases or ():
        try:
            check_keys(using, record=False)
        except WrongKeys as exc:
            errors.append(Error(str(exc), hint=exc.hint, id="idare.E001"))
    return errors
