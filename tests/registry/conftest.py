"""Registry app fixtures: small files written on the fly, the real export, imports run in the foreground."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from tests.shared_data import SHARED_DATA, require

REAL_FILE = SHARED_DATA / "registry" / "gongshang_dev.xlsx"

# valid credit codes (check characters computed by GB 32100-2015)
CODE_A = "91430211MA4L0XY05X"  # 株洲 天元区
CODE_B = "914302007658421233"  # 株洲 (city level)
CODE_C = "91320583MA1MXXXX05"  # 昆山
CODE_D = "91440300MA5F00001A"  # 深圳


@pytest.fixture(autouse=True)
def _imports_in_foreground(settings, tmp_path):
    settings.REGISTRY_IMPORT_IN_BACKGROUND = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HOME_REGION = "430200"


@pytest.fixture
def real_file() -> Path:
    require(REAL_FILE)
    return REAL_FILE


@pytest.fixture
def write_csv(tmp_path):
    """write_csv(header, rows, name="firms.csv") → path of a UTF-8 CSV."""

    def write(header, rows, name="firms.csv"):
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write


@pytest.fixture
def write_xlsx(tmp_path):
    """write_xlsx(header, rows, name="firms.xlsx") → path; numbers stay numbers, dates stay dates."""

    def write(header, rows, name="firms.xlsx"):
        import xlsxwriter

        path = tmp_path / name
        workbook = xlsxwriter.Workbook(str(path))
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, header)
        datefmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if hasattr(value, "year"):
                    sheet.write_datetime(r, c, value, datefmt)
                else:
                    sheet.write(r, c, value)
        workbook.close()
        return path

    return write
