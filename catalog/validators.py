"""Validators for product identifiers."""

from django.core.exceptions import ValidationError

GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_check_digit(body: str) -> int:
    """GS1 check digit for the digits before it: weights 3,1,3,1… from the right."""
    # The digits at even places from the right weigh 3, the others 1 (slices: a feed checks every GTIN).
    total = 3 * sum(map(int, body[::-1][0::2])) + sum(map(int, body[::-1][1::2]))
    return (10 - total % 10) % 10


def is_valid_gtin(code: str) -> bool:
    return (
        code.isdigit() and code.isascii() and len(code) in GTIN_LENGTHS and gtin_check_digit(code[:-1]) == int(code[-1])
    )


def validate_gtin(code: str) -> None:
    """A GTIN-8, -12 (UPC), -13 (EAN) or -14 with a correct GS1 check digit."""
    if not code.isdigit() or not code.isascii():
        raise ValidationError("A GTIN has digits only.", code="gtin_digits")
    if len(code) not in GTIN_LENGTHS:
        raise ValidationError(f"A GTIN has 8, 12, 13 or 14 digits; this one has {len(code)}.", code="gtin_length")
    expected = gtin_check_digit(code[:-1])
    if expected != int(code[-1]):
        raise ValidationError(
            f"The GS1 check digit is wrong: expected {expected}, got {code[-1]}.", code="gtin_check_digit"
        )
