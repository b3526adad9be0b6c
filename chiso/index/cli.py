"""Command line: ``chiso index run PIPELINE.yaml --out DIR`` (also ``python -m chiso.index``).

Exit codes: 0 success, 2 bad input (pipeline file, data, framework, arguments); the message
goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from .errors import FrameworkError, IndexDataError, PipelineError
from .pipeline import run_pipeline

if TYPE_CHECKING:
    from .coin import Coin

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chiso index", description="Composite-indicator engine (COINr-compatible pipeline)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a pipeline file and write every data set as CSV")
    run.add_argument("pipeline", help="pipeline YAML file (see docs/index-engine.md)")
    run.add_argument("--out", required=True, help="output directory (created if needed)")
    run.add_argument("--top", type=int, default=10,
                     help="print the top N units of the top aggregate (0 = none)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code instead of exiting."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed its message on stderr
        return int(exc.code or 0)
    if args.command == "run":
        try:
            coin = run_pipeline(args.pipeline, out_dir=args.out)
        except (PipelineError, IndexDataError, FrameworkError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"wrote {len(coin.data)} data sets" +
              (" and results.csv" if "Aggregated" in coin.data else "") + f" to {args.out}")
        if "Aggregated" in coin.data and args.top > 0 and coin.framework.aggregates:
            _print_top(coin, args.top)
    return 0


def _print_top(coin: Coin, top: int) -> None:
    """Print the top units of the top aggregate, per period."""
    res = coin.results()
    code = coin.framework.aggregates[-1]
    a = res.codes.index(code)
    for t in range(res.scores.shape[0]):
        label = f" {coin.times[t]}" if coin.times is not None and len(coin.times) > 1 else ""
        print(f"{code}{label}:")
        order = sorted(
            (int(r), coin.units[n], float(res.scores[t, n, a]))
            for n, r in enumerate(res.ranks[t, :, a]) if r == r
        )[:top]
        for rank, unit, score in order:
            print(f"  {rank:>4}  {unit:<12} {score:.4f}")
