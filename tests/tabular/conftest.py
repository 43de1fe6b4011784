"""Hostile files, generated small in the test (none is stored in the repository)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


class Hostile:
    """Builds each hostile kind in a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def xlsx(self, name: str, sheet_xml: str | bytes, *, sheet_name: str = "Sheet1") -> Path:
        path = self.folder / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", _CONTENT_TYPES)
            z.writestr("_rels/.rels", _ROOT_RELS)
            z.writestr("xl/workbook.xml", _WORKBOOK.format(name=sheet_name))
            z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
            z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        return path

    def sheet(self, rows: str, dimension: str | None = None) -> str:
        dim = f'<dimension ref="{dimension}"/>' if dimension else ""
        return f"{_SHEET_HEAD}{dim}<sheetData>{rows}</sheetData></worksheet>"

    def header_row(self) -> str:
        return '<row r="1">' + _cell("A1", "企业名称") + _cell("B1", "统一社会信用代码") + "</row>"

    def huge_dimension(self, name: str = "huge_dimension.xlsx") -> Path:
        """Declares every cell of the sheet (A1:XFD1048576) and holds two."""
        return self.xlsx(name, self.sheet(self.header_row(), "A1:XFD1048576"))

    def far_cells(self, name: str = "far_cells.xlsx") -> Path:
        """Cells at A199999 and XFD199999 (calamine asks for ~100 GB)."""
        rows = (
            self.header_row()
            + '<row r="199999">'
            + _cell("A199999", "x")
            + _cell("XFD199999", "y")
            + "</row>"
        )
        return self.xlsx(name, self.sheet(rows, "A1:XFD199999"))

    def far_reference(self, name: str = "far_reference.xlsx") -> Path:
        """A cell reference far beyond Excel's columns (ZZZZZZZZZ2)."""
        rows = self.header_row() + '<row r="2">' + _cell("ZZZZZZZZZ2", "x") + "</row>"
        return self.xlsx(name, self.sheet(rows))

    def width_bomb(self, name: str = "width_bomb.xlsx") -> Path:
        """Declares A1:ZZZZZZ200000."""
        return self.xlsx(name, self.sheet(self.header_row(), "A1:ZZZZZZ200000"))

    def zip_bomb(self, name: str = "zip_bomb.xlsx", megabytes: int = 40) -> Path:
        """A sheet of ``megabytes`` MB of XML that compresses to a few tens of KB."""
        filler = "<!--" + " " * 1000 + "-->"
        body = filler * (megabytes * 1024)
        return self.xlsx(name, self.sheet(self.header_row() + body))

    def many_entries(self, name: str = "many_entries.xlsx", count: int = 10_050) -> Path:
        path = self.xlsx(name, self.sheet(self.header_row()))
        with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as z:
            for i in range(count):
                z.writestr(f"xl/media/e{i}.bin", b"")
        return path

    def billion_laughs(self, name: str = "laughs.yaml") -> Path:
        lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        for i in range(1, 10):
            refs = ",".join([f"*a{i - 1}"] * 10)
            lines.append(f"a{i}: &a{i} [{refs}]")
        lines.append("slug: laughs\nname: laughs\nnodes: *a9")
        path = self.folder / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def deep_yaml(self, name: str = "deep.yaml", depth: int = 5000) -> Path:
        path = self.folder / name
        path.write_text("nodes: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
        return path

    def binary(self, name: str) -> Path:
        path = self.folder / name
        path.write_bytes(bytes(range(256)) * 64)
        return path


@pytest.fixture
def hostile(tmp_path: Path) -> Hostile:
    return Hostile(tmp_path)
