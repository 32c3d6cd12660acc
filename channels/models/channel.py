import re
from urllib.parse import quote

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from catalog.money import validate_currency_code
from channels.rules.kinds import rules_digest

FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class FieldNamesFormField(forms.CharField):
    """Edits a list of field names as comma- or line-separated text."""

    widget = forms.Textarea(attrs={"rows": 2, "placeholder": "e.g. summary, gender, material"})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value or ""

    def to_python(self, value):
        if isinstance(value, list):
            return value
        names = [name.strip() for name in re.split(r"[,\n]", value or "") if name.strip()]
        bad = [name for name in names if not FIELD_NAME.match(name)]
        if bad:
            raise ValidationError(f"Not a field name: {', '.join(bad)} (lower-case letters, digits, _).")
        return list(dict.fromkeys(names))


class FieldNamesField(models.JSONField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return FieldNamesFormField(
            required=not self.blank, label=self.verbose_name.capitalize(), help_text=self.help_text
        )


class Channel(models.Model):
    """A sales channel: a storefront, a POS, or a marketplace. Its kind selects the built-in rule set."""

    class Kind(models.TextChoices):
        STOREFRONT = "storefront", "Storefront"
        POS = "pos", "Point of sale"
        GOOGLE = "google", "Google Shopping"
        META = "meta", "Meta (Facebook / Instagram)"
        AMAZON = "amazon", "Amazon"
        MARKETPLACE = "marketplace", "Generic marketplace"

    code = models.SlugField(max_length=40, unique=True, help_text="Used in URLs, e.g. /feeds/google-us/.")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    currency = models.CharField(max_length=3, validators=[validate_currency_code], help_text="ISO 4217, e.g. USD.")
    default_locale = models.CharField(max_length=10, default="en-US", help_text="BCP 47, e.g. en-US or de-DE.")
    country = models.CharField(max_length=2, help_text="ISO 3166 alpha-2, e.g. US.")
    product_url_template = models.CharField(
        max_length=500,
        blank=True,
        help_text="Storefront product URL; {slug}, {sku} and {id} are replaced, e.g. https://shop.example.com/p/{slug}?sku={sku}",
    )
    active = models.BooleanField(default=True)
    required_fields = FieldNamesField(
        help_text="Fields this channel requires on top of its kind's built-in rules, e.g. “summary, gender, "
        "material” (product or channel attribute codes are accepted too)."
    )

    # The rules the stored completeness was computed with (`channels.rules.kinds.rules_digest`); set by the task
    # that recomputes it, and compared after each full `migrate` to find channels a release's rules changed.
    completeness_rules = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_rules = instance.rules_signature()
        return instance

    def rules_signature(self) -> tuple:
        """Everything that changes what completeness says about a product on this channel."""
        return (
            self.kind,
            tuple(self.required_fields or ()),
            self.currency,
            self.default_locale,
            self.product_url_template,
            self.active,
        )

    @property
    def rules_changed(self) -> bool:
        """True for a new channel, or when a rule-relevant field differs from what was loaded."""
        return getattr(self, "_loaded_rules", None) != self.rules_signature()

    def current_rules_digest(self) -> str:
        return rules_digest(self.kind, tuple(self.required_fields or ()))

    def mark_rules_current(self) -> None:
        self._loaded_rules = self.rules_signature()

    def product_url(self, *, slug: str, sku: str = "", product_id: int | str = "") -> str:
        """The storefront URL of a product from the template, or "" when the channel has none."""
        if not self.product_url_template:
            return ""
        # A SKU may hold spaces, slashes, "&" or "#" (catalog.validators.validate_sku): percent-encoded, it stays
        # one path segment or one query value wherever the template puts it. Slugs and ids are URL-safe.
        return (
            self.product_url_template.replace("{slug}", slug)
            .replace("{sku}", quote(sku, safe=""))
            .replace("{id}", str(product_id))
        )
