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
    """The free-text variant facts the marketplace feeds send (feeds.md): Google and Meta take all four, Amazon
    color, size and material. Gender and age group are not among them: their values are enums that the
    completeness rules check on the listing or product attribute of that name."""

    COLOR = "color", "Colour"
    SIZE = "size", "Size"
    MATERIAL = "material", "Material"
    PATTERN = "pattern", "Pattern"


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

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_feed_facts = instance.feed_facts()
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._loaded_feed_facts = self.feed_facts()

    def feed_facts(self) -> tuple:
        """What the marketplace feeds take from this attribute's definition: the code of the variant option or
        product attribute they read, the unit they write after a value, and the fact it stands for. Read from
        the instance's fields as loaded (a deferred field is not fetched for this)."""
        fields = self.__dict__
        return (fields.get("code"), fields.get("unit"), fields.get("marketplace_attribute"))

    @property
    def feeds_see_a_change(self) -> bool:
        """Whether saving this changes what feeds send: its facts differ from those loaded (a new attribute is
        in no product type yet) and it stands, or stood, for a marketplace fact, by its mark or its code."""
        loaded = getattr(self, "_loaded_feed_facts", None)
        if loaded is None or loaded == self.feed_facts():
            return False
        loaded_code, _, loaded_mark = loaded
        facts = MarketplaceAttribute.values
        return bool(loaded_mark or self.marketplace_attribute) or loaded_code in facts or self.code in facts

    @property
    def concerns_feeds(self) -> bool:
        """Whether feeds read this attribute: it stands for a marketplace fact, by its mark or its code."""
        return bool(self.marketplace_attribute) or self.code in MarketplaceAttribute.values

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._loaded_feed_facts = self.feed_facts()  # after the post_save receivers have asked

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

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_place = instance.place()
        return instance

    def place(self) -> tuple:
        """Which attribute the link adds and where, as the feeds see it (the first marked one wins)."""
        fields = self.__dict__
        return (fields.get("attribute_id"), fields.get("sort_order"))

    @property
    def moved(self) -> bool:
        """New, or another attribute or place than loaded (a product type's form saves every link each time)."""
        return getattr(self, "_loaded_place", None) != self.place()

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._loaded_place = self.place()  # after the post_save receivers have asked

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["product_type", "attribute"], name="unique_product_type_attribute")
        ]
