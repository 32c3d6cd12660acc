"""Product types define typed attributes, and which of them distinguish variants (size, colour …)."""

from decimal import Decimal, InvalidOperation

from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable
from wagtail.search import index

from .remembered import RemembersFields

TRUE_WORDS = {"yes", "true", "1", "y", "on"}
FALSE_WORDS = {"no", "false", "0", "n", "off"}


class MarketplaceAttribute(models.TextChoices):
    """The free-text variant facts the marketplace feeds send (feeds.md): Google and Meta take all four, Amazon
    color, size and material. Gender and age group are not among them: their values are enums that the
    completeness rules check on the listing or product attribute of that name."""

    COLOR = "color", "Colour"
    SIZE = "size", "Size"
    MATERIAL = "material", "Material"
    PATTERN = "pattern", "Pattern"


class Attribute(RemembersFields, index.Indexed, ClusterableModel):
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
        help_text="Sent to Google and Meta (Amazon: colour, size and material) as this attribute by product types "
        "without an attribute of that name, e.g. “Shoe size (EU)” as size.",
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
    remembered_fields = ("code", "unit", "marketplace_attribute")  # what the feeds take from its definition

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def feeds_see_a_change(self) -> bool:
        """Whether saving this changes what feeds send: the code of the option or attribute they read, the unit
        they write after its values or the fact it stands for changed, and it stands or stood for a marketplace
        fact, by its mark or its code. (A new attribute is in no product type yet: no change.)"""
        if not self.is_remembered or not self.changed_fields():
            return False
        facts = MarketplaceAttribute.values
        was_a_fact = bool(self.remembered("marketplace_attribute")) or self.remembered("code") in facts
        return was_a_fact or self.concerns_feeds

    @property
    def concerns_feeds(self) -> bool:
        """Whether feeds read this attribute: it stands for a marketplace fact, by its mark or its code."""
        return bool(self.marketplace_attribute) or self.code in MarketplaceAttribute.values

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


class ProductTypeAttribute(RemembersFields, Orderable):
    class Role(models.TextChoices):
        PRODUCT = "product", "Product attribute"
        VARIANT = "variant", "Distinguishes variants (option)"

    product_type = ParentalKey(ProductType, on_delete=models.CASCADE, related_name="attribute_links")
    attribute = models.ForeignKey(Attribute, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.PRODUCT)
    required = models.BooleanField(default=False)

    panels = [FieldPanel("attribute"), FieldPanel("role"), FieldPanel("required")]
    remembered_fields = ("attribute_id", "sort_order")  # which attribute it adds, and where

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["product_type", "attribute"], name="unique_product_type_attribute")
        ]

    @property
    def moved(self) -> bool:
        """New, or another attribute or place than remembered (a product type's form saves every link each
        time): which attribute stands for a fact may change (the first marked one wins)."""
        return bool(self.changed_fields())

    def attribute_ids_before_and_after(self) -> set[int]:
        """The attribute the link adds, and the one it added before a change (the form can swap them)."""
        return {self.attribute_id, self.remembered("attribute_id")} - {None}
