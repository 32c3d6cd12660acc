"""Validators for product identifiers."""

import unicodedata

from django.core.exceptions import ValidationError

GTIN_LENGTHS = (8, 12, 13, 14)
# The longest SKU the hub keeps: every column, form and schema that holds one takes its length from here.
SKU_MAX_LENGTH = 64


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


# What a SKU may hold (README, "What a SKU may hold"): it is the item id of every feed (Google `id`, Meta `id`,
# Amazon `sku`) and goes into URLs, so it holds only visible characters that survive TSV, CSV, XML and URLs
# unchanged. Unicode general categories, by first letter: Letters, Marks, Numbers, Punctuation, Symbols.
SKU_CHARACTER_CATEGORIES = frozenset("LMNPS")
SKU_CHARACTERS_HINT = "Use letters, digits, punctuation, symbols and single spaces (what marketplace feeds accept)."
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")


def _is_sku_character(character: str) -> bool:
    return character == " " or unicodedata.category(character)[0] in SKU_CHARACTER_CATEGORIES


def _describe(character: str) -> str:
    """How a message names a character the editor may not see."""
    if character in _LINE_BREAKS:
        return "a line break"
    if character == "\t":
        return "a tab"
    name = unicodedata.name(character, "")
    return f"the character U+{ord(character):04X}{f' {name}' if name else ''}"


def validate_sku(sku: str) -> None:
    """Refuse what breaks a feed row or a URL, or what a marketplace would change so the SKU no longer matches:
    line breaks, tabs and other control, invisible or unassigned characters; spaces other than single plain
    spaces between other characters (Google trims an id and collapses its inner whitespace)."""
    for position, character in enumerate(sku, start=1):
        if not _is_sku_character(character):
            raise ValidationError(
                f"A SKU cannot contain {_describe(character)} (character {position}). {SKU_CHARACTERS_HINT}",
                code="sku_character",
            )
    if sku != sku.strip(" "):
        raise ValidationError(
            "A SKU cannot start or end with a space: marketplaces trim it, and the SKU would no longer match.",
            code="sku_edge_space",
        )
    if "  " in sku:
        raise ValidationError(
            "A SKU cannot contain two spaces in a row: Google collapses them, and the SKU would no longer match.",
            code="sku_double_space",
        )
