import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idare.settings")
django.setup(set_prefix=False)

from serving.page_cache import PageCacheHandler  # noqa: E402 - needs the apps loaded

# Django's own WSGI handler, with finished reading pages answered in front of it.
application = PageCacheHandler()
