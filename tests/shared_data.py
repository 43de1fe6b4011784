"""Where the shared test data lies (``../shared/data`` beside the project) and what a test does without it.

On a developer's machine a test whose file is missing skips, saying which file; in CI (``CI`` set) it fails,
so that a CI run without ``../shared`` cannot pass by skipping a third of the suite.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data").resolve()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in {"", "0", "false", "no"}


def absent(path: Path) -> bool:
    """For ``skipif``: True only off CI when ``path`` is missing (in CI the test runs, and fails on it)."""
    return not path.exists() and not in_ci()


def require(path: Path) -> Path:
    """``path``, or a skip (a fail in CI) that names it."""
    if not path.exists():
        message = f"{path} not found: ../shared/data must lie beside the project"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return path
