"""Where the shared reference data live (``shared/`` beside the repository, as in CI)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
ASEM = SHARED / "data" / "asem"

needs_shared = pytest.mark.skipif(
    not ASEM.is_dir(),
    reason=f"shared reference data not found at {ASEM} (clone shared/ beside the repository)",
)
