"""Fixtures of the plans tests (the intake ones live in `intake_fixtures.py`)."""

from .intake_fixtures import intake_metric, intake_plan, staff  # noqa: F401
