"""A streaming reader for big XLSX files: one row in memory at a time.

python-calamine (the fast reader used for ordinary files) loads the whole sheet into memory first — about 1.3 KB
per row of a registry export, so a 1,000,000-row workbook would need well over a gigabyte. This reader walks the
sheet's XML with ``xml.etree.ElementTree.iterparse`` and drops every row once read. It understands what registry
exports contain: shared strings, inline strings, numbers, booleans, formula results and dates (cells whose style
has a date format, in the 1900 or 1904 date system). Cells come back as calamine's do after
:func:`~.readers._excel_cell`: text, or :class:`datetime.date` / :class:`datetime.datetime` for dates.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.etree.ElementTree import iterparse

from zhaoshang.core.errors import DomainError

from .cells import cell_text

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW, _C, _V, _IS, _T, _R, _SI = (_MAIN + n for n in ("row", "c", "v", "is", "t", "r", "si"))

# Built-in number formats that show dates or times (ECMA-376 18.8.30, and the CJK ones Excel uses in China).
_DATE_FORMAT_IDS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_DATE_CODE = re.compile(r"[ymdhs]|年|月|日")
_NOT_CODE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_COLUMN = re.compile(r"[A-Z]+")
_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)


def _is_date_format(code: str) -> bool:
    text = _NOT_CODE.sub("", code.lower())
    return text not in ("general", "@") and _DATE_CODE.search(text) is not None


def _column_index(ref: str) -> int:
    letters = _COLUMN.match(ref)
    if not letters:
        return -1
    index = 0
    for ch in letters.group(0):
        index = index * 26 + ord(ch) - 64
    return index - 1


def _text_of(element) -> str:  # type: ignore[no-untyped-def]
    """Text of an ``<si>`` or ``<is>``: its ``<t>``, or the ``<t>`` of its rich-text runs (not phonetic hints)."""
    direct = element.find(_T)
    if direct is not None:
        return direct.text or ""
    return "".join((r.findtext(_T) or "") for r in element.iter(_R))


def _inline(cell) -> str:  # type: ignore[no-untyped-def]
    for child in cell:
        if child.tag == _IS:
            if len(child) == 1 and child[0].tag == _T:  # the common case: <is><t>text</t></is>
                return child[0].text or ""
            return _text_of(child)
    return ""


class _Workbook:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        names = set(archive.namelist())
        rel_id, date1904 = self._workbook_facts()
        self.sheet = self._first_sheet(names, rel_id)
        self.shared = self._shared_strings() if "xl/sharedStrings.xml" in names else []
        self.date_styles = self._date_styles() if "xl/styles.xml" in names else frozenset()
        self.epoch = _EPOCH_1904 if date1904 else _EPOCH_1900

    def _workbook_facts(self) -> tuple[str | None, bool]:
        """From ``xl/workbook.xml``, read once: the first sheet's relationship id and the 1904 date system flag."""
        rel_id, date1904 = None, False
        try:
            with self.archive.open("xl/workbook.xml") as handle:
                for _, element in iterparse(handle):
                    if element.tag == _MAIN + "workbookPr":
                        date1904 = element.get("date1904", "0").lower() in ("1", "true")
                    elif element.tag == _MAIN + "sheet" and rel_id is None:
                        rel_id = element.get(_REL + "id")
        except KeyError:
            pass
        return rel_id, date1904

    def _first_sheet(self, names: set[str], rel_id: str | None) -> str:
        try:
            with self.archive.open("xl/_rels/workbook.xml.rels") as handle:
                for _, e in iterparse(handle):
                    if e.tag == _PKG_REL + "Relationship" and e.get("Id") == rel_id:
                        target = e.get("Target", "")
                        path = (
                            target.lstrip("/")
                            if target.startswith("/")
                            else posixpath.normpath("xl/" + target)
                        )
                        if path in names:
                            return path
        except KeyError:
            pass
        sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
        if not sheets:
            raise KeyError("no worksheet")
        return sheets[0]

    def _shared_strings(self) -> list[str]:
        strings: list[str] = []
        with self.archive.open("xl/sharedStrings.xml") as handle:
            for _, element in iterparse(handle):
                if element.tag == _SI:
                    strings.append(_text_of(element))
                    element.clear()
        return strings

    def _date_styles(self) -> frozenset[int]:
        custom: dict[int, str] = {}
        xf_formats: list[int] = []
        in_cell_xfs = False
        with self.archive.open("xl/styles.xml") as handle:
            for event, element in iterparse(handle, events=("start", "end")):
                tag = element.tag
                if tag == _MAIN + "numFmt" and event == "end":
                    custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
                elif tag == _MAIN + "cellXfs":
                    in_cell_xfs = event == "start"
                elif tag == _MAIN + "xf" and event == "end" and in_cell_xfs:
                    xf_formats.append(int(element.get("numFmtId", "0")))
        return frozenset(
            i
            for i, fmt in enumerate(xf_formats)
            if (fmt in custom and _is_date_format(custom[fmt]))
            or (fmt not in custom and fmt in _DATE_FORMAT_IDS)
        )

    def _date(self, serial: float) -> date | datetime:
        moment = self.epoch + timedelta(milliseconds=round(serial * 86_400_000))  # as Excel rounds the time
        if self.epoch is _EPOCH_1900 and serial < 60:
            moment += timedelta(days=1)  # Excel's 1900-02-29 that never was
        return moment.date() if moment.time() == datetime.min.time() else moment

    def rows(self, max_width: int = 16_384) -> Iterator[tuple[int, list[str | date]]]:
        shared, date_styles = self.shared, self.date_styles
        with self.archive.open(self.sheet) as handle:
            number = 0
            width = 0  # rows are padded to the width the sheet declares, as calamine pads them
            # "end" events only (half the events of "start" and "end"); each row is cleared once read, so what
            # stays behind is an empty element per row (~70 bytes)
            for _event, element in iterparse(handle):
                tag = element.tag
                if tag != _ROW:
                    if tag == _MAIN + "dimension":
                        width = min(_column_index(element.get("ref", "").rpartition(":")[2]) + 1, max_width)
                    continue
                r = element.get("r")
                number = int(r) if r else number + 1
                cells: list[str | date] = []
                for c in element:
                    if c.tag != _C:
                        continue
                    ref = c.get("r")
                    if ref:
                        index = _column_index(ref)
                        if index > len(cells):
                            cells.extend([""] * (index - len(cells)))
                    if (
                        len(cells) >= 16_384
                    ):  # Excel's last column is XFD; cells without references could go on
                        raise DomainError("一行超过16,384个单元格", code="xlsx_row_too_wide")
                    kind = c.get("t")
                    if kind == "inlineStr":
                        cells.append(_inline(c))
                        continue
                    v = c.findtext(_V)
                    if v is None:
                        cells.append("")
                    elif kind == "s":
                        cells.append(shared[int(v)])
                    elif kind in ("str", "e"):
                        cells.append(v if kind == "str" else "")
                    elif kind == "b":
                        cells.append("TRUE" if v == "1" else "FALSE")
                    else:
                        value = float(v)
                        style = c.get("s")
                        if style is not None and int(style) in date_styles:
                            try:
                                cells.append(self._date(value))
                            except OverflowError:
                                cells.append(cell_text(value))
                        else:
                            cells.append(
                                cell_text(int(value) if value.is_integer() and abs(value) < 1e15 else value)
                            )
                if len(cells) < width:
                    cells.extend([""] * (width - len(cells)))
                element.clear()
                yield number, cells


def iter_xlsx_stream(path: str | Path, *, max_width: int = 16_384) -> Iterator[tuple[int, list[str | date]]]:
    """``(row number, cells)`` of the first sheet of an XLSX/XLSM file, wholly empty rows included; rows are padded
    to the sheet's declared width, but never beyond ``max_width`` (the widest row the safety check found)."""
    with zipfile.ZipFile(path) as archive:
        yield from _Workbook(archive).rows(max_width)
