"""Who holds a unique value (a slug, a SKU) that another product wants: what the conflict messages name."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Holder:
    """Another product that uses a value: in its live version (`live`) or in a draft."""

    product_id: int
    title: str
    live: bool

    def message(self, label: str, value: str) -> str:
        """E.g. message("SKU", "LS-1"): SKU “LS-1” is already used by the live product “Linen Shirt”."""
        if self.live:
            return f"{label} “{value}” is already used by the live product “{self.title}”."
        return f"{label} “{value}” is already used in a draft of the product “{self.title}”."


class HeldUniqueMixin:
    """A model with a unique field whose values other products may hold (`held_field`, e.g. the slug): its
    `validate_unique` asks `value_holder` instead of Django's plain unique check, so a form's error names
    the product that holds the value, and also sees what only a draft holds where the rule says so."""

    held_field: str
    held_label: str  # how messages name the field: "Slug", "SKU"

    def value_holder(self, value: str) -> Holder | None:
        """Who holds `value`, by the model's own rule (Product: slug_holder; Variant: sku_holders)."""
        raise NotImplementedError(f"{type(self).__name__} must say who holds its {self.held_field}")

    def validate_unique(self, exclude=None):
        exclude = set(exclude or ())
        errors: dict[str, list[str]] = {}
        value = getattr(self, self.held_field)
        if self.held_field not in exclude and value:
            exclude.add(self.held_field)
            holder = self.value_holder(value)
            if holder is not None:
                errors[self.held_field] = [holder.message(self.held_label, value)]
        try:
            super().validate_unique(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
