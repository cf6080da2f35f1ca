"""Upvotes and shares: one row per voter and article, and the daily share counts."""


from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.models.articles import Post
from core.ratelimit import parse_rate, within_allowance


class VoteQuerySet(models.QuerySet):
    def toggle(self, post_id: int, voter: str, network: str) -> tuple[bool, int, bool]:
        """Adds this voter's upvote, or takes it back. Returns (upvoted, the post's count, counted).

        A new upvote counts only while its network (a network_key) has some of the day's allowance
        for this post left (IDARE_UPVOTE_COUNT_RATE): past that it is kept for the voter, whose button
        shows it, but the public count does not move. Taking an upvote back never gives the
        allowance back, so a script cannot add, take back and add again with fresh cookies.

        The post's row is locked first, so one post's toggles run one at a time (another post's are
        not held up), and the counter moves in the same transaction as the rows it counts."""
        with transaction.atomic():
            Post.objects.select_for_update().filter(pk=post_id).values_list("pk").get()
            mine = self.filter(post_id=post_id, voter=voter)
            existing = mine.values_list("counted", flat=True).first()
            if existing is not None:
                mine.delete()
                counted, change = existing, -1 if existing else 0
            else:
                counted = within_allowance(f"upvote:{post_id}", network,
                                           parse_rate(settings.IDARE_UPVOTE_COUNT_RATE))
                self.create(post_id=post_id, voter=voter, counted=counted)
                change = 1 if counted else 0
            if change:
                Post.objects.filter(pk=post_id).update(upvote_count=F("upvote_count") + change)
            count = Post.objects.filter(pk=post_id).values_list("upvote_count", flat=True).get()
        return existing is None, count, counted


class Vote(models.Model):
    """One visitor's upvote of one post. The visitor is known only by a keyed hash of the random id
    in their voter cookie; the day is kept for the editors' chart, not the moment."""

    shown_to_readers = False  # counts reach pages through Post.upvote_count, whose pages live a few seconds

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    voter = models.CharField(max_length=64)
    created_on = models.DateField(default=timezone.localdate, db_index=True)
    counted = models.BooleanField(
        default=True, help_text="False when its network had already added the day's most upvotes to this post: "
                                "the voter sees their upvote, the public count and the charts do not.")

    objects = VoteQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "voter"], name="one_vote_per_visitor_and_post",
                                               violation_error_message=_(
                                                   "This visitor has already upvoted this article."))]

    def __str__(self):
        return f"upvote of {self.post_id} on {self.created_on}"


class ShareQuerySet(models.QuerySet):
    def record(self, post_id: int, network: str, visitor_network: str) -> bool:
        """Adds exactly one click to today's count for this post and network, while the visitor's
        network (a network_key) has some of the day's allowance for this post left
        (IDARE_SHARE_COUNT_RATE). Returns whether it was counted."""
        if not within_allowance(f"share:{post_id}", visitor_network, parse_rate(settings.IDARE_SHARE_COUNT_RATE)):
            return False
        day = timezone.localdate()
        row = self.filter(post_id=post_id, network=network, day=day)
        if row.update(clicks=F("clicks") + 1):
            return True
        try:
            with transaction.atomic():
                self.create(post_id=post_id, network=network, day=day, clicks=1)
        except IntegrityError:  # another request made today's row first
            row.update(clicks=F("clicks") + 1)
        return True


class ShareCount(models.Model):
    """Share clicks per post, network and day: counts only, nothing about who shared."""

    shown_to_readers = False  # counts show in the admin only

    class Network(models.TextChoices):
        WHATSAPP = "whatsapp", "WhatsApp"
        X = "x", "X"
        FACEBOOK = "facebook", "Facebook"
        LINKEDIN = "linkedin", "LinkedIn"
        TELEGRAM = "telegram", "Telegram"
        EMAIL = "email", "E-mail"
        COPY = "copy", "Copy link"
        DEVICE = "device", "Device share menu"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="share_counts")
    network = models.CharField(max_length=20, choices=Network.choices)
    day = models.DateField(db_index=True)
    clicks = models.PositiveIntegerField(default=0)

    objects = ShareQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "network", "day"], name="one_share_count_per_day",
                                    violation_error_message=_(
                                        "This day's share count for this article and network exists already: change "
                                        "that one.")),
            models.CheckConstraint(condition=Q(network__in=[
                "whatsapp", "x", "facebook", "linkedin", "telegram", "email", "copy", "device",
            ]), name="share_network_known", violation_error_message=_("Choose one of the networks listed.")),
        ]

    def __str__(self):
        return f"{self.network} shares of {self.post_id} on {self.day}"

