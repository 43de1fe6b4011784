from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "reference"


@pytest.fixture
def shared_regions() -> Path:
    folder = SHARED / "regions"
    if not (folder / "areas.csv").exists():
        pytest.skip(f"共享测试数据不存在：{folder}")
    return folder


@pytest.fixture
def shared_industry_file() -> Path:
    path = SHARED / "industry" / "gbt4754_2017.csv"
    if not path.exists():
        pytest.skip(f"共享测试数据不存在：{path}")
    return path


