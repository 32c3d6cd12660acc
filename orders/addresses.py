"""Countries arrive as ISO 3166 alpha-2 (`US`) or alpha-3 (`USA`); we store alpha-2. Babel's CLDR data
already ships both, so no extra dependency."""

import re

from babel import Locale
from babel.core import get_global

# CLDR lists a few codes that are not countries (unknown region, outlying Oceania, EU, Eurozone, UN).
_NOT_COUNTRIES = {"ZZ", "QO", "EU", "EZ", "UN"}
ALPHA2: frozenset[str] = frozenset(
    code for code in Locale("en").territories if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
)
ALPHA3_TO_ALPHA2: dict[str, str] = {
    alias: targets[0]
    for alias, targets in get_global("territory_aliases").items()
    if len(alias) == 3 and alias.isalpha() and len(targets) == 1 and targets[0] in ALPHA2
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def normalise_country(value: str) -> str | None:
    """The alpha-2 code for an alpha-2 or alpha-3 code (any case), or None if it is neither."""
    code = value.strip().upper()
    if len(code) == 2:
        return code if code in ALPHA2 else None
    if len(code) == 3:
        return ALPHA3_TO_ALPHA2.get(code)
    return None


def is_email(value: str) -> bool:
    return len(value) <= 254 and bool(_EMAIL.match(value))
