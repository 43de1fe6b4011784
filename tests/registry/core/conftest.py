"""The registry's analytic core is plain Python: these tests run with ``-p no:django``.

"""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = (Path(__file__).parents[3] / "../shared/data").resolve()



@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared test data folder (/work/shared/data); tests that need it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared test data not found at {SHARED_DATA}")
    return SHARED_DATA
