"""The sorted SKU files of Amazon builds: bounded sorted runs, escaping, the merge difference."""

import random

import pytest

from channels.feeds.sku_sets import SortedSkuFile, leaving, read_skus


def test_skus_are_sorted_in_runs_flushed_at_the_run_size_and_merged_without_repeats(tmp_path):
    skus = [f"SKU-{n:03d}" for n in range(10)]
    shuffled = skus[:]
    random.Random(4).shuffle(shuffled)
    listed = SortedSkuFile(tmp_path / "skus.txt", run_size=3)
    run_files = []

    for sku in [*shuffled, shuffled[0]]:  # one SKU twice
        listed.add(sku)
        run_files.append(len(list(tmp_path.glob("skus.txt.run-*"))))
    count = listed.finish()

    # A run goes to disk as soon as it holds 3 SKUs: never more than 3 wait in memory.
    assert run_files == [0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert count == 10 and list(read_skus(tmp_path / "skus.txt")) == skus
    assert [path.name for path in tmp_path.iterdir()] == ["skus.txt"]  # the runs are gone


def test_skus_with_line_breaks_and_backslashes_keep_one_line_each_and_read_back_unchanged(tmp_path):
    skus = ["A\nB", "A\\nB", "C\rD", "back\\slash", "", "日本-1", "plain", "trailing\\"]
    listed = SortedSkuFile(tmp_path / "skus.txt", run_size=3)

    for sku in skus:
        listed.add(sku)
    listed.finish()

    assert len((tmp_path / "skus.txt").read_bytes().split(b"\n")) == len(skus) + 1  # one line each, final newline
    assert list(read_skus(tmp_path / "skus.txt")) == sorted(skus)


def test_an_sku_file_out_of_order_is_refused_rather_than_read(tmp_path):
    (tmp_path / "skus.txt").write_text("B\nA\n")

    with pytest.raises(ValueError, match="not a sorted SKU file"):
        list(read_skus(tmp_path / "skus.txt"))


@pytest.mark.parametrize(
    "previous, current, left",
    [
        (["A", "B", "C", "D"], ["B", "D", "E"], ["A", "C"]),
        (["A", "B"], [], ["A", "B"]),
        ([], ["A"], []),
        (["", "A"], ["A"], [""]),
        (["A", "B", "C"], ["A", "B", "C"], []),
        (["M"], ["A", "B", "Z"], ["M"]),
    ],
)
def test_leaving_is_what_the_previous_skus_list_and_the_current_ones_do_not(previous, current, left):
    assert list(leaving(iter(previous), iter(current))) == left
