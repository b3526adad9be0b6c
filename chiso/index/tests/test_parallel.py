"""The engine gives the same bits whatever the number of threads, and the data sets it
shares between steps behave as separate data sets."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from chiso.index import Coin, Framework, Node
from chiso.index._parallel import for_each, set_threads, threads


def _framework(n_ind: int) -> Framework:
    nodes = [Node(f"i{k:02d}", "Indicator", "", 1, -1 if k % 7 == 3 else 1,
                  ((f"P{k // 5}", float(1 + k % 3)),)) for k in range(n_ind)]
    nodes += [Node(f"P{p}", "Aggregate", "", 2, 1, (("Index", 1.0),))
              for p in range(n_ind // 5)]
    nodes.append(Node("Index", "Aggregate", "", 3))
    return Framework(nodes)


def _panel(n_t: int, n_u: int, n_ind: int) -> np.ndarray:
    rng = np.random.default_rng(11)
    x = rng.normal(50, 10, size=(n_t, n_u, n_ind))
    x[:, :, ::2] = rng.lognormal(2, 1.2, size=x[:, :, ::2].shape)  # fails the check
    x[:, :7, 1] = 500.0  # outliers that Winsorising fixes
    x[rng.random(x.shape) < 0.05] = np.nan
    return x


def _run(n_threads: int, fw: Framework, raw: np.ndarray, impute: str) -> Coin:
    set_threads(n_threads)
    try:
        units = [f"U{n}" for n in range(raw.shape[1])]
        coin = Coin(fw, units, raw.copy(), times=list(range(raw.shape[0])))
        coin.impute(impute).treat().normalise("minmax", range=[0, 100]).aggregate()
        coin.results()
        return coin
    finally:
        set_threads(None)


def _bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a).view(np.uint8)


@pytest.mark.parametrize("impute", ["mean", "none"])  # "none": rows with gaps in treat
def test_every_data_set_detail_and_rank_is_bit_identical_with_one_or_several_threads(
    impute: str,
) -> None:
    # Large enough that every step splits its periods, treatment its failing columns and
    # ranking its rows.
    fw = _framework(20)
    raw = _panel(6, 20_000, 20)
    one, two, three = (_run(n, fw, raw, impute) for n in (1, 2, 3))
    for other in (two, three):
        assert list(other.data) == list(one.data)
        for name, ds in one.data.items():
            assert np.array_equal(_bits(ds.values), _bits(other.data[name].values)), name
        for key, arr in one.details["Treated"].items():
            assert np.array_equal(_bits(arr), _bits(other.details["Treated"][key])), key
        assert np.array_equal(one.results().ranks, other.results().ranks, equal_nan=True)
    assert one.details["Treated"]["winsorised"].sum() > 0
    assert one.details["Treated"]["fallback"].sum() > 0


def test_aggregated_shares_the_normalised_values_but_a_second_aggregate_gets_its_own() -> None:
    fw = _framework(10)
    coin = Coin(fw, [f"U{n}" for n in range(50)], _panel(2, 50, 10), times=[1, 2])
    coin.impute().normalise("minmax", range=[0, 100]).aggregate()
    first = coin.get("Aggregated")
    n_ind = len(fw.indicators)
    assert np.array_equal(first.values[:, :, :n_ind], coin.get("Normalised").values,
                          equal_nan=True)
    kept = first.values.copy()
    coin.aggregate("geometric", dset="Normalised")
    assert coin.get("Aggregated") is not first
    assert np.array_equal(first.values, kept, equal_nan=True)  # untouched by the re-run
    assert not np.shares_memory(coin.get("Aggregated").values, first.values)


def test_for_each_raises_the_earliest_error_after_every_block_has_run() -> None:
    set_threads(2)
    try:
        done = []
        lock = threading.Lock()

        def work(i: int) -> None:
            with lock:
                done.append(i)
            if i in (1, 3):
                raise ValueError(f"block {i}")

        with pytest.raises(ValueError, match="block 1"):
            for_each(work, range(4))
        assert sorted(done) == [0, 1, 2, 3]
    finally:
        set_threads(None)


def test_threads_setting_and_its_bad_values(monkeypatch: pytest.MonkeyPatch) -> None:
    set_threads(3)
    assert threads() == 3
    set_threads(None)
    monkeypatch.setenv("CHISO_INDEX_THREADS", "1")
    assert threads() == 1
    monkeypatch.setenv("CHISO_INDEX_THREADS", "many")
    set_threads(None)
    with pytest.raises(ValueError, match="CHISO_INDEX_THREADS"):
        threads()
    monkeypatch.delenv("CHISO_INDEX_THREADS")
    set_threads(None)
    with pytest.raises(ValueError, match="whole number"):
        set_threads(0)


def test_blas_runs_on_one_thread_inside_the_block_and_the_setting_comes_back() -> None:
    from threadpoolctl import threadpool_info

    from chiso.index._parallel import blas_single_threaded

    def blas_threads() -> list[int]:
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    before = blas_threads()
    assert before  # NumPy's BLAS is visible
    with blas_single_threaded():
        with blas_single_threaded():  # overlapping blocks (e.g. two requests) share the count
            assert blas_threads() == [1] * len(before)
        assert blas_threads() == [1] * len(before)
    assert blas_threads() == before


def test_two_callers_at_once_each_get_every_item_done() -> None:
    set_threads(2)
    try:
        results: dict[str, list[int]] = {"a": [], "b": []}
        lock = threading.Lock()

        def caller(name: str) -> None:
            def work(i: int) -> None:
                x = np.arange(200_000.0).sum()  # some NumPy work, GIL released
                with lock:
                    results[name].append(i + int(x) * 0)

            for_each(work, range(12))

        threads_ = [threading.Thread(target=caller, args=(n,)) for n in results]
        for t in threads_:
            t.start()
        for t in threads_:
            t.join(timeout=60)
        assert all(sorted(v) == list(range(12)) for v in results.values())
    finally:
        set_threads(None)
