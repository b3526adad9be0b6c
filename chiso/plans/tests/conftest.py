"""Fixtures of the plans tests: statuses, counts and pages in `fixtures.py`, the intake
ones in `intake_fixtures.py`. Tests import helpers (`put`, `make_target`) from there."""

from .fixtures import plan, rank, rate  # noqa: F401
from .intake_fixtures import intake_metric, intake_plan, staff  # noqa: F401
