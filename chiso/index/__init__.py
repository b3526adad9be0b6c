"""Index engine: Django-free scoring, aggregation and ranking (pure Python + NumPy).

Composite-indicator pipeline modelled on COINr: a :class:`Framework` (graph of indicators and
aggregates), a :class:`Coin` holding every data set and the log of steps, the pipeline runner
and the analysis tools (explain, what-if, sensitivity). See docs/index-engine.md.
"""

from .coin import Coin, Dataset, Results, StepRecord
from .dti import DTIResult, dti_from_components, dti_from_main_indices, merge_units
from .errors import FrameworkError, IndexDataError, PipelineError
from .explain import Contribution, Explanation, explain, what_if
from .framework import Framework, Node
from .gap import GapPlan, gap_to_rank
from .pipeline import load_coinr_tables, load_pipeline, run_pipeline, write_outputs
from .ranking import (
    BandScheme,
    change_vs_previous,
    rank_min,
    rank_within_groups,
    strengths_weaknesses,
)
from .rules import RuleError, parse_rule
from .sensitivity import SensitivityResult, sensitivity

__all__ = [
    "BandScheme",
    "Coin",
    "Contribution",
    "DTIResult",
    "Dataset",
    "Explanation",
    "Framework",
    "FrameworkError",
    "GapPlan",
    "IndexDataError",
    "Node",
    "PipelineError",
    "Results",
    "RuleError",
    "SensitivityResult",
    "StepRecord",
    "change_vs_previous",
    "dti_from_components",
    "dti_from_main_indices",
    "explain",
    "gap_to_rank",
    "load_coinr_tables",
    "load_pipeline",
    "merge_units",
    "parse_rule",
    "rank_min",
    "rank_within_groups",
    "run_pipeline",
    "sensitivity",
    "strengths_weaknesses",
    "what_if",
    "write_outputs",
]
