"""Deployment checks of our own, run by `manage.py check --deploy` beside Django's."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


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
