"""Index engine: Django-free scoring, aggregation and ranking (pure Python + NumPy).

Composite-indicator pipeline modelled on COINr: a :class:`Framework` (graph of indicators and
aggregates), a :class:`Coin` holding every data set and the log of steps, the pipeline runner
and the analysis tools (explain, what-if, sensitivity). See docs/index-engine.md.
"""

from .coin import Coin, Dataset, Results, StepRecord
from .errors import FrameworkError, IndexDataError, PipelineError
from .explain import Contribution, Explanation, explain, what_if
from .framework import Framework, Node
from .pipeline import load_coinr_tables, load_pipeline, run_pipeline, write_outputs
from .sensitivity import SensitivityResult, sensitivity

__all__ = [
    "Coin",
    "Contribution",
    "Dataset",
    "Explanation",
    "Framework",
    "FrameworkError",
    "IndexDataError",
    "Node",
    "PipelineError",
    "Results",
    "SensitivityResult",
    "StepRecord",
    "explain",
    "load_coinr_tables",
    "load_pipeline",
    "run_pipeline",
    "sensitivity",
    "what_if",
    "write_outputs",
]
