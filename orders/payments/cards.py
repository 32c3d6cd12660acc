"""Card checks that need no gateway: Luhn, last four, brand, expiry. Nothing here keeps or prints a number."""

from dataclasses import dataclass, field
from datetime import date

# (brand, prefixes) checked in order; enough to label the common cards, not to validate them.
_BRAND_PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("American Express", ("34", "37")),
    ("Visa", ("4",)),
    ("Mastercard", tuple(str(n) for n in range(51, 56)) + tuple(str(n) for n in range(2221, 2721))),
    ("Discover", ("6011", "65", *(str(n) for n in range(644, 650)))),
    ("JCB", tuple(str(n) for n in range(3528, 3590))),
    ("Diners Club", ("36", "38", "300", "301", "302", "303", "304", "305")),
)


@dataclass(frozen=True, slots=True)
class CardDetails:
    """What the gateway adapter receives. The number and CVV are kept out of repr, so a stray log line or
    a traceback with locals does not print them."""

    number: str = field(repr=False)
    cvv: str = field(repr=False)
    exp_month: int
    exp_year: int  # four digits
    holder_name: str

    @property
    def last_four(self) -> str:
        return self.number[-4:]

    @property
    def brand(self) -> str:
        return card_brand(self.number)


def luhn_valid(number: str) -> bool:
    if not number.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def card_brand(number: str) -> str:
    for brand, prefixes in _BRAND_PREFIXES:
        if number.startswith(prefixes):
            return brand
    return "Card"


def parse_expiry(mmyy: str) -> tuple[int, int]:
    """`MMYY` → (month, four-digit year). The format is checked when the request is parsed."""
    return int(mmyy[:2]), 2000 + int(mmyy[2:])


def is_expired(exp_month: int, exp_year: int, today: date) -> bool:
    """A card is valid through the last day of its expiry month."""
    return (exp_year, exp_month) < (today.year, today.month)
