import pytest
from django.core.exceptions import ValidationError

from catalog.validators import is_valid_gtin, validate_gtin

# Real codes: a GTIN-8 (EAN-8), a UPC-A (GTIN-12), EAN-13s and a GTIN-14 case code.
VALID_GTINS = ["96385074", "036000291452", "4006381333931", "5901234123457", "9780306406157", "10012345678902"]


@pytest.mark.parametrize("code", VALID_GTINS)
def test_valid_gtins_pass(code):
    validate_gtin(code)
    assert is_valid_gtin(code)


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("4006381333932", "gtin_check_digit"),  # last digit changed
        ("036000291451", "gtin_check_digit"),
        ("96385075", "gtin_check_digit"),
        ("400638133393", "gtin_check_digit"),  # a 12-digit code whose check digit is wrong for UPC
        ("40063813339", "gtin_length"),  # 11 digits
        ("4006381333931X", "gtin_digits"),
        ("４００６３８１３３３９３１", "gtin_digits"),  # full-width digits are not ASCII
        ("", "gtin_digits"),
    ],
)
def test_invalid_gtins_fail_with_a_reason(code, error_code):
    with pytest.raises(ValidationError) as raised:
        validate_gtin(code)
    assert raised.value.code == error_code
    assert not is_valid_gtin(code)


def test_check_digit_message_names_the_expected_digit():
    with pytest.raises(ValidationError) as raised:
        validate_gtin("4006381333932")
    assert "expected 1, got 2" in raised.value.messages[0]
