"""Who holds a unique value (a slug, a SKU) that another product wants: what the conflict messages name."""

from dataclasses import dataclass


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
