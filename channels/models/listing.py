"""Per-channel listings of a product: children of the Product aggregate, so they live in its revisions.

All rows hang off the product by ParentalKey (not off the variant), so the product form edits them with
flat InlinePanels and a draft can price a variant that is not in the database yet: variant rows name the
variant by SKU.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from catalog.fields import AttributeValuesField
from catalog.money import validate_amount_for_currency, validate_currency_code
from catalog.validators import SKU_MAX_LENGTH
from channels.attributes import clean_channel_attributes

DESCRIPTION_FEATURES = ["bold", "italic", "h3", "h4", "ol", "ul", "link"]


class ProductListingQuerySet(models.QuerySet):
    def visible(self, channel, at=None):
        """Published on the channel and inside the availability window at `at` (now by default)."""
        at = at or timezone.now()
        return self.filter(
            Q(available_from__isnull=True) | Q(available_from__lte=at),
            Q(available_until__isnull=True) | Q(available_until__gt=at),
            channel=channel,
            published=True,
        )


class ProductListing(models.Model):
    """A product on one channel: whether it is published there, when, and the channel's overrides."""

    product = ParentalKey("catalog.Product", on_delete=models.CASCADE, related_name="channel_listings")
    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="listings")
    published = models.BooleanField("published on this channel", default=True)
    available_from = models.DateTimeField(null=True, blank=True)
    available_until = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=255, blank=True, help_text="Leave empty to use the product's title.")
    summary = models.TextField(blank=True, max_length=500)
    description = RichTextField(blank=True, features=DESCRIPTION_FEATURES)
    channel_category = models.CharField(
        max_length=255,
        blank=True,
        help_text="Google product category id (e.g. 5598), Amazon product type (e.g. SHIRT), or the channel's own.",
    )
    attributes = AttributeValuesField(
        "channel attributes",
        help_text="One per line, e.g. “condition: new”, “gender: unisex”, “identifier_exists: no”.",
    )

    objects = ProductListingQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("channel"), FieldPanel("published")]),
        FieldRowPanel([FieldPanel("available_from"), FieldPanel("available_until")]),
        MultiFieldPanel([FieldPanel("title"), FieldPanel("summary"), FieldPanel("description")], heading="Overrides"),
        FieldPanel("channel_category"),
        FieldPanel("attributes"),
    ]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "channel"], name="unique_listing_per_channel")]

    def __str__(self) -> str:
        return f"{self.product} on {self.channel}" if self.channel_id else str(self.product)

    def clean(self):
        super().clean()
        errors: dict[str, str] = {}
        if self.available_from and self.available_until and self.available_until <= self.available_from:
            errors["available_until"] = "Must be after “available from”."
        if self.channel_id:
            cleaned, attribute_errors = clean_channel_attributes(self.channel.kind, self.attributes)
            if attribute_errors:
                errors["attributes"] = " ".join(f"{key}: {message}" for key, message in attribute_errors.items())
            else:
                self.attributes = cleaned
        if errors:
            raise ValidationError(errors)


class ProductListingImage(Orderable):
    """One image of a product's subset for a channel, in the channel's order (none: the product's images)."""

    product = ParentalKey("catalog.Product", on_delete=models.CASCADE, related_name="channel_images")
    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="+")
    image = models.ForeignKey("media.CustomImage", on_delete=models.CASCADE, related_name="+")

    panels = [FieldRowPanel([FieldPanel("channel"), FieldPanel("image")])]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["product", "channel", "image"], name="unique_listing_image")]


class VariantListing(models.Model):
    """A variant on one channel: its price in the channel's currency, sale, availability override."""

    class Availability(models.TextChoices):
        FROM_STOCK = "", "From stock"
        IN_STOCK = "in_stock", "In stock"
        OUT_OF_STOCK = "out_of_stock", "Out of stock"
        PREORDER = "preorder", "Pre-order"
        BACKORDER = "backorder", "Backorder"

    product = ParentalKey("catalog.Product", on_delete=models.CASCADE, related_name="variant_listings")
    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="variant_listings")
    sku = models.CharField("SKU", max_length=SKU_MAX_LENGTH, help_text="The SKU of one of this product's variants.")
    published = models.BooleanField("sold on this channel", default=True)
    currency = models.CharField(
        max_length=3, blank=True, validators=[validate_currency_code], help_text="Empty: the channel's currency."
    )
    price = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    sale_price = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    sale_start = models.DateTimeField(null=True, blank=True)
    sale_end = models.DateTimeField(null=True, blank=True)
    availability = models.CharField(max_length=12, choices=Availability.choices, blank=True, default="")
    availability_date = models.DateTimeField(
        null=True, blank=True, help_text="When a pre-ordered or back-ordered item ships."
    )

    panels = [
        FieldRowPanel([FieldPanel("channel"), FieldPanel("sku"), FieldPanel("published")]),
        FieldRowPanel([FieldPanel("price"), FieldPanel("sale_price"), FieldPanel("currency")]),
        FieldRowPanel([FieldPanel("sale_start"), FieldPanel("sale_end")]),
        FieldRowPanel([FieldPanel("availability"), FieldPanel("availability_date")]),
    ]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "channel", "sku"], name="unique_variant_listing"),
            models.CheckConstraint(condition=Q(price__gte=0), name="variant_listing_price_not_negative"),
            models.CheckConstraint(condition=Q(sale_price__gte=0), name="variant_listing_sale_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} on {self.channel}" if self.channel_id else self.sku

    def save(self, *args, **kwargs):
        if not self.currency and self.channel_id:
            self.currency = self.channel.currency
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if not self.currency and self.channel_id:
            self.currency = self.channel.currency
        errors: dict[str, str] = {}
        errors |= validate_amount_for_currency(self.price, self.currency, "price")
        errors |= validate_amount_for_currency(self.sale_price, self.currency, "sale_price")
        if self.sale_price is not None and self.price is None:
            errors["price"] = "A sale price needs a regular price."
        if self.sale_start and self.sale_end and self.sale_end <= self.sale_start:
            errors["sale_end"] = "Must be after the sale start."
        if errors:
            raise ValidationError(errors)
