"""The registry's analytic core is plain Python: these tests run with ``-p no:django``."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.shared_data import SHARED_DATA, require


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared test data folder (/work/shared/data); tests that need it skip when it is absent."""
    return require(SHARED_DATA)
