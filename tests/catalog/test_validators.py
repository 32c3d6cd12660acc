import pytest
from django.core.exceptions import ValidationError

from catalog.models import Variant
from catalog.validators import is_valid_gtin, validate_gtin, validate_sku

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


# Letters of any script, digits, punctuation and symbols, single inner spaces: what Google's `id` and Amazon's
# seller SKU accept and what survives TSV, CSV, XML and (percent-encoded) URLs unchanged.
VALID_SKUS = ["LS-1", "SKU-000001", "A.B_C/D", "Größe-42", "ТОВАР-7", "商品-1", "क्षि-1", "No 5 (red)", "50%+1#2"]


@pytest.mark.parametrize("sku", VALID_SKUS)
def test_valid_skus_pass(sku):
    validate_sku(sku)


@pytest.mark.parametrize(
    ("sku", "error_code", "message"),
    [
        ("LS\t1", "sku_character", "A SKU cannot contain a tab (character 3)."),
        ("LS-1\n", "sku_character", "A SKU cannot contain a line break (character 5)."),
        ("LS\r\n1", "sku_character", "A SKU cannot contain a line break (character 3)."),
        ("LS\u20281", "sku_character", "A SKU cannot contain a line break (character 3)."),
        ("LS\x001", "sku_character", "A SKU cannot contain the character U+0000 (character 3)."),
        ("LS\x7f1", "sku_character", "A SKU cannot contain the character U+007F (character 3)."),
        ("\ufeffLS-1", "sku_character", "A SKU cannot contain the character U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("LS\u00a01", "sku_character", "A SKU cannot contain the character U+00A0 NO-BREAK SPACE (character 3)."),
        ("LS\ue0001", "sku_character", "A SKU cannot contain the character U+E000 (character 3)."),  # private use
        (" LS-1", "sku_edge_space", "A SKU cannot start or end with a space"),
        ("LS-1 ", "sku_edge_space", "A SKU cannot start or end with a space"),
        ("LS  1", "sku_double_space", "A SKU cannot contain two spaces in a row"),
    ],
)
def test_skus_that_break_feeds_or_change_at_a_marketplace_fail_with_a_reason(sku, error_code, message):
    with pytest.raises(ValidationError) as raised:
        validate_sku(sku)
    assert raised.value.code == error_code
    assert raised.value.messages[0].startswith(message)


def test_character_message_says_what_a_sku_may_hold():
    with pytest.raises(ValidationError) as raised:
        validate_sku("LS\t1")
    assert raised.value.messages[0] == (
        "A SKU cannot contain a tab (character 3). "
        "Use letters, digits, punctuation, symbols and single spaces (what marketplace feeds accept)."
    )


def test_a_new_variant_checks_its_sku_in_clean_and_a_stored_one_is_left_to_the_form():
    with pytest.raises(ValidationError) as raised:
        Variant(sku="LS\n1").clean()

    assert raised.value.message_dict["sku"][0].startswith("A SKU cannot contain a line break (character 3).")
    assert raised.value.error_dict["sku"][0].code == "sku_character"
    Variant(pk=1, sku="LS\n1").clean()  # stored before the rule: only a changed SKU is checked (VariantForm)
