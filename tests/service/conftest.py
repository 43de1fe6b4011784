"""Fixtures of the service-desk tests: categories routed to the cast's department, a 12345 export writer."""

from __future__ import annotations

from datetime import datetime

import pytest


@pytest.fixture
def desk(cast):
    """The cast plus the default categories; 用地 is routed to the cast's department (自然资源局)."""
    from zhaoshang.service.models import Category
    from zhaoshang.service.services import ensure_categories

    ensure_categories(None)
    Category.objects.filter(code="land").update(department=cast.dept)
    cast.land = Category.objects.get(code="land")
    return cast


@pytest.fixture
def write_export(tmp_path):
    """write_export(rows, header=..., name=...) → path of a 12345-shaped XLSX (or CSV by suffix)."""
    import xlsxwriter

    def write(rows, header, name="export.xlsx"):
        path = tmp_path / name
        if path.suffix == ".csv":
            import csv

            with path.open("w", encoding="utf-8-sig", newline="") as out:
                w = csv.writer(out)
                w.writerow(header)
                w.writerows(rows)
            return path
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet()
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        sheet.write_row(0, 0, header)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write_datetime(r, c, value, when)
                elif value is not None:
                    sheet.write(r, c, value)
        book.close()
        return path

    return write
