"""Feed settings and credentials per channel, and one record per feed build."""

import hashlib
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils.crypto import constant_time_compare

from channels.feeds.formats import DEFAULT_FORMATS, FORMATS

# Well-known Amazon marketplace ids by country (used when the feed settings name none).
AMAZON_MARKETPLACES = {
    "US": "ATVPDKIKX0DER",
    "CA": "A2EUQ1WTGCTBG2",
    "MX": "A1AM78C64UM0Y8",
    "BR": "A2Q3Y263D00KWC",
    "GB": "A1F83G8C2ARO7P",
    "UK": "A1F83G8C2ARO7P",
    "DE": "A1PA6795UKMFR9",
    "FR": "A13V1IB3VIYZZH",
    "IT": "APJ6JRA9NG5V4",
    "ES": "A1RKKUPIHCS9HS",
    "NL": "A1805IZSGTT6HS",
    "SE": "A2NODRKZP88ZB9",
    "PL": "A1C3SOZRARQ6R3",
    "JP": "A1VC38T7YXB528",
    "AU": "A39IBJ37TRP1C6",
}


def hash_token(raw: str) -> str:
    # Tokens are 256-bit random values: a fast hash is enough, no password stretching needed.
    return hashlib.sha256(raw.encode()).hexdigest()


class FeedSettings(models.Model):
    """How a channel's feeds are published: formats, fetch credentials, marketplace ids, rebuild state."""

    channel = models.OneToOneField("channels.Channel", on_delete=models.CASCADE, related_name="feed_settings")
    formats = models.JSONField(
        default=list, blank=True, help_text="Format codes to publish; empty: the defaults of the channel's kind."
    )
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    token_prefix = models.CharField(max_length=8, blank=True, editable=False)
    basic_username = models.CharField(max_length=150, blank=True)
    basic_password_hash = models.CharField(max_length=256, blank=True, editable=False)
    amazon_seller_id = models.CharField(max_length=40, blank=True, help_text="Merchant token (Amazon seller id).")
    amazon_marketplace_id = models.CharField(
        max_length=20, blank=True, help_text="Empty: the marketplace of the channel's country."
    )
    dirty_since = models.DateTimeField(null=True, blank=True, help_text="First change not yet in the feeds.")
    last_change_at = models.DateTimeField(null=True, blank=True, help_text="Latest change not yet in the feeds.")

    class Meta:
        verbose_name = "feed settings"
        verbose_name_plural = "feed settings"

    def __str__(self) -> str:
        return f"Feeds of {self.channel}"

    @property
    def format_codes(self) -> tuple[str, ...]:
        codes = tuple(code for code in (self.formats or ()) if code in FORMATS)
        return codes or DEFAULT_FORMATS.get(self.channel.kind, ())

    @property
    def marketplace_id(self) -> str:
        return self.amazon_marketplace_id or AMAZON_MARKETPLACES.get(self.channel.country.upper(), "")

    @property
    def has_credentials(self) -> bool:
        return bool(self.token_hash or (self.basic_username and self.basic_password_hash))

    def set_token(self) -> str:
        """A new random token (returned once, stored only as a hash)."""
        raw = "feed_" + secrets.token_urlsafe(32)
        self.token_hash = hash_token(raw)
        self.token_prefix = raw[:8]
        return raw

    def set_basic(self, username: str, password: str) -> None:
        self.basic_username = username
        self.basic_password_hash = make_password(password)

    def check_token(self, raw: str) -> bool:
        return bool(self.token_hash and raw) and constant_time_compare(hash_token(raw), self.token_hash)

    def check_basic(self, username: str, password: str) -> bool:
        if not (self.basic_username and self.basic_password_hash):
            return False
        user_ok = constant_time_compare(username, self.basic_username)
        # Check the password even for a wrong user, so timing says nothing about user names.
        password_ok = check_password(password, self.basic_password_hash)
        return user_ok and password_ok


class FeedBuildQuerySet(models.QuerySet):
    def succeeded(self):
        return self.filter(status=FeedBuild.Status.SUCCEEDED)

    def latest_per_format(self, channel) -> dict[str, "FeedBuild"]:
        """The newest build of each format of a channel (one query)."""
        latest: dict[str, FeedBuild] = {}
        for build in self.filter(channel=channel).order_by("format", "-started_at").defer("legacy_skus"):
            latest.setdefault(build.format, build)
        return latest


class FeedBuild(models.Model):
    """One run of the pipeline for a channel and a format: what it wrote, what it left out and why."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="feed_builds")
    format = models.CharField(max_length=20, choices=[(code, fmt.label) for code, fmt in FORMATS.items()])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(max_length=20, default="command", help_text="command, admin, task …")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    items_written = models.PositiveIntegerField(default=0)
    items_skipped = models.PositiveIntegerField(default=0)
    deletes_written = models.PositiveIntegerField(default=0)
    diagnostics = models.JSONField(
        default=dict,
        blank=True,
        help_text="Items left out: {items: [{product, productId, sku, field, reason}], reasons: {…: n}, omitted}.",
    )
    file_path = models.CharField(max_length=500, blank=True, help_text="The file (of a set: its first document).")
    file_size = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes (of a set: all documents).")
    documents = models.JSONField(
        default=list,
        blank=True,
        help_text="A set of documents (Amazon): [{name, size, messages, deletes}], in order; empty for one file.",
    )
    error = models.TextField(blank=True)
    # Amazon, before SKU files: the SKUs this build listed. Read only when the served set has no SKU file
    # (the first build after the upgrade), then cleared; builds since keep their SKUs in the set's directory
    # (sku_sets.py). NULL: nothing kept here. A later migration may drop it.
    legacy_skus = models.JSONField(null=True, blank=True, default=None, editable=False)

    objects = FeedBuildQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["channel", "format", "-started_at"], name="feedbuild_channel_format")]

    def __str__(self) -> str:
        return f"{self.format} of {self.channel_id} at {self.started_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
