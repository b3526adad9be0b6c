"""The framework: indicators and aggregates as a directed acyclic graph.

A node may feed several parents, each with its own weight (in the DTI every foundation main
index counts in all three pillars), so the framework is a graph, not a tree. Aggregates are
computed in dependency (topological) order whatever their ``level`` says.

Validation raises :class:`FrameworkError` (a ``ValueError``) naming the offending codes.
After validation the framework precomputes, per dependency layer, the child column indices
and a dense weight matrix so that aggregation is one matrix product per layer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import FrameworkError

__all__ = ["Framework", "Layer", "Node"]

INDICATOR = "Indicator"
AGGREGATE = "Aggregate"


@dataclass(frozen=True)
class Node:
    """One node of the framework.

    ``parents`` pairs each parent code with this node's weight in that parent (for the
    ``points`` aggregation the weight is the node's maximum points). ``params`` keeps the
    other meta columns (``Target``, ``Denominator``, ``goalpost_lower`` ...), numbers as
    floats and everything else as strings.
    """

    code: str
    kind: str = INDICATOR
    name: str = ""
    level: int | None = None
    direction: int = 1
    parents: tuple[tuple[str, float], ...] = ()
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def is_indicator(self) -> bool:
        return self.kind == INDICATOR


@dataclass(frozen=True)
class Layer:
    """Aggregates whose children are all computed in earlier layers.

    ``child_idx`` indexes framework columns (indicators then aggregates); ``weights`` is
    ``(len(child_idx), len(codes))`` with each column summing to 1; ``member`` marks which of those columns are children of
    each aggregate (a child may have weight 0 and still count for availability).
    """

    codes: tuple[str, ...]
    out_idx: np.ndarray
    child_idx: np.ndarray
    weights: np.ndarray
    member: np.ndarray


class Framework:
    """A validated framework with precomputed aggregation structure.

    ``columns`` is the column order of every data set: indicators in the given order, then
    aggregates in dependency order (by layer, then in the given order).
    """

    def __init__(self, nodes: Iterable[Node]):
        node_list = list(nodes)
        self.nodes: dict[str, Node] = {}
        for node in node_list:
            if not isinstance(node.code, str) or not node.code.strip():
                raise FrameworkError(f"A node has an empty code: {node!r}")
            if node.code in self.nodes:
                raise FrameworkError(f"Node code '{node.code}' is defined twice")
            if node.kind not in (INDICATOR, AGGREGATE):
                raise FrameworkError(
                    f"Node '{node.code}': kind must be Indicator or Aggregate, not {node.kind!r}"
                )
            if node.direction not in (1, -1):
                raise FrameworkError(
                    f"Node '{node.code}': Direction must be 1 or -1, not {node.direction!r}"
                )
            self.nodes[node.code] = node
        self._validate_edges()
        self.children: dict[str, list[tuple[str, float]]] = {
            c: [] for c, n in self.nodes.items() if not n.is_indicator
        }
        for node in node_list:
            for parent, weight in node.parents:
                self.children[parent].append((node.code, weight))
        self._validate_children()
        order = self._topological_layers()
        self.indicators: list[str] = [n.code for n in node_list if n.is_indicator]
        self.aggregates: list[str] = [c for layer in order for c in layer]
        self.columns: list[str] = self.indicators + self.aggregates
        self.index: dict[str, int] = {c: i for i, c in enumerate(self.columns)}
        self.direction = np.array([self.nodes[c].direction for c in self.indicators], dtype=float)
        self.layers: list[Layer] = [self._build_layer(codes) for codes in order]

    # ------------------------------------------------------------------ validation
    def _validate_edges(self) -> None:
        for node in self.nodes.values():
            seen: set[str] = set()
            for parent, weight in node.parents:
                if parent == node.code:
                    raise FrameworkError(f"Cycle in the framework: {node.code} -> {node.code}")
                if parent not in self.nodes:
                    raise FrameworkError(
                        f"Node '{node.code}' names an unknown parent '{parent}'"
                    )
                if self.nodes[parent].is_indicator:
                    raise FrameworkError(
                        f"Node '{node.code}' names '{parent}' as its parent, but '{parent}' is an "
                        "indicator; only aggregates can have children"
                    )
                if parent in seen:
                    raise FrameworkError(f"Node '{node.code}' names parent '{parent}' twice")
                seen.add(parent)
                if not isinstance(weight, int | float) or not math.isfinite(weight):
                    raise FrameworkError(
                        f"Node '{node.code}': weight in parent '{parent}' is not a finite "
                        f"number ({weight!r})"
                    )
                if weight < 0:
                    raise FrameworkError(
                        f"Node '{node.code}': weight in parent '{parent}' is negative ({weight})"
                    )

    def _validate_children(self) -> None:
        for code, kids in self.children.items():
            if not kids:
                raise FrameworkError(f"Aggregate '{code}' has no children")
            if all(w == 0 for _, w in kids):
                names = ", ".join(k for k, _ in kids)
                raise FrameworkError(
                    f"Aggregate '{code}': the weights of all its children ({names}) are zero"
                )

    def _topological_layers(self) -> list[list[str]]:
        """Group aggregates into layers (longest path from the indicators); detect cycles."""
        position = {c: i for i, c in enumerate(self.nodes)}
        depth: dict[str, int] = {c: 0 for c, n in self.nodes.items() if n.is_indicator}
        state: dict[str, int] = {}  # 1 = on the DFS stack, 2 = done

        def visit(code: str, stack: list[str]) -> int:
            # Iterative enough for real frameworks (a few levels deep); recursion depth is the
            # framework depth, not its size.
            if code in depth:
                return depth[code]
            if state.get(code) == 1:
                # The stack runs parent -> child; report it child -> parent ("feeds").
                cycle = (stack[stack.index(code):] + [code])[::-1]
                raise FrameworkError(
                    "Cycle in the framework: " + " -> ".join(cycle) + " (each feeds the next)"
                )
            state[code] = 1
            stack.append(code)
            d = 1 + max(visit(child, stack) for child, _ in self.children[code])
            stack.pop()
            state[code] = 2
            depth[code] = d
            return d

        for code in self.children:
            visit(code, [])
        n_layers = max((depth[c] for c in self.children), default=0)
        layers: list[list[str]] = [[] for _ in range(n_layers)]
        for code in sorted(self.children, key=lambda c: position[c]):
            layers[depth[code] - 1].append(code)
        return [layer for layer in layers if layer]

    def _build_layer(self, codes: list[str]) -> Layer:
        child_cols = sorted({self.index[c] for code in codes for c, _ in self.children[code]})
        row = {col: i for i, col in enumerate(child_cols)}
        weights = np.zeros((len(child_cols), len(codes)))
        member = np.zeros((len(child_cols), len(codes)), dtype=bool)
        for j, code in enumerate(codes):
            for child, w in self.children[code]:
                weights[row[self.index[child]], j] = w
                member[row[self.index[child]], j] = True
        # Weights are relative: scale each aggregate's column to sum to 1 up front, which
        # also keeps extreme magnitudes (1e-300 or 1e300) from under/overflowing later.
        weights /= weights.sum(axis=0, keepdims=True)
        return Layer(
            codes=tuple(codes),
            out_idx=np.array([self.index[c] for c in codes], dtype=np.intp),
            child_idx=np.array(child_cols, dtype=np.intp),
            weights=weights,
            member=member,
        )

    # ------------------------------------------------------------------ queries
    def check_data(self, columns: Iterable[str]) -> None:
        """Raise :class:`FrameworkError` if an indicator has no data column."""
        have = set(columns)
        missing = [c for c in self.indicators if c not in have]
        if missing:
            raise FrameworkError("Indicators missing from the data: " + ", ".join(missing))

    def param(self, name: str, default: float = np.nan) -> np.ndarray:
        """A numeric meta column for every indicator (``default`` where absent)."""
        out = np.full(len(self.indicators), default, dtype=float)
        for i, code in enumerate(self.indicators):
            value = self.nodes[code].params.get(name)
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                out[i] = float(value)
            elif isinstance(value, int | float):
                out[i] = float(value)
            elif isinstance(value, str) and value.strip().upper() in ("TRUE", "FALSE"):
                out[i] = 1.0 if value.strip().upper() == "TRUE" else 0.0
            else:
                raise FrameworkError(
                    f"Indicator '{code}': meta column {name} is not a number ({value!r})"
                )
        return out

    def has_param(self, name: str) -> bool:
        return any(self.nodes[c].params.get(name) not in (None, "") for c in self.indicators)

    def ancestors(self, code: str) -> set[str]:
        """Every aggregate that depends (directly or not) on ``code``."""
        out: set[str] = set()
        todo = [code]
        while todo:
            for parent, _ in self.nodes[todo.pop()].parents:
                if parent not in out:
                    out.add(parent)
                    todo.append(parent)
        return out

    def with_weights(self, weights: Mapping[tuple[str, str] | str, float]) -> Framework:
        """A copy with some weights changed.

        Keys are ``(parent, child)`` pairs or a child code (changes its weight in every
        parent). The copy is validated again, so all-zero weights still raise.
        """
        nodes = []
        for node in self.nodes.values():
            parents = tuple(
                (p, float(weights.get((p, node.code), weights.get(node.code, w))))
                for p, w in node.parents
            )
            nodes.append(_replace_parents(node, parents))
        # keep the original indicator order
        return Framework(nodes)

    @classmethod
    def from_meta(cls, rows: Sequence[Mapping[str, object]]) -> Framework:
        """Build from COINr iMeta rows (``Type`` Indicator/Aggregate; others are skipped).

        ``Parent`` may list several parents separated by ``|``; ``Weight`` is then one number
        (the same in every parent) or as many ``|``-separated numbers as parents.
        """
        nodes = []
        for i, row in enumerate(rows, start=1):
            code = _text(row.get("iCode"))
            if not code:
                raise FrameworkError(f"iMeta row {i}: iCode is empty")
            kind = _text(row.get("Type")) or _infer_kind(row)
            if kind not in (INDICATOR, AGGREGATE):
                continue
            parents_txt = _text(row.get("Parent"))
            parent_codes = [p.strip() for p in parents_txt.split("|")] if parents_txt else []
            if any(not p for p in parent_codes):
                raise FrameworkError(f"Node '{code}': empty name in Parent {parents_txt!r}")
            weights = _weights(code, row.get("Weight"), len(parent_codes))
            direction = _number(code, "Direction", row.get("Direction"), 1.0)
            level = row.get("Level")
            params = {
                k: v for k, v in row.items()
                if k not in ("iCode", "iName", "Type", "Parent", "Weight", "Direction", "Level")
            }
            nodes.append(
                Node(
                    code=code,
                    kind=kind,
                    name=_text(row.get("iName")),
                    level=int(float(level)) if level not in (None, "") else None,  # type: ignore[arg-type]
                    direction=int(direction),
                    parents=tuple(zip(parent_codes, weights, strict=True)),
                    params=params,
                )
            )
        return cls(nodes)


def _replace_parents(node: Node, parents: tuple[tuple[str, float], ...]) -> Node:
    return Node(node.code, node.kind, node.name, node.level, node.direction, parents, node.params)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _infer_kind(row: Mapping[str, object]) -> str:
    level = row.get("Level")
    if level in (None, ""):
        return "Other"
    return INDICATOR if float(level) == 1 else AGGREGATE  # type: ignore[arg-type]


def _number(code: str, column: str, value: object, default: float) -> float:
    if value is None or value == "":
        return default
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise FrameworkError(f"Node '{code}': {column} is not a number ({value!r})") from None


def _weights(code: str, value: object, n_parents: int) -> list[float]:
    if isinstance(value, str) and "|" in value:
        parts = [_number(code, "Weight", v.strip(), 1.0) for v in value.split("|")]
        if len(parts) != n_parents:
            raise FrameworkError(
                f"Node '{code}': {len(parts)} weights for {n_parents} parents in Weight {value!r}"
            )
        return parts
    return [_number(code, "Weight", value, 1.0)] * n_parents
