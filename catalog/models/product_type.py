"""Product types define typed attributes, and which of them distinguish variants (size, colour …)."""

from decimal import Decimal, InvalidOperation

from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable
from wagtail.search import index

TRUE_WORDS = {"yes", "true", "1", "y", "on"}
FALSE_WORDS = {"no", "false", "0", "n", "off"}


class MarketplaceAttribute(models.TextChoices):
    """The variant facts the marketplace feeds send (feeds.md: Google, Meta and Amazon all take these)."""

    COLOR = "color", "Colour"
    SIZE = "size", "Size"
    MATERIAL = "material", "Material"
    PATTERN = "pattern", "Pattern"
    GENDER = "gender", "Gender"
    AGE_GROUP = "age_group", "Age group"


class Attribute(index.Indexed, ClusterableModel):
    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        NUMBER = "number", "Number with unit"
        BOOLEAN = "boolean", "Yes / no"
        CHOICE = "choice", "Choice from allowed values"

    code = models.SlugField(max_length=60, unique=True, help_text="Key used in values and in the API, e.g. “color”.")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    unit = models.CharField(max_length=20, blank=True, help_text="For numbers: cm, kg, ml …")
    # Marketplaces know a fixed set of variant facts: an item group's items must differ in them (Google
    # rejects shoes without a size). An attribute of another name says which one it stands for.
    marketplace_attribute = models.CharField(
        "sent to marketplaces as",
        max_length=20,
        blank=True,
        choices=MarketplaceAttribute.choices,
        help_text="Sent to Google, Meta and Amazon as this attribute when a product has none of that name, "
        "e.g. “Shoe size (EU)” as size.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("kind"),
        FieldPanel("unit"),
        FieldPanel("marketplace_attribute"),
        InlinePanel("options", label="Allowed values (for choices)"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("code")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_marketplace_attribute = instance.marketplace_attribute
        return instance

    @property
    def marketplace_attribute_changed(self) -> bool:
        """Whether what the attribute stands for differs from what was loaded (post_save receivers ask)."""
        return getattr(self, "_loaded_marketplace_attribute", "") != self.marketplace_attribute

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._loaded_marketplace_attribute = self.marketplace_attribute  # after the receivers have asked

    def product_type_ids(self) -> list[int]:
        return list(ProductTypeAttribute.objects.filter(attribute=self).values_list("product_type_id", flat=True))

    def parse(self, raw) -> tuple[object, str | None]:
        """The typed value of a raw input and None, or None and why it is not valid for this attribute."""
        text = str(raw).strip()
        if self.kind == self.Kind.NUMBER:
            try:
                number = Decimal(text)
            except InvalidOperation:
                return None, f"“{text}” is not a number."
            if not number.is_finite():
                return None, f"“{text}” is not a number."
            return (int(number) if number == number.to_integral_value() else float(number)), None
        if self.kind == self.Kind.BOOLEAN:
            if isinstance(raw, bool):
                return raw, None
            if text.lower() in TRUE_WORDS:
                return True, None
            if text.lower() in FALSE_WORDS:
                return False, None
            return None, f"“{text}” is not yes or no."
        if self.kind == self.Kind.CHOICE:
            allowed = [option.value for option in self.options.all()]
            if text not in allowed:
                return None, f"“{text}” is not one of the allowed values: {', '.join(allowed)}."
            return text, None
        return text, None


class AttributeOption(Orderable):
    attribute = ParentalKey(Attribute, on_delete=models.CASCADE, related_name="options")
    value = models.CharField(max_length=120)

    panels = [FieldPanel("value")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["attribute", "value"], name="unique_attribute_option")]

    def __str__(self) -> str:
        return self.value


class ProductType(index.Indexed, ClusterableModel):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), InlinePanel("attribute_links", label="Attributes")]
    search_fields = [index.SearchField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def attributes_for(self, role: str) -> list["ProductTypeAttribute"]:
        links = self.attribute_links.all()
        return [link for link in links if link.role == role]

    def clean_values(self, values: dict, role: str) -> tuple[dict, dict[str, str]]:
        """Typed values and the errors by attribute code, checked against the attributes of `role`."""
        links = {link.attribute.code: link for link in self.attributes_for(role)}
        cleaned: dict = {}
        errors: dict[str, str] = {}
        for code, raw in (values or {}).items():
            link = links.get(code)
            if link is None:
                known = ", ".join(links) or "none"
                errors[code] = f"“{code}” is not an attribute of {self.name} (known: {known})."
                continue
            if raw in (None, ""):
                continue
            value, problem = link.attribute.parse(raw)
            if problem:
                errors[code] = problem
            else:
                cleaned[code] = value
        for code, link in links.items():
            if link.required and code not in cleaned and code not in errors:
                errors[code] = f"“{link.attribute.name}” is required for {self.name}."
        return cleaned, errors


class ProductTypeAttribute(Orderable):
    class Role(models.TextChoices):
        PRODUCT = "product", "Product attribute"
        VARIANT = "variant", "Distinguishes variants (option)"

    product_type = ParentalKey(ProductType, on_delete=models.CASCADE, related_name="attribute_links")
    attribute = models.ForeignKey(Attribute, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.PRODUCT)
    required = models.BooleanField(default=False)

    panels = [FieldPanel("attribute"), FieldPanel("role"), FieldPanel("required")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["product_type", "attribute"], name="unique_product_type_attribute")
        ]
