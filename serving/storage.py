"""Uploads in an S3-compatible bucket (MEDIA_STORAGE=s3), for several app servers that share them.

Pages keep addressing every upload under the site's own MEDIA_URL (/media/…): the proxy or CDN in
front of the site maps that path to the bucket and adds the headers S3 cannot store (nosniff and the
CSP sandbox, docker/nginx.conf), so the Content-Security-Policy stays `img-src 'self'`. What S3 can
carry is set on each object when it is written: its Content-Type from the same allow-list the local
media view uses, `inline` images and `attachment` for anything else, and the same Cache-Control."""

from pathlib import PurePosixPath

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage

from core.views import CONTENT_HASHED_NAME, MEDIA_TYPES, ONE_YEAR


def object_headers(name: str) -> dict[str, str]:
    """The headers S3 keeps with an object and sends back with it (boto3's parameter names)."""
    path = PurePosixPath(name)
    content_type = MEDIA_TYPES.get(path.suffix.lower())
    hashed = CONTENT_HASHED_NAME.match(path.name)
    return {
        "ContentType": content_type or "application/octet-stream",
        # Anything that is not one of our image types is a download, never a page of our origin.
        "ContentDisposition": "inline" if content_type else "attachment",
        "CacheControl": f"public, max-age={ONE_YEAR}, immutable" if hashed else "public, max-age=3600",
    }


class MediaStorage(S3Storage):
    # Like FileSystemStorage, a second upload of the same name gets a new name rather than
    # replacing the first one (stored images are named by their content, so this is rare).
    file_overwrite = False
    querystring_auth = False

    def get_object_parameters(self, name: str) -> dict:
        return {**super().get_object_parameters(name), **object_headers(name)}

    def url(self, name: str, parameters=None, expire=None, http_method=None) -> str:
        return settings.MEDIA_URL + filepath_to_uri(name)
