from django.conf import settings


def site(request):
    """Settings every template needs. Reads no database: error pages use it too."""
    return {"QUICK_EXIT_URL": settings.QUICK_EXIT_URL, "SITE_URL": settings.SITE_URL}
