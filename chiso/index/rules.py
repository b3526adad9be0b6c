"""Official DTI component scoring rules: declared figures → points, vectorised over units.

The six patterns come from the component tables of the provincial DTI (922/QĐ-BTTTT and
the provincial indices derived from it; summarised in DTI.md, "How components are scored"):

1. ``ratio``          a/b × max, capped at max (optionally a/b ÷ target);
2. ``steps``          a threshold table (met ≥ 4 times: 20; 3: 15; 2: 10; 1: 5; else 0);
3. ``choice``         a categorical answer → a fraction of max (chairman 1, vice-chairman ½);
4. ``parts``          additive sub-rules, their sum capped at max;
5. ``relative_best``  value / best value among the units being assessed × max;
6. not applicable     not a kind but a per-unit mask: the component leaves the denominator
                      (see :func:`~chiso.index.dti.main_indices_from_components`).

Besides these, ``direct`` takes points entered by a reviewer (clipped to 0..max).

A rule is a plain dict so it can live in a database or a YAML file, e.g.
``{"kind": "steps", "max": 20, "steps": [[4, 20], [3, 15], [2, 10], [1, 5]]}``.
:func:`parse_rule` validates it (errors in Vietnamese and English, naming the field) and
:func:`score` turns declared figures (a mapping of input name → one value per unit) into
points with an explanation per unit ("a/b × 10 = 45/60 × 10 = 7,50 điểm").

Missing declared figures (NaN, None) earn 0 points: an undeclared figure has no evidence
and DTI appraisal gives it nothing. Not-applicable is different and must be said explicitly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chiso.lib.formatting import format_number

__all__ = [
    "Rule",
    "RuleError",
    "RuleResult",
    "parse_rule",
    "score",
]

Declared = Mapping[str, Any]
# score() passes the applicability mask to the rules under this reserved key, so that
# relative_best takes its best over the units the component applies to.
_APPLICABLE_KEY = "__applicable__"


class RuleError(ValueError):
    """An invalid rule dict; the message names the field in Vietnamese and English."""

    def __init__(self, field_path: str, vi: str, en: str):
        self.field = field_path
        self.vi = vi
        self.en = en
        super().__init__(f"{field_path}: {vi} / {en}")


@dataclass(frozen=True)
class RuleResult:
    """Points of one component for every unit.

    ``points`` is NaN where the component is not applicable to the unit; ``applicable``
    says which units it counts for. ``explanations(lang)`` gives one sentence per unit.
    """

    points: np.ndarray
    max: float
    applicable: np.ndarray
    _explain: Callable[[int, str], str] = field(repr=False)

    def explanations(self, lang: str = "vi") -> list[str]:
        # Text is built per unit on demand only: the points themselves are vectorised.
        na = "không áp dụng" if _vi(lang) else "not applicable"
        return [
            self._explain(i, lang) if self.applicable[i] else na for i in range(len(self.points))
        ]


# ------------------------------------------------------------------------------------------
# helpers


def _vi(lang: str) -> bool:
    return not lang.lower().startswith("en")


def _fmt(x: float, decimals: int, lang: str) -> str:
    # The language is always passed explicitly, so the formatter never consults Django.
    return format_number(float(x), decimals, "vi" if _vi(lang) else "en")


def _num(x: float, lang: str, decimals: int = 2) -> str:
    """Figures in explanations: integers without decimals, others with ``decimals``."""
    if isinstance(x, float) and math.isnan(x):
        return "–"
    if float(x).is_integer() and abs(x) < 1e15:
        return _fmt(x, 0, lang)
    return _fmt(x, decimals, lang)


def _pts(x: float, lang: str) -> str:
    return f"{_fmt(x, 2, lang)} {'điểm' if _vi(lang) else 'points'}"


def _as_float(values: Any, name: str, n: int | None) -> np.ndarray:
    """Declared numbers as a float array; None / '' become NaN."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
        arr = values.astype(float)
    else:
        seq = np.atleast_1d(np.asarray(values, dtype=object))
        arr = np.array([np.nan if v is None or v == "" else v for v in seq], dtype=object)
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise RuleError(
                name, "số liệu khai báo không phải là số", "declared values are not numbers"
            ) from None
    arr = np.atleast_1d(arr)
    if n is not None and arr.shape != (n,):
        if arr.shape == (1,):
            return np.full(n, arr[0])
        raise RuleError(
            name,
            f"cần {n} giá trị (mỗi đơn vị một), có {arr.size}",
            f"expected {n} values (one per unit), got {arr.size}",
        )
    return arr


def _get(declared: Declared, name: str) -> Any:
    if name not in declared:
        raise RuleError(
            name, "thiếu số liệu khai báo cho đầu vào này", "declared figures lack this input"
        )
    return declared[name]


def _check_keys(spec: Mapping[str, Any], path: str, allowed: set[str]) -> None:
    extra = sorted(set(spec) - allowed)
    if extra:
        raise RuleError(
            f"{path}{extra[0]}",
            f"trường không được hỗ trợ (cho phép: {', '.join(sorted(allowed))})",
            f"unsupported field (allowed: {', '.join(sorted(allowed))})",
        )


def _number_field(
    spec: Mapping[str, Any],
    key: str,
    path: str,
    *,
    minimum: float | None = 0.0,
    default: float | None = None,
    positive: bool = False,
) -> float:
    if key not in spec:
        if default is None:
            raise RuleError(f"{path}{key}", "thiếu trường bắt buộc", "required field is missing")
        return default
    value = spec[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RuleError(
            f"{path}{key}",
            f"phải là một số, không phải {value!r}",
            f"must be a number, not {value!r}",
        )
    if positive and value <= 0:
        raise RuleError(f"{path}{key}", "phải lớn hơn 0", "must be greater than 0")
    if minimum is not None and value < minimum:
        raise RuleError(
            f"{path}{key}", f"không được nhỏ hơn {minimum:g}", f"must not be less than {minimum:g}"
        )
    return float(value)


def _inputs(spec: Mapping[str, Any], path: str, defaults: tuple[str, ...]) -> dict[str, str]:
    """Map the rule's input slots (``a``, ``b``, ``value``) to declared field names."""
    names = {slot: slot for slot in defaults}
    given = spec.get("inputs", {})
    if not isinstance(given, Mapping):
        raise RuleError(
            f"{path}inputs",
            "phải là một từ điển {khe: tên trường}",
            "must be a mapping {slot: field name}",
        )
    for slot, name in given.items():
        if slot not in names:
            raise RuleError(
                f"{path}inputs.{slot}",
                f"khe đầu vào không tồn tại (có: {', '.join(defaults)})",
                f"no such input slot (slots: {', '.join(defaults)})",
            )
        if not isinstance(name, str) or not name:
            raise RuleError(
                f"{path}inputs.{slot}",
                "tên trường phải là chuỗi khác rỗng",
                "field name must be a non-empty string",
            )
        names[slot] = name
    return names


def _choice(spec: Mapping[str, Any], key: str, path: str, options: tuple[str, ...]) -> str:
    value = spec.get(key, options[0])
    if value not in options:
        raise RuleError(
            f"{path}{key}",
            f"phải là một trong {', '.join(options)}",
            f"must be one of {', '.join(options)}",
        )
    return str(value)


# ------------------------------------------------------------------------------------------
# rules


@dataclass(frozen=True)
class Rule:
    """Base class: ``max`` points and the names of the declared inputs it reads."""

    max: float
    inputs: Mapping[str, str]

    kind = ""

    def points(self, declared: Declared, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(points, applicable) for ``n`` units; points are 0 where not applicable."""
        raise NotImplementedError

    def explain(self, declared: Declared, i: int, points: float, lang: str) -> str:
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "max": self.max}
        custom = {k: v for k, v in self.inputs.items() if k != v}
        if custom:
            out["inputs"] = dict(custom)
        return out

    def input_names(self) -> list[str]:
        return list(self.inputs.values())

    def numeric_inputs(self) -> list[str]:
        """The inputs read as numbers (:func:`score` converts them to floats once)."""
        return self.input_names()

    def _value(self, declared: Declared, slot: str, n: int) -> np.ndarray:
        name = self.inputs[slot]
        return _as_float(_get(declared, name), name, n)


@dataclass(frozen=True)
class RatioRule(Rule):
    """a/b × max, capped at max; with ``target`` t, (a/b ÷ t) × max, capped.

    ``when_b_zero`` decides what b = 0 means, since it differs between components:
    ``zero`` (no meetings held → no points, the default), ``max`` (no incidents to handle →
    full points) or ``not_applicable`` (the component leaves the denominator).
    """

    target: float = 1.0
    when_b_zero: str = "zero"
    kind = "ratio"

    def points(self, declared: Declared, n: int) -> tuple[np.ndarray, np.ndarray]:
        a = self._value(declared, "a", n)
        b = self._value(declared, "b", n)
        b_zero = b == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(b_zero, 0.0, a / np.where(b_zero, 1.0, b)) / self.target
        pts = np.clip(np.nan_to_num(share, nan=0.0), 0.0, 1.0) * self.max
        if self.when_b_zero == "max":
            pts = np.where(b_zero, self.max, pts)
        applicable = ~b_zero if self.when_b_zero == "not_applicable" else np.ones(n, bool)
        return np.where(applicable, pts, 0.0), applicable

    def explain(self, declared: Declared, i: int, points: float, lang: str) -> str:
        n = _length(declared, self)
        a = self._value(declared, "a", n)[i]
        b = self._value(declared, "b", n)[i]
        vi = _vi(lang)
        m = _num(self.max, lang)
        if math.isnan(a) or math.isnan(b):
            return "chưa khai báo a hoặc b → 0 điểm" if vi else "a or b not declared → 0 points"
        if b == 0:
            reason = "b = 0 → " if vi else "b = 0 → "
            return reason + _pts(points, lang)
        t = "" if self.target == 1 else f" ÷ {_num(self.target, lang)}"
        cap = ""
        raw = a / b / self.target * self.max
        if raw > self.max + 1e-12:
            cap = f" (vượt tối đa, tính {m})" if vi else f" (above max, counted as {m})"
        return (
            f"a/b{t} × {m} = {_num(a, lang)}/{_num(b, lang)}{t} × {m} = "
            f"{_pts(points if cap else raw, lang)}{cap}"
        )

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.target != 1:
            out["target"] = self.target
        if self.when_b_zero != "zero":
            out["when_b_zero"] = self.when_b_zero
        return out


@dataclass(frozen=True)
class StepsRule(Rule):
    """Threshold table. ``at_least`` (default): the points of the highest threshold that the
    value reaches (value ≥ threshold); ``at_most``: of the lowest threshold the value does not
    exceed (value ≤ threshold; for "fewer is better" counts such as incidents). A value that
    meets no threshold earns ``otherwise`` (0)."""

    steps: tuple[tuple[float, float], ...] = ()
    direction: str = "at_least"
    otherwise: float = 0.0
    kind = "steps"

    def _lookup(self, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        thresholds = np.array([t for t, _ in self.steps])
        pts = np.array([p for _, p in self.steps])
        if self.direction == "at_least":
            order = np.argsort(thresholds)
            idx = np.searchsorted(thresholds[order], value, side="right") - 1
            hit = (idx >= 0) & ~np.isnan(value)
            chosen = order[np.clip(idx, 0, None)]
        else:
            order = np.argsort(thresholds)
            idx = np.searchsorted(thresholds[order], value, side="left")
            hit = (idx < len(order)) & ~np.isnan(value)
            chosen = order[np.clip(idx, None, len(order) - 1)]
        return np.where(hit, pts[chosen], self.otherwise), np.where(hit, chosen, -1)

    def points(self, declared: Declared, n: int) -> tuple[np.ndarray, np.ndarray]:
        pts, _ = self._lookup(self._value(declared, "value", n))
        return pts, np.ones(n, bool)

    def explain(self, declared: Declared, i: int, points: float, lang: str) -> str:
        v = self._value(declared, "value", _length(declared, self))[i]
        vi = _vi(lang)
        if math.isnan(v):
            return "chưa khai báo → 0 điểm" if vi else "not declared → 0 points"
        _, chosen = self._lookup(np.array([v]))
        if chosen[0] < 0:
            first = (
                min(t for t, _ in self.steps)
                if self.direction == "at_least"
                else max(t for t, _ in self.steps)
            )
            sign = "<" if self.direction == "at_least" else ">"
            return f"{_num(v, lang)} {sign} {_num(first, lang)} → {_pts(points, lang)}"
        t = self.steps[int(chosen[0])][0]
        sign = "≥" if self.direction == "at_least" else "≤"
        return f"{_num(v, lang)} {sign} {_num(t, lang)} → {_pts(points, lang)}"

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["steps"] = [[t, p] for t, p in self.steps]
        if self.direction != "at_least":
            out["direction"] = self.direction
        if self.otherwise:
            out["otherwise"] = self.otherwise
        return out


@dataclass(frozen=True)
class ChoiceRule(Rule):
    """A categorical answer → fraction of max (e.g. head of the steering committee: the
    chairman 1, a vice-chairman ½, none 0 — DTI.md pattern 3). An answer not in the table is
    an error naming it, never silently 0; an empty answer earns 0."""

    choices: Mapping[str, float] = field(default_factory=dict)
    kind = "choice"

    def _answers(self, declared: Declared, n: int) -> np.ndarray:
        name = self.inputs["value"]
        raw = np.atleast_1d(np.asarray(_get(declared, name), dtype=object))
        if raw.shape != (n,):
            if raw.shape != (1,):
                raise RuleError(
                    name,
                    f"cần {n} giá trị (mỗi đơn vị một), có {raw.size}",
                    f"expected {n} values (one per unit), got {raw.size}",
                )
            raw = np.full(n, raw[0], dtype=object)
        return raw

    def points(self, declared: Declared, n: int) -> tuple[np.ndarray, np.ndarray]:
        raw = self._answers(declared, n)
        blank = np.array(
            [v is None or v == "" or (isinstance(v, float) and math.isnan(v)) for v in raw]
        )
        keys = np.where(blank, "", raw).astype(str)
        uniq, inverse = np.unique(keys, return_inverse=True)  # one lookup per distinct answer
        frac = np.empty(len(uniq))
        for j, key in enumerate(uniq):
            if key == "":
                frac[j] = 0.0
            elif key in self.choices:
                frac[j] = self.choices[key]
            else:
                raise RuleError(
                    self.inputs["value"],
                    f"lựa chọn {key!r} không có trong bảng (có: {', '.join(self.choices)})",
                    f"answer {key!r} is not in the table ({', '.join(self.choices)})",
                )
        return frac[inverse.ravel()] * self.max, np.ones(n, bool)

    def explain(self, declared: Declared, i: int, points: float, lang: str) -> str:
        v = self._answers(declared, _length(declared, self))[i]
        vi = _vi(lang)
        if v is None or v == "" or (isinstance(v, float) and math.isnan(v)):
            return "chưa chọn → 0 điểm" if vi else "no answer → 0 points"
        f = self.choices[str(v)]
        word = "chọn" if vi else "answer"
        return f"{word} “{v}” → {_num(f, lang)} × {_num(self.max, lang)} = {_pts(points, lang)}"

    def numeric_inputs(self) -> list[str]:
        return []  # answers are categories, read as given

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "choices": dict(self.choices)}


@dataclass(frozen=True)
class PartsRule(Rule):
    """Additive sub-parts (½ max for attending, ½ max for chairing): the sum of the parts'
    points, capped at max. A part that is not applicable contributes 0 (the component as a
    whole stays applicable)."""

    parts: tuple[tuple[str, Rule], ...] = ()
    kind = "parts"

    def points(self, declared: Declared, n: int) -> tuple[np.ndarray, np.ndarray]:
        total = np.zeros(n)
        for _, part in self.parts:
            pts, _ = part.points(declared, n)
            total += pts
        return np.minimum(total, self.max), np.ones(n, bool)

    def explain(self, declared: Declared, i: int, points: float, lang: str) -> str:
        pieces = []
        total = 0.0
        for name, part in self.parts:
            n = _length(declared, part)
            pts = float(part.points(declared, n)[0][i])
            total += pts
            pieces.append(f"[{name}: {part.explain(declared, i, pts, lang)}]")
        vi = _vi(lang)
        head = " + ".join(pieces)
        if total > self.max + 1e-12:
            tail = (
                f" = {_num(total, lang, 2)}, tối đa {_num(self.max, lang)} → "
                if vi
                else f" = {_num(total, lang, 2)}, max {_num(self.max, lang)} → "
            )
            return head + tail + _pts(points, lang)
        return f"{head} = {_pts(points, lang)}"

    def input_names(self) -> list[str]:
        return [name for _, part in self.parts for name in part.input_names()]

    def numeric_inputs(self) -> list[str]:
        # An input that some part reads as a choice is left as given for every part.
        numeric = [name for _, part in self.parts for name in part.numeric_inputs()]
        other = set(self.input_names()) - set(numeric)
        return [name for name in numeric if name not in other]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "max": self.max,
            "parts": [{"name": name, **part.to_dict()} for name, part in self.parts],
        }


@dataclass(frozen=True)
class RelativeBestRule(Rule):
    """value / best × max, the best taken over the units being assessed together (and to which
    the component applies). With ``direction: lower`` (smaller is better), best / value × max.
    If the best is 0 (nobody did anything), everyone gets 0."""

    direction: str = "higher"
    kind = "relative_best"

    def _best(self, value: np.ndarray, mask: np.ndarray | None = None) -> float:
        v = value if mask is None else value[mask]
        v = v[~np.isnan(v)]
        if v.size == 0:
            return float("nan")
        return float(v.max() if self.direction == "higher" else v.min())

    def _score(self, value: np.ndarray, best: float) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.direction == "higher":
                share = value / best if best > 0 else np.zeros_like(value)
            else:
                share = np.where(value <= 0, 1.0, best / value)
        return np.clip(np.nan_to_num(share, nan=0.0), 0.0, 1.0) * self.max

    def points(self, declared: Declared, n: int) -> tuple[np.ndarray, np.ndarray]:
        value = self._value(declared, "value", n)
        mask = declared.get(_APPLICABLE_KEY)
        return self._score(value, self._best(value, mask)), np.ones(n, bool)

    def explain(self, declared: Declared, i: int, points: float, lang: str) -> str:
        n = _length(declared, self)
        value = self._value(declared, "value", n)
        best = self._best(value, declared.get(_APPLICABLE_KEY))
        v = value[i]
        vi = _vi(lang)
        if math.isnan(v):
            return "chưa khai báo → 0 điểm" if vi else "not declared → 0 points"
        m = _num(self.max, lang)
        word = "tốt nhất" if vi else "best"
        if self.direction == "higher":
            return (
                f"giá trị/{word} × {m} = {_num(v, lang)}/{_num(best, lang)} × {m} = "
                if vi
                else f"value/{word} × {m} = {_num(v, lang)}/{_num(best, lang)} × {m} = "
            ) + _pts(points, lang)
        return (f"{word}/giá trị × {m} = " if vi else f"{word}/value × {m} = ") + (
            f"{_num(best, lang)}/{_num(v, lang)} × {m} = {_pts(points, lang)}"
        )

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.direction != "higher":
            out["direction"] = self.direction
        return out


@dataclass(frozen=True)
class DirectRule(Rule):
    """Points entered directly (by the unit or a reviewer), clipped to 0..max."""

    kind = "direct"

    def points(self, declared: Declared, n: int) -> tuple[np.ndarray, np.ndarray]:
        v = np.nan_to_num(self._value(declared, "value", n), nan=0.0)
        return np.clip(v, 0.0, self.max), np.ones(n, bool)

    def explain(self, declared: Declared, i: int, points: float, lang: str) -> str:
        word = "điểm nhập trực tiếp" if _vi(lang) else "points entered directly"
        return f"{word} → {_pts(points, lang)}"


def _length(declared: Declared, rule: Rule) -> int:
    """Number of units, from the longest declared input the rule reads."""
    sizes = [_size(declared[name]) for name in rule.input_names() if name in declared]
    return max(sizes, default=1)


def _size(values: Any) -> int:
    if isinstance(values, np.ndarray):  # no per-element conversion (explanations call this)
        return values.size
    return np.atleast_1d(np.asarray(values, dtype=object)).size


# ------------------------------------------------------------------------------------------
# parsing

_KINDS = ("ratio", "steps", "choice", "parts", "relative_best", "direct")


def parse_rule(spec: Mapping[str, Any] | Rule, _path: str = "") -> Rule:
    """Validate a rule dict and build the rule. Errors name the field (``parts[1].max``)."""
    if isinstance(spec, Rule):
        return spec
    if not isinstance(spec, Mapping):
        raise RuleError(
            _path.rstrip(".") or "rule", "quy tắc phải là một từ điển", "a rule must be a mapping"
        )
    kind = spec.get("kind")
    if kind not in _KINDS:
        raise RuleError(
            f"{_path}kind",
            f"loại quy tắc {kind!r} không hợp lệ (có: {', '.join(_KINDS)})",
            f"unknown rule kind {kind!r} (kinds: {', '.join(_KINDS)})",
        )
    maximum = _number_field(spec, "max", _path)
    common = {"kind", "max", "inputs", "name"}
    if kind == "ratio":
        _check_keys(spec, _path, common | {"target", "when_b_zero"})
        return RatioRule(
            max=maximum,
            inputs=_inputs(spec, _path, ("a", "b")),
            target=_number_field(spec, "target", _path, default=1.0, positive=True),
            when_b_zero=_choice(spec, "when_b_zero", _path, ("zero", "max", "not_applicable")),
        )
    if kind == "steps":
        _check_keys(spec, _path, common | {"steps", "direction", "otherwise"})
        return StepsRule(
            max=maximum,
            inputs=_inputs(spec, _path, ("value",)),
            steps=_parse_steps(spec.get("steps"), maximum, _path),
            direction=_choice(spec, "direction", _path, ("at_least", "at_most")),
            otherwise=_bounded(spec, "otherwise", _path, maximum, 0.0),
        )
    if kind == "choice":
        _check_keys(spec, _path, common | {"choices"})
        return ChoiceRule(
            max=maximum,
            inputs=_inputs(spec, _path, ("value",)),
            choices=_parse_choices(spec.get("choices"), _path),
        )
    if kind == "parts":
        _check_keys(spec, _path, common | {"parts"})
        parts = spec.get("parts")
        if not isinstance(parts, Sequence) or isinstance(parts, str) or not parts:
            raise RuleError(
                f"{_path}parts",
                "phải là danh sách quy tắc con khác rỗng",
                "must be a non-empty list of sub-rules",
            )
        parsed = []
        for j, part in enumerate(parts):
            sub = parse_rule(part, f"{_path}parts[{j}].")
            label = part.get("name", f"{j + 1}") if isinstance(part, Mapping) else f"{j + 1}"
            parsed.append((str(label), sub))
        return PartsRule(max=maximum, inputs={}, parts=tuple(parsed))
    if kind == "relative_best":
        _check_keys(spec, _path, common | {"direction"})
        return RelativeBestRule(
            max=maximum,
            inputs=_inputs(spec, _path, ("value",)),
            direction=_choice(spec, "direction", _path, ("higher", "lower")),
        )
    _check_keys(spec, _path, common)
    return DirectRule(max=maximum, inputs=_inputs(spec, _path, ("value",)))


def _bounded(spec: Mapping[str, Any], key: str, path: str, maximum: float, default: float) -> float:
    value = _number_field(spec, key, path, default=default)
    if value > maximum:
        raise RuleError(
            f"{path}{key}", f"vượt điểm tối đa {maximum:g}", f"exceeds the maximum {maximum:g}"
        )
    return value


def _parse_steps(steps: Any, maximum: float, path: str) -> tuple[tuple[float, float], ...]:
    where = f"{path}steps"
    if not isinstance(steps, Sequence) or isinstance(steps, str) or not steps:
        raise RuleError(
            where,
            "phải là danh sách khác rỗng các cặp [ngưỡng, điểm]",
            "must be a non-empty list of [threshold, points] pairs",
        )
    out: list[tuple[float, float]] = []
    for j, pair in enumerate(steps):
        ok = (
            isinstance(pair, Sequence)
            and not isinstance(pair, str)
            and len(pair) == 2
            and all(
                isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
                for x in pair
            )
        )
        if not ok:
            raise RuleError(
                f"{where}[{j}]",
                f"phải là cặp [ngưỡng, điểm] bằng số, không phải {pair!r}",
                f"must be a [threshold, points] pair of numbers, not {pair!r}",
            )
        t, p = float(pair[0]), float(pair[1])
        if not 0 <= p <= maximum:
            raise RuleError(
                f"{where}[{j}]",
                f"điểm {p:g} nằm ngoài 0..{maximum:g}",
                f"points {p:g} outside 0..{maximum:g}",
            )
        out.append((t, p))
    thresholds = [t for t, _ in out]
    if len(set(thresholds)) != len(thresholds):
        raise RuleError(where, "có ngưỡng bị lặp lại", "a threshold appears twice")
    return tuple(out)


def _parse_choices(choices: Any, path: str) -> dict[str, float]:
    where = f"{path}choices"
    if not isinstance(choices, Mapping) or not choices:
        raise RuleError(
            where,
            "phải là từ điển khác rỗng {lựa chọn: tỷ lệ của điểm tối đa}",
            "must be a non-empty mapping {answer: fraction of max}",
        )
    out: dict[str, float] = {}
    for key, frac in choices.items():
        if (
            isinstance(frac, bool)
            or not isinstance(frac, int | float)
            or not math.isfinite(frac)
            or not 0 <= frac <= 1
        ):
            raise RuleError(
                f"{where}.{key}",
                f"tỷ lệ phải là số trong 0..1, không phải {frac!r}",
                f"fraction must be a number in 0..1, not {frac!r}",
            )
        out[str(key)] = float(frac)
    return out


# ------------------------------------------------------------------------------------------
# scoring


def score(
    rule: Mapping[str, Any] | Rule,
    declared: Declared,
    applicable: np.ndarray | Sequence[bool] | None = None,
) -> RuleResult:
    """Points of one component for all units, with explanations on demand.

    ``declared`` maps input names to one value per unit (a scalar is broadcast).
    ``applicable`` (default: all) marks units to which the component applies; elsewhere the
    points are NaN and the component leaves the unit's denominator. For ``relative_best``
    the best is taken over applicable units only.
    """
    r = parse_rule(rule)
    n = _length(declared, r)
    if applicable is not None:
        mask = np.asarray(applicable, dtype=bool).ravel()
        if mask.size == 1:
            mask = np.full(n, bool(mask[0]))
        if mask.size != n:
            raise RuleError(
                "applicable",
                f"cần {n} giá trị, có {mask.size}",
                f"expected {n} values, got {mask.size}",
            )
    else:
        mask = np.ones(n, bool)
    # Numeric inputs are converted to float arrays once: explanations are built per unit
    # and would otherwise convert the whole input again for every unit. The first missing
    # input stops the conversion so that points() reports errors in the usual order.
    view = dict(declared)
    for name in dict.fromkeys(r.numeric_inputs()):
        if name not in declared:
            break
        view[name] = _as_float(declared[name], name, n)
    view[_APPLICABLE_KEY] = mask
    pts, rule_applicable = r.points(view, n)
    applicable_all = mask & rule_applicable
    points = np.where(applicable_all, pts, np.nan)

    def explain(i: int, lang: str) -> str:
        return r.explain(view, i, float(points[i]), lang)

    return RuleResult(points=points, max=r.max, applicable=applicable_all, _explain=explain)
