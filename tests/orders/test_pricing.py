"""Pure pricing functions: no database."""

from decimal import Decimal

from orders.pricing import Tender, amount_due, cart_totals, line_total, tendered


def test_line_total_rounds_half_up_to_the_currency():
    assert line_total(Decimal("0.125"), 1, "USD") == Decimal("0.13")
    assert line_total(Decimal("333.5"), 1, "JPY") == Decimal("334")


def test_cart_totals_and_amount_due():
    totals = cart_totals(
        line_totals=[Decimal("1.25"), Decimal("2.52")],
        shipping_prices=[Decimal("2")],
        discounts=Decimal(0),
        currency="USD",
    )

    assert totals.amount_due_before_tax == Decimal("5.77")
    assert amount_due(totals, Decimal("5.5"), "USD") == Decimal("11.27")


def test_tendered_converts_each_payment_into_the_cart_currency():
    paid = tendered([Tender(Decimal("12.00"), Decimal(1)), Tender(Decimal("8.00"), Decimal("1.25"))], "USD")

    assert paid == Decimal("22.00")


def test_tendered_in_yen():
    assert tendered([Tender(Decimal("10"), Decimal("150.5"))], "JPY") == Decimal("1505")
