"""The coin: one object holding a framework, every data set by name and the log of steps.

Modelled on COINr's coin. ``Raw`` is the input; each step reads a data set (the latest by
default) and writes its own (``Denominated``, ``Imputed``, ``Screened``, ``Treated``,
``Normalised``, ``Aggregated``). Every step is recorded with its parameters in ``coin.log``,
so a result can be inspected, regenerated with one parameter changed (:meth:`Coin.regenerate`)
or updated after a raw value changes (:meth:`Coin.update`, which recomputes only the affected
period and columns).

Data sets are NumPy arrays shaped (periods, units, columns); a data set without a ``Time``
column has one period. ``present`` (periods, units) marks which units exist in each period
(a panel may lack some rows; screening removes units).
"""

from __future__ import annotations

import copy
import math
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from . import aggregate as _agg
from . import impute as _imp
from . import normalise as _norm
from . import screen as _scr
from . import treat as _treat
from ._parallel import blas_single_threaded, for_each
from .denominate import denominate as _denominate
from .errors import IndexDataError, PipelineError
from .framework import Framework
from .ranking import rank_min

__all__ = ["Coin", "Dataset", "Results", "StepRecord", "STEP_OUTPUT"]

STEP_OUTPUT = {
    "denominate": "Denominated",
    "impute": "Imputed",
    "screen": "Screened",
    "treat": "Treated",
    "normalise": "Normalised",
    "aggregate": "Aggregated",
}


@dataclass
class Dataset:
    """A named data set: ``values`` (periods, units, len(codes)) and ``present``."""

    name: str
    values: np.ndarray
    codes: list[str]
    present: np.ndarray

    def column(self, code: str) -> np.ndarray:
        """(periods, units) values of one column."""
        return self.values[:, :, self.codes.index(code)]


@dataclass
class StepRecord:
    """One logged step: its name, parameters, and the data sets it read and wrote."""

    step: str
    params: dict[str, Any]
    input: str
    output: str


@dataclass
class Results:
    """Scores and ranks of every aggregate, per period and unit.

    ``scores`` and ``ranks`` are (periods, units, aggregates); ranks are descending with ties
    sharing the lowest rank (1, 2, 2, 4), NaN for a missing score or an absent unit.
    """

    codes: list[str]
    scores: np.ndarray
    ranks: np.ndarray
    units: list[str]
    times: list[Any] | None
    # The (period, unit) positions of the rows, built when first asked for (a Python list
    # of one tuple per row, which scoring itself does not need).
    key_source: Callable[[], list[tuple[int, int]]] = field(repr=False, compare=False,
                                                            default=list)

    @cached_property
    def row_keys(self) -> list[tuple[int, int]]:
        """(period, unit) of every row, in the input's order (units present only)."""
        return self.key_source()

    def _pos(self, unit: str, time: Any) -> tuple[int, int]:
        if unit not in self.units:
            raise IndexDataError(f"Unknown unit '{unit}'")
        return _period(self.times, time), self.units.index(unit)

    def score(self, code: str, unit: str, time: Any = None) -> float:
        t, n = self._pos(unit, time)
        return float(self.scores[t, n, self.codes.index(code)])

    def rank(self, code: str, unit: str, time: Any = None) -> float:
        t, n = self._pos(unit, time)
        return float(self.ranks[t, n, self.codes.index(code)])

    def header(self) -> list[str]:
        cols = [x for c in self.codes for x in (c, f"{c}_rank")]
        return ["uCode"] + (["Time"] if self.times is not None else []) + cols

    def rows(self) -> list[list[object]]:
        """One row per (period, unit): uCode, (Time), then score and rank per aggregate."""
        out = []
        for t, n in self.row_keys:
            row: list[object] = [self.units[n]] + ([self.times[t]] if self.times is not None else [])
            for a in range(len(self.codes)):
                s, r = self.scores[t, n, a], self.ranks[t, n, a]
                row += [float(s), None if math.isnan(r) else int(r)]
            out.append(row)
        return out


@dataclass
class Coin:
    """Framework + data sets + log. Build with :meth:`from_tables` or the constructor."""

    framework: Framework
    units: list[str]
    raw: np.ndarray  # (periods, units, indicators)
    times: list[Any] | None = None
    unit_names: list[str] | None = None
    groups: dict[str, np.ndarray] = field(default_factory=dict)  # (periods, units) object
    denominators: dict[str, np.ndarray] = field(default_factory=dict)  # (periods, units) float
    present: np.ndarray | None = None
    row_keys: list[tuple[int, int]] | None = None
    data: dict[str, Dataset] = field(default_factory=dict)
    log: list[StepRecord] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    latest: str = "Raw"

    def __post_init__(self) -> None:
        raw = np.asarray(self.raw, dtype=float)
        if raw.ndim == 2:
            raw = raw[None]
        t, n, c = raw.shape
        if c != len(self.framework.indicators):
            raise IndexDataError(
                f"Raw data has {c} columns but the framework has "
                f"{len(self.framework.indicators)} indicators"
            )
        if n != len(self.units) or len(set(self.units)) != n:
            raise IndexDataError("units must list every unit once, in the order of the data")
        if self.times is not None and len(self.times) != t:
            raise IndexDataError(f"{len(self.times)} times for {t} periods")
        if self.times is None and t != 1:
            raise IndexDataError("A data set with several periods needs times")
        self.raw = raw
        if self.present is None:
            self.present = np.ones((t, n), dtype=bool)
        # row_keys (None: period by period, units in order) is built when first needed.
        if "Raw" not in self.data:
            self.data["Raw"] = Dataset("Raw", raw, list(self.framework.indicators), self.present)
        self._divisors_cache: np.ndarray | None = None
        self._ranks: np.ndarray | None = None
        # Normalised data sets are written into the first columns of a buffer as wide as
        # Aggregated (see _compute); the aggregate step then fills the remaining columns in
        # place instead of copying 60 MB into a fresh array. Data set name -> full buffer.
        self._wide: dict[str, np.ndarray] = {}

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_tables(
        cls, data_rows: Sequence[Mapping[str, object]], meta_rows: Sequence[Mapping[str, object]]
    ) -> Coin:
        """Build a coin from COINr iData and iMeta rows (see :func:`chiso.index.io.read_table`)."""
        framework = Framework.from_meta(meta_rows)
        if not data_rows:
            raise IndexDataError("iData has no rows")
        header = list(data_rows[0].keys())
        if "uCode" not in header:
            raise IndexDataError("iData has no uCode column")
        framework.check_data(header)
        roles = {str(r.get("iCode")): str(r.get("Type") or "") for r in meta_rows}
        has_time = "Time" in header
        units: list[str] = []
        unit_pos: dict[str, int] = {}
        names: dict[str, str] = {}
        times: list[Any] = []
        keys: list[tuple[str, Any]] = []
        for i, row in enumerate(data_rows, start=2):
            code = row.get("uCode")
            if code is None or str(code).strip() == "":
                raise IndexDataError(f"iData row {i}: uCode is empty")
            code = _as_code(code)
            time = _as_time(row.get("Time")) if has_time else None
            if has_time and time is None:
                raise IndexDataError(f"iData row {i} ({code}): Time is empty")
            if code not in unit_pos:
                unit_pos[code] = len(units)
                units.append(code)
                names[code] = str(row.get("uName") or code)
            if has_time and time not in times:
                times.append(time)
            keys.append((code, time))
        if len(set(keys)) != len(keys):
            dup = sorted({k for k in keys if keys.count(k) > 1}, key=str)[0]
            raise IndexDataError(f"iData: unit {dup[0]} appears twice" + (
                f" for Time {dup[1]}" if has_time else ""))
        if has_time:
            times = sorted(times, key=lambda v: (isinstance(v, str), v))
        t_pos = {v: i for i, v in enumerate(times)} if has_time else {None: 0}
        n_t, n_u = len(t_pos), len(units)
        raw = np.full((n_t, n_u, len(framework.indicators)), np.nan)
        present = np.zeros((n_t, n_u), dtype=bool)
        group_cols = [c for c in header if roles.get(c) == "Group" or c.endswith("_group")]
        denom_cols = {
            c for c in header if roles.get(c) == "Denominator"
        } | {str(framework.nodes[i].params.get("Denominator")) for i in framework.indicators
             if framework.nodes[i].params.get("Denominator") not in (None, "")}
        for d in denom_cols:
            if d not in header:
                raise IndexDataError(f"Denominator column '{d}' named in iMeta is not in iData")
        groups = {g: np.full((n_t, n_u), None, dtype=object) for g in group_cols}
        denoms = {d: np.full((n_t, n_u), np.nan) for d in sorted(denom_cols)}
        row_keys = []
        for i, (row, (code, time)) in enumerate(zip(data_rows, keys, strict=True), start=2):
            t, n = t_pos[time], unit_pos[code]
            present[t, n] = True
            row_keys.append((t, n))
            for j, ind in enumerate(framework.indicators):
                raw[t, n, j] = _as_number(row.get(ind), i, code, ind)
            for g in group_cols:
                v = row.get(g)
                groups[g][t, n] = None if v is None else _as_code(v)
            for d in denoms:
                denoms[d][t, n] = _as_number(row.get(d), i, code, d)
        return cls(
            framework=framework,
            units=units,
            raw=raw,
            times=times if has_time else None,
            unit_names=[names[u] for u in units],
            groups=groups,
            denominators=denoms,
            present=present,
            row_keys=row_keys,
        )

    # ------------------------------------------------------------------ access
    def row_order(self) -> list[tuple[int, int]]:
        """(period, unit) of every input row, in the input's order: ``row_keys`` as given,
        else period by period with units in order (built once, when first asked for)."""
        if self.row_keys is None:
            ti, ni = np.nonzero(self.present)  # row-major: period by period, units in order
            self.row_keys = list(zip(ti.tolist(), ni.tolist(), strict=True))
        return self.row_keys

    def get(self, dset: str | None = None) -> Dataset:
        """A data set by name (the latest one by default)."""
        name = dset or self.latest
        if name not in self.data:
            raise PipelineError(
                f"No data set named '{name}' (have: {', '.join(self.data)})"
            )
        return self.data[name]

    def value(self, code: str, unit: str, time: Any = None, dset: str | None = None) -> float:
        """One value, e.g. ``coin.value("Index", "CHE")``."""
        ds = self.get(dset or ("Aggregated" if "Aggregated" in self.data else None))
        if code not in ds.codes:
            raise IndexDataError(f"No column '{code}' in data set {ds.name}")
        if unit not in self.units:
            raise IndexDataError(f"Unknown unit '{unit}'")
        t = _period(self.times, time)
        return float(ds.values[t, self.units.index(unit), ds.codes.index(code)])

    def results(self) -> Results:
        """Scores and ranks of every aggregate (requires the aggregate step)."""
        ds = self.get("Aggregated")
        agg_idx = [ds.codes.index(c) for c in self.framework.aggregates]
        if agg_idx and agg_idx == list(range(agg_idx[0], agg_idx[0] + len(agg_idx))):
            scores = ds.values[:, :, agg_idx[0]:agg_idx[-1] + 1].copy()  # the usual layout
        else:
            scores = ds.values[:, :, agg_idx]
        if not ds.present.all():
            scores[~ds.present] = np.nan
        if self._ranks is None:
            self._ranks = rank_min(scores, axis=1, descending=True)
        present = ds.present.copy()

        def keys() -> list[tuple[int, int]]:
            order = list(self.row_order())
            if present.all():
                return order
            absent = set(zip(*(a.tolist() for a in np.nonzero(~present)), strict=True))
            return [k for k in order if k not in absent]

        return Results(list(self.framework.aggregates), scores, self._ranks, self.units,
                       self.times, keys)

    def copy(self) -> Coin:
        """A deep copy (arrays included), e.g. before a what-if :meth:`update`."""
        return copy.deepcopy(self)

    # ------------------------------------------------------------------ steps
    def denominate(self, dset: str | None = None) -> Coin:
        """Divide indicators by their meta ``Denominator`` column (missing -> missing)."""
        return self._step("denominate", {}, dset)

    def impute(self, method: str = "mean", group: str | None = None,
               dset: str | None = None) -> Coin:
        """Fill missing values: ``mean``, ``median``, ``group_mean``, ``group_median``, ``none``."""
        if method not in _imp.IMPUTE_METHODS:
            raise PipelineError(
                f"impute: unknown method '{method}' (use one of {', '.join(_imp.IMPUTE_METHODS)})"
            )
        if method.startswith("group_"):
            if not group:
                raise PipelineError(f"impute: method {method} needs 'group' (a group column)")
            if group not in self.groups:
                raise PipelineError(
                    f"impute: group column '{group}' not found (have: {', '.join(self.groups)})"
                )
        return self._step("impute", {"method": method, "group": group}, dset)

    def screen(self, min_availability: float = 0.0, dset: str | None = None) -> Coin:
        """Remove units whose share of non-missing indicators is below ``min_availability``."""
        _check_fraction("screen", "min_availability", min_availability)
        return self._step("screen", {"min_availability": float(min_availability)}, dset)

    def treat(self, method: str = "winsorise", max_points: int = 5, skew: float = 2.0,
              kurtosis: float = 3.5, fallback: str = "log", dset: str | None = None) -> Coin:
        """COINr's default outlier treatment (see :mod:`chiso.index.treat`); ``none`` copies."""
        if method not in ("winsorise", "none"):
            raise PipelineError(f"treat: unknown method '{method}' (use winsorise or none)")
        if fallback not in _treat.TREAT_FALLBACKS:
            raise PipelineError(f"treat: unknown fallback '{fallback}' (use log or none)")
        if not isinstance(max_points, int) or max_points < 0:
            raise PipelineError(f"treat: max_points must be a whole number >= 0, not {max_points!r}")
        params = {"method": method, "max_points": max_points, "skew": float(skew),
                  "kurtosis": float(kurtosis), "fallback": fallback}
        return self._step("treat", params, dset)

    def normalise(self, method: str = "minmax", dset: str | None = None, **params: Any) -> Coin:
        """Normalise each indicator (see :func:`chiso.index.normalise.normalise`).

        Keyword parameters: ``range=[l, u]`` (minmax), ``mean``/``sd`` (zscore),
        ``lower``/``upper``/``scale``/``trunc`` (goalposts), ``cap`` (dist_to_target),
        ``use_meta=True`` (per-indicator parameters from meta columns).
        """
        if method not in _norm.NORMALISE_METHODS:
            raise PipelineError(
                f"normalise: unknown method '{method}' "
                f"(use one of {', '.join(_norm.NORMALISE_METHODS)})"
            )
        self._norm_params(method, params)  # validate now, not half-way through a pipeline
        return self._step("normalise", {"method": method, **params}, dset)

    def aggregate(self, method: str = "arithmetic", p: float = 1.0,
                  min_availability: float = 0.0, dset: str | None = None) -> Coin:
        """Aggregate level by level: ``arithmetic``, ``geometric``, ``harmonic``,
        ``generalised`` (with ``p``) or ``points`` (DTI: earned / maximum points)."""
        if method not in _agg.AGGREGATE_METHODS:
            raise PipelineError(
                f"aggregate: unknown method '{method}' "
                f"(use one of {', '.join(_agg.AGGREGATE_METHODS)})"
            )
        _check_fraction("aggregate", "min_availability", min_availability)
        if method == "generalised" and float(p) == 0:
            raise PipelineError("aggregate: generalised mean with p = 0 is the geometric mean")
        params = {"method": method, "p": float(p), "min_availability": float(min_availability)}
        return self._step("aggregate", params, dset)

    def regenerate(self, **changes: Mapping[str, Any]) -> Coin:
        """A new coin built from ``Raw`` by replaying the log, with some step parameters
        changed: ``coin.regenerate(normalise={"method": "zscore"})``."""
        unknown = set(changes) - {r.step for r in self.log}
        if unknown:
            raise PipelineError(f"regenerate: no logged step named {', '.join(sorted(unknown))}")
        new = Coin(self.framework, list(self.units), self.raw.copy(), times=self.times,
                   unit_names=self.unit_names, groups=self.groups,
                   denominators=self.denominators, present=self.present.copy(),
                   row_keys=self.row_keys)
        for rec in self.log:
            params = dict(rec.params)
            if rec.step in changes:
                if rec.step == "normalise" and "method" in changes[rec.step]:
                    params = {}
                params.update(changes[rec.step])
            getattr(new, rec.step)(dset=rec.input, **params)
        return new

    # ------------------------------------------------------------------ engine
    def _step(self, step: str, params: dict[str, Any], dset: str | None) -> Coin:
        source = self.get(dset)
        if step != "aggregate" and source.name == "Aggregated":
            raise PipelineError(f"{step}: cannot run on the Aggregated data set")
        out = STEP_OUTPUT[step]
        if source.name == out:
            raise PipelineError(
                f"{step}: would read and overwrite {out}; give dset (e.g. the data set before it)"
            )
        rec = StepRecord(step, params, source.name, out)
        t_all = np.arange(self.raw.shape[0])
        c_all = np.arange(len(self.framework.indicators))
        codes = self.framework.columns if step == "aggregate" else list(self.framework.indicators)
        # Filled by _compute (a full run replaces the array; nothing is pre-allocated).
        self.data[out] = Dataset(out, np.empty((0, 0, 0)), list(codes), source.present.copy())
        self._compute(rec, t_all, c_all)
        self.log = [r for r in self.log if r.output != out] + [rec]
        self.latest = out
        self._ranks = None
        return self

    def _compute(self, rec: StepRecord, t_idx: np.ndarray, c_idx: np.ndarray) -> np.ndarray:
        """Compute ``rec`` for periods ``t_idx`` and indicator columns ``c_idx`` and write the
        result into its output data set. Returns the indicator columns that changed (all of
        them if a step needs whole periods, e.g. screening that removed a unit).

        A full run allocates the output once and fills it block by block (one period and a
        few hundred thousand values at a time): every step works column by column within a
        period, and small blocks keep temporaries in cache and out of fresh memory, which is
        what dominates on millions of values. An update gathers just the slice it needs.
        """
        if rec.step == "aggregate":
            return self._compute_aggregate(rec, t_idx)
        src, dst = self.data[rec.input], self.data[rec.output]
        n_t, n_u = src.values.shape[:2]
        n_c = len(self.framework.indicators)
        whole = len(t_idx) == n_t and len(c_idx) == n_c
        if rec.step == "screen":
            return self._compute_screen(rec, t_idx, c_idx, whole)
        present = src.present[t_idx]
        if whole and rec.step in ("treat", "impute"):
            # Treatment blocks itself: all failing columns are Winsorised in one go;
            # imputation works on the positions of the (few) missing values.
            y = self._apply(rec, src.values, present, t_idx, c_idx)
        elif whole:
            # One period at a time, straight into the output: contiguous blocks, and
            # temporaries the size of one period.
            if rec.step == "normalise":
                # Written into the indicator columns of a buffer with room for the
                # aggregates: Aggregated holds these same values in its first columns, so
                # the aggregate step can fill the rest in place (see _compute_aggregate).
                wide = np.empty((n_t, n_u, len(self.framework.columns)))
                y = wide[:, :, :n_c]
                self._wide[rec.output] = wide
            else:
                y = np.empty_like(src.values)
            # Per-indicator normalisation parameters: built once, not per period.
            norm = self._norm_params(rec.params["method"], rec.params) if (
                rec.step == "normalise") else None

            scratch: dict[int, np.ndarray] = {}  # per thread

            def period(t: int) -> None:
                block = y[t:t + 1]
                # NumPy runs the per-column passes of a normalisation about twice as fast on
                # a contiguous block as on the strided columns of the wide buffer, so they
                # run on a contiguous scratch block (per thread, in cache), copied once.
                work = block
                if not block.flags.c_contiguous:
                    work = scratch.get(threading.get_ident())
                    if work is None:
                        work = scratch[threading.get_ident()] = np.empty(block.shape)
                res = self._apply(rec, src.values[t:t + 1], present[t:t + 1], t_idx[t:t + 1],
                                  c_idx, out=work, norm=norm)
                if res is not block:
                    block[...] = res

            for_each(period, range(n_t), values=y.size)  # periods spread over threads
        else:
            x = src.values[np.ix_(t_idx, np.arange(n_u), c_idx)]
            y = self._apply(rec, x, present, t_idx, c_idx)
        dst.present[t_idx] = present
        # Keep absent rows empty whatever the step did (impute must not fill them).
        absent = ~present
        if absent.any():
            y[absent] = np.nan
        if whole:
            dst.values = y
        else:
            dst.values[np.ix_(t_idx, np.arange(n_u), c_idx)] = y
        return c_idx

    def _apply(self, rec: StepRecord, x: np.ndarray, present: np.ndarray, t_idx: np.ndarray,
               c_idx: np.ndarray, out: np.ndarray | None = None,
               norm: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """Run one column-wise step on a (periods, units, columns) block; returns a new array
        (or ``out``, filled, when the step can write there directly). ``norm``: the
        normalisation parameters of every indicator, if already built."""
        p = rec.params
        if rec.step == "denominate":
            div = self._divisors()
            return _denominate(x, div[np.ix_(t_idx, np.arange(x.shape[1]), c_idx)])
        if rec.step == "impute":
            groups = None
            if p["method"].startswith("group_"):
                groups = self._group_ids(p["group"])[t_idx]
            return _imp.impute(x, present, p["method"], groups)
        if rec.step == "treat":
            if p["method"] == "none":
                return x.copy()
            y, det = _treat.treat(x, p["max_points"], p["skew"], p["kurtosis"], p["fallback"])
            self._store_treat_details(det, t_idx, c_idx)
            return y
        if rec.step == "normalise":
            if norm is None:
                norm = self._norm_params(p["method"], p)
            params = {k: v[c_idx] for k, v in norm.items()}
            return _norm.normalise(x, p["method"], self.framework.direction[c_idx], params,
                                   out=out)
        raise PipelineError(f"Unknown step '{rec.step}'")  # pragma: no cover

    def _compute_screen(self, rec: StepRecord, t_idx: np.ndarray, c_idx: np.ndarray,
                        whole: bool) -> np.ndarray:
        src, dst = self.data[rec.input], self.data[rec.output]
        n_u = src.values.shape[1]
        period = src.values if len(t_idx) == src.values.shape[0] else src.values[t_idx]
        share = _scr.availability(period)
        new_present = src.present[t_idx] & (share >= rec.params["min_availability"])
        changed = not np.array_equal(new_present, dst.present[t_idx])
        dst.present[t_idx] = new_present
        avail = self.details.setdefault("Screened", np.full(self.raw.shape[:2], np.nan))
        avail[t_idx] = share
        if whole or changed:
            # A unit removed or restored: the whole period changes downstream.
            y = period.copy()
            y[~new_present] = np.nan
            if len(t_idx) == src.values.shape[0]:
                dst.values = y
            else:
                dst.values[t_idx] = y
            return np.arange(len(self.framework.indicators))
        x = src.values[np.ix_(t_idx, np.arange(n_u), c_idx)]
        x[~new_present] = np.nan
        dst.values[np.ix_(t_idx, np.arange(n_u), c_idx)] = x
        return c_idx

    def _compute_aggregate(self, rec: StepRecord, t_idx: np.ndarray) -> np.ndarray:
        src, dst = self.data[rec.input], self.data[rec.output]
        fw = self.framework
        n_ind = len(fw.indicators)
        n_t = src.values.shape[0]
        whole = len(t_idx) == n_t
        wide = self._wide.pop(rec.input, None) if whole else None
        if wide is not None and src.values.base is wide and src.values.shape[2] == n_ind:
            # The input was written into the first columns of this buffer: Aggregated
            # takes it over (the indicator columns are the input's values; the two data
            # sets share them) and only the aggregate columns are computed. Popped, so
            # a second aggregate on the same input gets an array of its own.
            block = wide
        else:
            block = np.empty((len(t_idx), src.values.shape[1], len(fw.columns)))
            block[:, :, :n_ind] = (src.values if whole else src.values[t_idx])[:, :, :n_ind]
        p = rec.params
        try:
            # Period by period, periods spread over threads, BLAS on one thread each: each
            # period's 5,000 x 150 block is read from memory once, by the NaN screen, and
            # the matrix products find it in cache. The products are the same per row
            # (BLAS splits rows, never the sum over children), so the result is
            # bit-identical to one product over the whole panel.
            with blas_single_threaded():
                for_each(lambda t: _agg.aggregate(block[t], fw, p["method"], p["p"],
                                                  p["min_availability"]),
                         range(block.shape[0]), values=block.size)
        except ValueError as first:
            exc = first
            try:  # the message names every aggregate concerned, across all periods
                _agg.aggregate(block.copy(), fw, p["method"], p["p"], p["min_availability"])
            except ValueError as whole_exc:
                exc = whole_exc
            raise PipelineError(f"aggregate: {exc}") from None
        present = src.present[t_idx]
        dst.present[t_idx] = present
        if not present.all():
            block[~present] = np.nan
        if whole:
            dst.values = block
        else:
            dst.values[t_idx] = block
        return np.arange(n_ind)

    def _divisors(self) -> np.ndarray:
        if self._divisors_cache is None:
            fw = self.framework
            div = np.ones(self.raw.shape)
            for j, code in enumerate(fw.indicators):
                d = fw.nodes[code].params.get("Denominator")
                if d not in (None, ""):
                    div[:, :, j] = self.denominators[str(d)]
            self._divisors_cache = div
        return self._divisors_cache

    def _group_ids(self, group: str) -> np.ndarray:
        cache = self.__dict__.setdefault("_group_cache", {})
        if group not in cache:
            cache[group] = self._compute_group_ids(group)
        return cache[group]

    def _compute_group_ids(self, group: str) -> np.ndarray:
        labels = self.groups[group]
        names = sorted({v for v in labels.ravel() if v is not None})
        lookup = {v: i for i, v in enumerate(names)}
        return np.vectorize(lambda v: lookup.get(v, -1), otypes=[np.intp])(labels)

    def _store_treat_details(self, det: _treat.TreatDetails, t_idx: np.ndarray,
                             c_idx: np.ndarray) -> None:
        shape = (self.raw.shape[0], len(self.framework.indicators))
        store = self.details.setdefault("Treated", {})
        for name in ("skew_before", "kurt_before", "winsorised", "fallback", "skew_after",
                     "kurt_after"):
            arr = store.setdefault(name, np.zeros(shape, dtype=getattr(det, name).dtype))
            arr[np.ix_(t_idx, c_idx)] = getattr(det, name)

    def _norm_params(self, method: str, p: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """Per-indicator parameter arrays for ``method`` from the step options or the meta."""
        fw = self.framework
        n = len(fw.indicators)
        use_meta = bool(p.get("use_meta", False))
        allowed = {"method", "use_meta", "dset"} | {
            "minmax": {"range"}, "zscore": {"mean", "sd"},
            "goalposts": {"lower", "upper", "scale", "trunc"}, "dist_to_target": {"cap"},
        }.get(method, set())
        extra = set(p) - allowed
        if extra:
            raise PipelineError(
                f"normalise: parameter(s) {', '.join(sorted(extra))} do not apply to method {method}"
            )

        def const(v: Any, what: str) -> np.ndarray:
            try:
                f = float(v)
            except (TypeError, ValueError):
                raise PipelineError(f"normalise: {what} must be a number, not {v!r}") from None
            return np.full(n, f)

        def meta(col: str, fallback: np.ndarray) -> np.ndarray:
            if not use_meta:
                return fallback
            if not fw.has_param(col):
                raise PipelineError(
                    f"normalise: use_meta is set but the meta has no column {col}"
                )
            vals = fw.param(col)
            return np.where(np.isnan(vals), fallback, vals)

        out: dict[str, np.ndarray] = {}
        if method == "minmax":
            rng = p.get("range", [0, 100])
            if not isinstance(rng, list | tuple) or len(rng) != 2:
                raise PipelineError(f"normalise: range must be [lower, upper], not {rng!r}")
            out["lower"] = meta("minmax_lower", const(rng[0], "range"))
            out["upper"] = meta("minmax_upper", const(rng[1], "range"))
            for col in ("fixed_min", "fixed_max"):
                if fw.has_param(col):
                    out[col] = fw.param(col)
        elif method == "zscore":
            out["mean"] = meta("zscore_mean", const(p.get("mean", 0.0), "mean"))
            out["sd"] = meta("zscore_sd", const(p.get("sd", 1.0), "sd"))
            if np.any(out["sd"] <= 0):
                raise PipelineError("normalise: zscore sd must be positive")
        elif method == "goalposts":
            lower = p.get("lower", np.nan if use_meta else None)
            upper = p.get("upper", np.nan if use_meta else None)
            if lower is None or upper is None:
                raise PipelineError("normalise: goalposts needs lower and upper (or use_meta)")
            out["lower"] = meta("goalpost_lower", const(lower, "lower"))
            out["upper"] = meta("goalpost_upper", const(upper, "upper"))
            out["scale"] = meta("goalpost_scale", const(p.get("scale", 1.0), "scale"))
            trunc = fw.param("goalpost_trunc2posts") if use_meta and fw.has_param(
                "goalpost_trunc2posts") else np.full(n, np.nan)
            out["trunc"] = np.where(np.isnan(trunc), float(bool(p.get("trunc", True))), trunc)
            if use_meta and np.isnan(out["lower"]).any() | np.isnan(out["upper"]).any():
                missing = [c for c, lo, up in zip(fw.indicators, out["lower"], out["upper"],
                                                  strict=True) if np.isnan(lo) or np.isnan(up)]
                raise PipelineError("normalise: no goalposts in the meta for " + ", ".join(missing))
        elif method == "dist_to_target":
            if not fw.has_param("Target"):
                raise PipelineError("normalise: dist_to_target needs a Target column in the meta")
            out["target"] = fw.param("Target")
            cap = np.full(n, float(bool(p.get("cap", False))))
            if use_meta and fw.has_param("dist2targ_cap_max"):
                m = fw.param("dist2targ_cap_max")
                cap = np.where(np.isnan(m), cap, m)
            out["cap"] = cap
        return out

    # ------------------------------------------------------------------ what-if
    def update(self, changes: Iterable[tuple[str, str, float]] | Mapping[Any, float],
               time: Any = None) -> Coin:
        """Change raw values and recompute, in place, only what they affect.

        ``changes`` is ``{(unit, column): value}`` (or ``{(unit, column, time): value}`` for a
        panel) or an iterable of ``(unit, column, value)``. ``column`` is an indicator or a
        denominator. Each step is recomputed for the changed period and the affected
        indicator columns only (every step here works column by column within a period);
        screening, when a unit's availability crosses the threshold, widens this to the whole
        period, and aggregation always recomputes the whole period. Use :meth:`copy` first to
        keep the original.
        """
        items = list(changes.items()) if isinstance(changes, Mapping) else [
            ((u, c), v) for u, c, v in changes]
        fw = self.framework
        touched: dict[int, set[int]] = {}
        for key, value in items:
            unit, code = key[0], key[1]
            when = key[2] if len(key) > 2 else time
            t = _period(self.times, when)
            if unit not in self.units:
                raise IndexDataError(f"update: unknown unit '{unit}'")
            n = self.units.index(unit)
            v = np.nan if value is None else float(value)
            if code in fw.index and code in fw.indicators:
                j = fw.indicators.index(code)
                self.raw[t, n, j] = v
                touched.setdefault(t, set()).add(j)
            elif code in self.denominators:
                self.denominators[code][t, n] = v
                users = [j for j, i in enumerate(fw.indicators)
                         if str(fw.nodes[i].params.get("Denominator")) == code]
                if self._divisors_cache is not None:
                    self._divisors_cache[t, n, users] = v
                touched.setdefault(t, set()).update(users)
            else:
                raise IndexDataError(f"update: '{code}' is not an indicator or a denominator")
        if self._ranks is None and "Aggregated" in self.data:
            self.results()
        n_ind = len(fw.indicators)
        for t, cols in touched.items():
            t_idx = np.array([t])
            c_idx = np.array(sorted(cols), dtype=np.intp)
            affected = c_idx
            for rec in self.log:
                if rec.step == "aggregate":
                    affected = c_idx
                c_idx = self._compute(rec, t_idx, c_idx)
            if self._ranks is not None:
                # Only aggregates depending on a changed indicator can change rank.
                if len(affected) == n_ind:
                    names = set(fw.aggregates)
                else:
                    names = set().union(*(fw.ancestors(fw.indicators[j]) for j in affected))
                pos = [i for i, c in enumerate(fw.aggregates) if c in names]
                ds = self.data["Aggregated"]
                s = ds.values[t][:, [fw.index[fw.aggregates[i]] for i in pos]].T.copy()
                s[:, ~ds.present[t]] = np.nan
                self._ranks[t][:, pos] = rank_min(s, axis=1, descending=True).T
        return self


def _period(times: list[Any] | None, time: Any) -> int:
    """Index of ``time``; ``None`` is fine when there is only one period."""
    if times is None or (time is None and len(times) == 1):
        return 0
    if time is None:
        raise IndexDataError("This data set has several periods: give a time")
    if time not in times:
        raise IndexDataError(f"Unknown time {time!r} (have: {', '.join(map(str, times))})")
    return times.index(time)


def _check_fraction(step: str, name: str, value: Any) -> None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise PipelineError(f"{step}: {name} must be a number between 0 and 1") from None
    if not 0 <= f <= 1:
        raise PipelineError(f"{step}: {name} must be between 0 and 1, not {value!r}")


def _as_code(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _as_time(value: object) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _as_number(value: object, row: int, unit: str, column: str) -> float:
    if value is None:
        return np.nan
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    raise IndexDataError(f"iData row {row} ({unit}), column {column}: not a number ({value!r})")
