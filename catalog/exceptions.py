"""Errors of the catalog's rules that callers turn into a message (a form error, an admin message, a log line)."""

from django.core.exceptions import ValidationError


class SkuConflictError(ValidationError):
    """A publish refused because another product holds one of the revision's SKUs; nothing was written."""

    def __init__(self, product, messages: list[str]):
        self.product = product
        super().__init__(
            f"“{product}” was not published: {' '.join(messages)} "
            "Its draft is kept: give the variant another SKU and publish again."
        )
