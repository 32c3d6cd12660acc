"""Stock reservation. Callers run these inside a transaction; rows are locked in primary-key order (so two
checkouts never deadlock) and changed with F() expressions in one UPDATE whatever the number of rows."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from django.db import models
from django.db.models import Case, F, QuerySet, Value, When
from django.db.models.functions import Now

from catalog.models import StockLevel
from channels.catalog_version import catalog_changed_at_commit
from hub.statements import Ids, rows_for_ids, update_for
from orders.exceptions import OutOfStock


@dataclass(frozen=True, slots=True)
class Allocation:
    variant_id: int
    stock_level_id: int
    quantity: int


class _Level(NamedTuple):
    pk: int
    variant_id: int
    on_hand: int
    reserved: int


def stock_reserve(demands: Mapping[int, int]) -> list[Allocation]:
    """Reserve units per variant (reserved += n where on_hand − reserved ≥ n), or raise OutOfStock.

    Must run inside transaction.atomic(): the rows stay locked until it commits.
    """
    allocations = stock_allocate(demands)
    stock_add_reserved(allocations)
    return allocations


def stock_allocate(demands: Mapping[int, int]) -> list[Allocation]:
    """Lock the variants' stock rows and choose the units to take from each, or raise OutOfStock; the reservation
    itself is the caller's next write (stock_add_reserved, or the checkout's one statement on PostgreSQL).

    Must run inside transaction.atomic(): the rows stay locked until it commits.
    """
    rows = rows_for_ids(("orders.stock_reserve",), _levels_to_lock, list(demands))
    return allocate_from_locked(demands, rows)


def allocate_from_locked(demands: Mapping[int, int], rows: Iterable[tuple[int, int, int, int]]) -> list[Allocation]:
    """Choose the units to take from stock rows already locked, (pk, variant id, on hand, reserved) in pk order, or
    raise OutOfStock naming every short variant. (The checkout's order statement locks them on PostgreSQL.)"""
    by_variant: dict[int, list[_Level]] = defaultdict(list)
    for row in rows:
        level = _Level(*row)
        by_variant[level.variant_id].append(level)
    allocations: list[Allocation] = []
    shortages: dict[int, tuple[int, int]] = {}
    for variant_id, wanted in demands.items():
        levels = by_variant.get(variant_id, [])
        available = sum(max(level.on_hand - level.reserved, 0) for level in levels)
        if available < wanted:
            shortages[variant_id] = (wanted, available)
            continue
        allocations.extend(_allocate(variant_id, wanted, levels))
    if shortages:
        raise OutOfStock(shortages)
    return allocations


def stock_add_reserved(allocations: list[Allocation]) -> None:
    """reserved += the allocated units, on rows stock_allocate() locked."""
    _add(allocations, reserved=1)


def units_per_level(allocations: Iterable[Allocation]) -> dict[int, int]:
    """Allocated units summed per stock row."""
    per_level: dict[int, int] = defaultdict(int)
    for allocation in allocations:
        per_level[allocation.stock_level_id] += allocation.quantity
    return dict(per_level)


def _levels_to_lock(variant_ids: list[int]) -> QuerySet:
    # FOR NO KEY UPDATE: enough to change quantities, and it does not block inserts that merely reference a row.
    return (
        StockLevel.objects.select_for_update(no_key=True)
        .filter(variant_id__in_ids=variant_ids)
        .order_by("pk")
        .values_list("pk", "variant_id", "on_hand", "reserved")
    )


def stock_release(allocations: Iterable[Allocation]) -> None:
    """Give reserved units back (a cancelled order)."""
    _add(_locked(allocations), reserved=-1)


def stock_fulfil(allocations: Iterable[Allocation]) -> None:
    """Reserved units leave the warehouse: on_hand and reserved both go down."""
    _add(_locked(allocations), reserved=-1, on_hand=-1)


def _allocate(variant_id: int, wanted: int, rows: list[_Level]) -> list[Allocation]:
    """Fill from the lowest-id location first; a line may span locations."""
    result = []
    for level in rows:
        take = min(wanted, max(level.on_hand - level.reserved, 0))
        if take:
            result.append(Allocation(variant_id=variant_id, stock_level_id=level.pk, quantity=take))
            wanted -= take
        if not wanted:
            break
    return result


def _locked(allocations: Iterable[Allocation]) -> list[Allocation]:
    allocations = list(allocations)
    ids = sorted({allocation.stock_level_id for allocation in allocations})
    list(StockLevel.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    return allocations


def _add(allocations: list[Allocation], *, reserved: int = 0, on_hand: int = 0) -> None:
    """One UPDATE for all rows: column = column + sign × (the row's quantity), compiled once per number of rows."""
    if not allocations:
        return
    per_level = units_per_level(allocations)
    pairs = [value for pk, quantity in per_level.items() for value in (pk, quantity)]

    def build(pks: Ids, *pairs: int) -> tuple[QuerySet, dict]:
        delta = Case(
            *(When(pk=pk, then=Value(quantity)) for pk, quantity in zip(pairs[::2], pairs[1::2], strict=True)),
            default=Value(0),
            output_field=models.IntegerField(),
        )
        changes: dict = {"updated_at": Now()}
        if reserved:
            changes["reserved"] = F("reserved") + delta * reserved
        if on_hand:
            changes["on_hand"] = F("on_hand") + delta * on_hand
        return StockLevel.objects.filter(pk__in_ids=list(pks)), changes

    update_for(("orders.stock_add", len(per_level), reserved, on_hand), build, Ids(per_level), *pairs)
    catalog_changed_at_commit()  # not now: the rows are still locked (a shared cache is a network call)
