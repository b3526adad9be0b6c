"""Framework validation: clear FrameworkError messages naming the nodes."""

from __future__ import annotations

import math

import pytest

from chiso.index import Framework, FrameworkError, Node


def _ind(code: str, *parents: tuple[str, float]) -> Node:
    return Node(code, "Indicator", code, 1, 1, tuple(parents))


def _agg(code: str, *parents: tuple[str, float]) -> Node:
    return Node(code, "Aggregate", code, 2, 1, tuple(parents))


def test_a_cycle_is_reported_with_its_path() -> None:
    nodes = [_ind("x", ("A", 1)), _agg("A", ("B", 1)), _agg("B", ("C", 1)), _agg("C", ("A", 1))]
    with pytest.raises(FrameworkError, match=r"Cycle in the framework: (A -> B -> C -> A|"
                                             r"B -> C -> A -> B|C -> A -> B -> C)"):
        Framework(nodes)


def test_a_self_loop_is_a_cycle() -> None:
    with pytest.raises(FrameworkError, match="Cycle.*A -> A"):
        Framework([_ind("x", ("A", 1)), _agg("A", ("A", 1))])


def test_an_unknown_parent_is_named() -> None:
    with pytest.raises(FrameworkError, match="'x' names an unknown parent 'Nope'"):
        Framework([_ind("x", ("Nope", 1))])


def test_an_indicator_cannot_be_a_parent() -> None:
    with pytest.raises(FrameworkError, match="'y' is an indicator"):
        Framework([_ind("y"), _ind("x", ("y", 1))])


@pytest.mark.parametrize("weight", [-1.0, math.nan, math.inf])
def test_negative_or_non_finite_weights_are_refused(weight: float) -> None:
    with pytest.raises(FrameworkError, match="'x': weight in parent 'A'"):
        Framework([_ind("x", ("A", weight)), _agg("A")])


def test_all_zero_weights_among_a_parents_children_are_refused() -> None:
    with pytest.raises(FrameworkError, match="Aggregate 'A'.*\\(x, y\\) are zero"):
        Framework([_ind("x", ("A", 0)), _ind("y", ("A", 0)), _agg("A")])


def test_an_aggregate_without_children_is_refused() -> None:
    with pytest.raises(FrameworkError, match="Aggregate 'Empty' has no children"):
        Framework([_ind("x", ("A", 1)), _agg("A"), _agg("Empty")])


def test_duplicate_codes_are_refused() -> None:
    with pytest.raises(FrameworkError, match="'x' is defined twice"):
        Framework([_ind("x", ("A", 1)), _ind("x", ("A", 1)), _agg("A")])


def test_indicators_missing_from_the_data_are_named() -> None:
    fw = Framework([_ind("x", ("A", 1)), _ind("y", ("A", 1)), _agg("A")])
    with pytest.raises(FrameworkError, match="missing from the data: y"):
        fw.check_data(["uCode", "x"])


def test_meta_rows_with_several_parents_and_weights() -> None:
    rows = [
        {"iCode": "x", "Type": "Indicator", "Parent": "A|B", "Weight": "2|3", "Direction": 1.0},
        {"iCode": "y", "Type": "Indicator", "Parent": "A", "Weight": 1.0, "Direction": -1.0},
        {"iCode": "A", "Type": "Aggregate", "Parent": None, "Weight": 1.0},
        {"iCode": "B", "Type": "Aggregate", "Parent": None, "Weight": 1.0},
        {"iCode": "G", "Type": "Group"},
    ]
    fw = Framework.from_meta(rows)
    assert fw.children["A"] == [("x", 2.0), ("y", 1.0)]
    assert fw.children["B"] == [("x", 3.0)]
    assert fw.nodes["y"].direction == -1
    assert "G" not in fw.nodes


def test_meta_weights_must_match_the_parents() -> None:
    rows = [{"iCode": "x", "Type": "Indicator", "Parent": "A|B", "Weight": "2|3|4"},
            {"iCode": "A", "Type": "Aggregate"}, {"iCode": "B", "Type": "Aggregate"}]
    with pytest.raises(FrameworkError, match="'x': 3 weights for 2 parents"):
        Framework.from_meta(rows)


def test_with_weights_changes_one_edge_and_revalidates() -> None:
    fw = Framework([_ind("x", ("A", 1)), _ind("y", ("A", 1)), _agg("A")])
    assert fw.with_weights({("A", "x"): 3}).children["A"] == [("x", 3.0), ("y", 1.0)]
    with pytest.raises(FrameworkError, match="are zero"):
        fw.with_weights({"x": 0, "y": 0})
