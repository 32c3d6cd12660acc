from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.models import Orderable

from catalog.fields import AttributeValuesField
from catalog.models.holder import HeldUniqueMixin, Holder
from catalog.models.sku_claim import SkuClaim
from catalog.money import validate_amount_for_currency, validate_currency_code
from catalog.validators import SKU_MAX_LENGTH, validate_gtin, validate_sku


class Variant(HeldUniqueMixin, Orderable):
    """A sellable unit of a product; part of the product aggregate (edited and published with it)."""

    class WeightUnit(models.TextChoices):
        G = "g", "g"
        KG = "kg", "kg"
        LB = "lb", "lb"
        OZ = "oz", "oz"

    product = ParentalKey("catalog.Product", on_delete=models.CASCADE, related_name="variants")
    # validate_sku applies to new variants (clean) and changed SKUs (VariantForm.clean_sku), not on the field: a
    # SKU stored before the rule must not block every later edit of its product (renaming it would break its
    # identity at the marketplaces and in past orders).
    sku = models.CharField("SKU", max_length=SKU_MAX_LENGTH, unique=True)
    gtin = models.CharField(
        "GTIN", max_length=14, blank=True, validators=[validate_gtin], help_text="EAN/UPC: 8, 12, 13 or 14 digits."
    )
    mpn = models.CharField("MPN", max_length=70, blank=True, help_text="Manufacturer part number.")
    options = AttributeValuesField(help_text="The values that tell this variant apart, one per line, e.g. “size: M”.")
    weight = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    weight_unit = models.CharField(max_length=2, choices=WeightUnit.choices, default=WeightUnit.KG)
    price = models.DecimalField(max_digits=14, decimal_places=4, help_text="Base price, before channel prices.")
    currency = models.CharField(max_length=3, default="USD", validators=[validate_currency_code])
    compare_at_price = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, help_text="The former price shown struck through."
    )
    active = models.BooleanField(default=True)

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="variant_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.sku

    held_field, held_label = "sku", "SKU"

    def value_holder(self, value: str) -> Holder | None:
        """The catalog's SKU rule (sku_holders), which also sees the SKUs other products' drafts claim."""
        return sku_holders([value], other_than=self.product_id).get(value)

    def validate_constraints(self, exclude=None):
        # clean() refuses a negative price without a query (validate_amount_for_currency); Django would check
        # variant_price_not_negative with one query per variant, so per row of the product form.
        super().validate_constraints(exclude={*(exclude or ()), "price"})

    def clean(self):
        super().clean()
        errors: dict[str, str | ValidationError] = {}
        if self.pk is None:  # a new variant; an existing one's changed SKU is checked by the product form
            errors |= _sku_errors(self.sku)
        errors |= validate_amount_for_currency(self.price, self.currency, "price")
        errors |= validate_amount_for_currency(self.compare_at_price, self.currency, "compare_at_price")
        if self.weight is not None and self.weight < 0:
            errors["weight"] = "Must not be negative."
        product_type = self._product_type()
        if product_type is not None:
            cleaned, option_errors = product_type.clean_values(self.options, "variant")
            if option_errors:
                errors["options"] = " ".join(f"{code}: {message}" for code, message in option_errors.items())
            else:
                self.options = cleaned
        if errors:
            raise ValidationError(errors)

    def _product_type(self):
        """The product type the options are checked against (the product form sets it before variants)."""
        product_field = self._meta.get_field("product")
        if not product_field.is_cached(self) and self.product_id is None:
            return None
        return getattr(self.product, "product_type", None) if self.product.product_type_id else None


def _sku_errors(sku: str) -> dict[str, ValidationError]:
    try:
        validate_sku(sku)
    except ValidationError as error:
        return {"sku": error}  # with its code
    return {}


def sku_holders(skus: Iterable[str], *, other_than: int | None) -> dict[str, Holder]:
    """The SKU rule, in one place: a SKU belongs to the product that has it in a variant row or in a claim.

    Returns, for each of `skus` that a product other than `other_than` holds, that product. Variant rows
    are what the unique constraint guards (a live version, or a never-published product's draft); claims
    add the SKUs of latest drafts (SkuClaim). One query however many SKUs: the product form asks for all
    its variants at once (VariantFormSet), and so does catalog.models.product.publish_conflicts.
    """
    skus = {sku for sku in skus if sku}
    if not skus:
        return {}
    from_row = models.Value(True, output_field=models.BooleanField())
    from_claim = models.Value(False, output_field=models.BooleanField())
    claims = SkuClaim.objects.filter(sku__in=skus).annotate(from_row=from_claim, holder_live=from_claim)
    rows = Variant.objects.filter(sku__in=skus).annotate(from_row=from_row, holder_live=models.F("product__live"))
    if other_than is not None:
        claims, rows = claims.exclude(product_id=other_than), rows.exclude(product_id=other_than)
    columns = ("sku", "product_id", "product__title", "holder_live", "from_row")
    holders: dict[str, Holder] = {}
    both = claims.order_by().values_list(*columns).union(rows.order_by().values_list(*columns), all=True)
    for sku, product_id, title, live, is_row in both:
        if is_row or sku not in holders:  # the row is what a publish would collide with
            holders[sku] = Holder(product_id, title, live=bool(live))
    return holders
