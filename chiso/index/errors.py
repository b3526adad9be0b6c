"""Exceptions of the index engine.

Every error is a ``ValueError`` subclass so callers that only care about "bad input" can catch
one type; the message always names the offending node codes, step or parameter.
"""

from __future__ import annotations

__all__ = ["FrameworkError", "IndexDataError", "PipelineError"]


class FrameworkError(ValueError):
    """The framework (tree/graph of indicators and aggregates) is not valid."""


class IndexDataError(ValueError):
    """Input data do not fit the framework (missing columns, bad numbers, bad panel)."""


class PipelineError(ValueError):
    """A pipeline file or a step's parameters are not valid."""
