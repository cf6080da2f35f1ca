from django.db import models


class DailySalt(models.Model):
    """The secret that turns a visitor's network into a rate-limit key for one day. Yesterday's is
    deleted, so a stored key cannot be traced back to an address once the day is over."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self):
        return f"salt for {self.day}"


class RateLimitCounter(models.Model):
    """Requests from one network in one window of one scope. In the database so that every worker
    and every server counts together."""

    scope = models.CharField(max_length=40)
    bucket = models.CharField(max_length=64, help_text="An HMAC of the network under the day's salt.")
    window_start = models.BigIntegerField(help_text="Seconds since the epoch.")
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "bucket", "window_start"], name="one_counter_per_window"),
        ]

    def __str__(self):
        return f"{self.scope}: {self.hits} hits"


class ContentVersion(models.Model):
    """One number that every change readers can see moves on: kept pages made under an older
    number are out of date (idare/pagecache.py)."""

    version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"content version {self.version}"
