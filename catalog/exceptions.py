"""Errors of the catalog's rules that callers turn into a message (a form error, an admin message, a log line)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from wagtail.utils.forms import FormValidationError


@dataclass(frozen=True)
class Conflict:
    """One thing a revision would take from another product (its slug, a SKU), and what the editor should change."""

    message: str
    fix: str


class PublishConflictError(ValidationError):
    """A publish refused because another product holds the revision's slug or one of its SKUs; nothing was written."""

    def __init__(self, product, conflicts: list[Conflict]):
        self.product = product
        self.conflicts = conflicts
        fixes = ", ".join(dict.fromkeys(conflict.fix for conflict in conflicts))
        super().__init__(
            f"“{product}” was not published: {' '.join(conflict.message for conflict in conflicts)} "
            f"Its draft is kept: {fixes} and publish again."
        )


class HeldValueTakenError(FormValidationError):
    """A product form's save refused: another product took its slug or a SKU after the form was validated.

    The form carries the errors (on the slug, on each variant's SKU), as if its validation had found them;
    the caller's transaction rolls back, so nothing of the save is kept.
    """
