"""Property tests: min-max stays in its range; bad weights and cycles raise FrameworkError
rather than producing NaN."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.index import Coin, Framework, FrameworkError, Node
from chiso.index.normalise import normalise

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.one_of(finite, st.just(float("nan"))), min_size=2, max_size=30),
    lower=st.floats(min_value=-100, max_value=100),
    width=st.floats(min_value=0.1, max_value=1000),
    direction=st.sampled_from([1, -1]),
)
def test_minmax_output_is_within_the_range(values: list[float], lower: float, width: float,
                                           direction: int) -> None:
    x = np.array(values)[None, :, None]
    out = normalise(x, "minmax", np.array([direction]),
                    {"lower": np.array([lower]), "upper": np.array([lower + width])})
    ok = out[~np.isnan(out)]
    tol = 1e-9 * max(1.0, abs(lower) + width)
    assert np.all(ok >= lower - tol) and np.all(ok <= lower + width + tol)
    # a value is missing only where the input was, or where the column is constant
    data = x[~np.isnan(x)]
    if data.size and data.max() > data.min():
        assert np.array_equal(np.isnan(out), np.isnan(x))


@settings(max_examples=40, deadline=None)
@given(n_children=st.integers(min_value=1, max_value=6))
def test_all_zero_weights_raise_framework_error_not_nan(n_children: int) -> None:
    nodes = [Node(f"i{k}", "Indicator", "", 1, 1, (("A", 0.0),)) for k in range(n_children)]
    try:
        Framework([*nodes, Node("A", "Aggregate")])
    except FrameworkError as exc:
        assert "'A'" in str(exc) and "zero" in str(exc)
    else:
        raise AssertionError("no FrameworkError")


@settings(max_examples=40, deadline=None)
@given(length=st.integers(min_value=1, max_value=6), data=st.data())
def test_any_cycle_raises_framework_error_naming_its_nodes(length: int, data: st.DataObject) -> None:
    codes = [f"A{k}" for k in range(length)]
    nodes = [Node("x", "Indicator", "", 1, 1, ((codes[0], 1.0),))]
    for k, code in enumerate(codes):
        nodes.append(Node(code, "Aggregate", "", 2, 1, ((codes[(k + 1) % length], 1.0),)))
    order = data.draw(st.permutations(nodes))
    try:
        Framework(order)
    except FrameworkError as exc:
        assert "Cycle" in str(exc)
        assert all(c in str(exc) for c in codes)
    else:
        raise AssertionError("no FrameworkError")


@settings(max_examples=40, deadline=None)
@given(weights=st.lists(st.floats(min_value=0, max_value=10), min_size=2, max_size=5),
       values=st.data())
def test_arithmetic_aggregate_lies_between_its_children(weights: list[float],
                                                        values: st.DataObject) -> None:
    if not any(w > 0 for w in weights):
        return
    nodes = [Node(f"i{k}", "Indicator", "", 1, 1, (("A", w),)) for k, w in enumerate(weights)]
    fw = Framework([*nodes, Node("A", "Aggregate")])
    x = np.array(values.draw(st.lists(st.floats(0, 100), min_size=len(weights),
                                      max_size=len(weights))))
    coin = Coin(fw, ["U"], x[None, None, :]).aggregate()
    v = coin.value("A", "U")
    used = x[np.array(weights) > 0]
    assert used.min() - 1e-9 <= v <= used.max() + 1e-9
