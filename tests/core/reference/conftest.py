from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared_data import SHARED_DATA, require

SHARED = SHARED_DATA / "reference"


@pytest.fixture
def shared_regions() -> Path:
    folder = SHARED / "regions"
    require(folder / "areas.csv")
    return folder


@pytest.fixture
def shared_industry_file() -> Path:
    path = SHARED / "industry" / "gbt4754_2017.csv"
    require(path)
    return path
