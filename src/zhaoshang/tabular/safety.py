"""Checks that run before any import reads a file: a hostile or broken file is refused, never read.

Plain Python (no Django). Every import (registry, pipeline, chains YAML and XLSX, BOM) calls these before its
reader touches the file:

- :func:`check_spreadsheet` — an XLSX/XLSM (a ZIP archive): the archive's entry count, total uncompressed size and
  compression ratio from its directory, then every worksheet's declared extent (``<dimension>``) and actual
  extent (row numbers and cell references, parsed with bounds) by streaming its XML in chunks — never loaded
  whole. python-calamine allocates the declared or referenced rectangle at once (a 1.7 KB file claiming cells at
  A1 and XFD199999 asks for ~100 GB and aborts the process), so nothing may reach it unchecked.
- :func:`check_text_file` — a CSV/YAML: not binary (NUL bytes, control characters, executable/archive magic).
- :func:`safe_yaml_load` and :class:`LimitedSafeLoader` — YAML through PyYAML's safe loader with a nesting depth
  limit and a limit on the size of the document once aliases are expanded ("billion laughs").

A refusal raises :class:`FileRefused` (= :class:`~.errors.RefusedFileError`, a DomainError) whose message names the file and the limit.
Limits come from environment variables (read and validated at start-up by ``zhaoshang.settings``):
``ZHAOSHANG_IMPORT_MAX_ROWS``, ``ZHAOSHANG_IMPORT_MAX_UNCOMPRESSED_MB``, ``ZHAOSHANG_IMPORT_MAX_COMPRESSION_RATIO``,
``ZHAOSHANG_IMPORT_MAX_CELLS``.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

import yaml

from .errors import RefusedFileError

EXCEL_MAX_ROWS: Final = 1_048_576
EXCEL_MAX_COLUMNS: Final = 16_384  # column XFD
#: Cells (rows × columns) of a sheet that a reader loading whole sheets (python-calamine) may be given.
WHOLE_SHEET_MAX_CELLS: Final = 4_000_000
CHUNK_BYTES: Final = 1 << 20
#: An entry smaller than this is never refused for its compression ratio (a few KB of XML can compress 200:1).
RATIO_MIN_BYTES: Final = 1 << 20
#: A tag longer than this (no ``>`` within it) is not XML a spreadsheet program writes.
MAX_TAG_BYTES: Final = 1 << 20

ENV_MAX_ROWS: Final = "ZHAOSHANG_IMPORT_MAX_ROWS"
ENV_MAX_UNCOMPRESSED_MB: Final = "ZHAOSHANG_IMPORT_MAX_UNCOMPRESSED_MB"
ENV_MAX_COMPRESSION_RATIO: Final = "ZHAOSHANG_IMPORT_MAX_COMPRESSION_RATIO"
ENV_MAX_CELLS: Final = "ZHAOSHANG_IMPORT_MAX_CELLS"


#: The error every check raises (a :class:`~zhaoshang.tabular.errors.UnreadableFileError`, so a DomainError).
FileRefused = RefusedFileError


@dataclass(frozen=True)
class ImportLimits:
    """What an imported file may hold. Defaults let a real 1,000,000-row registry export through."""

    max_rows: int = 2_000_000
    max_uncompressed_mb: int = 4096
    max_compression_ratio: float = 100.0
    #: rows × columns of a sheet (declared or actual): 1,000,000 rows of 100 columns
    max_cells: int = 100_000_000
    max_entries: int = 10_000
    max_line_bytes: int = 16 << 20
    yaml_max_depth: int = 64
    yaml_max_nodes: int = 1_000_000
    #: files read whole into memory (YAML, a BOM's CSV)
    max_whole_file_bytes: int = 64 << 20

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> ImportLimits:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, attr, kind in (
            (ENV_MAX_ROWS, "max_rows", int),
            (ENV_MAX_UNCOMPRESSED_MB, "max_uncompressed_mb", int),
            (ENV_MAX_COMPRESSION_RATIO, "max_compression_ratio", float),
            (ENV_MAX_CELLS, "max_cells", int),
        ):
            raw = env.get(name)
            if raw is None or not raw.strip():
                continue
            try:
                value = kind(raw.strip())
            except ValueError:
                raise ValueError(f"Environment variable {name}={raw!r} is not a number.") from None
            if value <= 0:
                raise ValueError(f"Environment variable {name}={raw!r} must be positive.")
            values[attr] = value
        return cls(**values)


def limits() -> ImportLimits:
    """The limits in force now (from the environment)."""
    return ImportLimits.from_environ()


# ------------------------------------------------------------------------------------------------- XLSX


@dataclass
class SheetExtent:
    """What a worksheet declares and holds (rows and columns counted from A1)."""

    name: str
    declared_rows: int = 0
    declared_columns: int = 0
    rows: int = 0
    columns: int = 0
    cells: int = 0

    @property
    def area(self) -> int:
        return max(self.declared_rows * self.declared_columns, self.rows * self.columns)


@dataclass
class SpreadsheetCheck:
    """The result of :func:`check_spreadsheet` for an archive that passed."""

    entries: int = 0
    uncompressed_bytes: int = 0
    compressed_bytes: int = 0
    sheets: list[SheetExtent] = field(default_factory=list)

    def sheet(self, index: int = 0) -> SheetExtent | None:
        return self.sheets[index] if 0 <= index < len(self.sheets) else None


_LETTERS = re.compile(r"[A-Z]{1,3}")


def column_number(letters: str) -> int:
    """1-based column of ``letters`` (``A`` → 1, ``XFD`` → 16,384); ValueError beyond three letters."""
    if not _LETTERS.fullmatch(letters):
        raise ValueError(letters)
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})")


def parse_cell_ref(ref: str) -> tuple[int, int] | None:
    """``(row, column)`` of a cell reference within Excel's grid, or None (malformed or beyond XFD1048576)."""
    m = _REF.fullmatch(ref.strip())
    if not m:
        return None
    column = column_number(m.group(1).upper())
    row = int(m.group(2))
    if column > EXCEL_MAX_COLUMNS or row > EXCEL_MAX_ROWS:
        return None
    return row, column


_P = rb"<(?:[A-Za-z_][\w.-]*:)?"  # an element, with or without a namespace prefix
_DIMENSION = re.compile(_P + rb'dimension\b[^>]*?\sref\s*=\s*["\']([^"\']*)["\']')
_ROW_NUMBER = re.compile(_P + rb'row\b[^>]*?\sr\s*=\s*["\']([^"\']*)["\']')


def _refuse_archive(path: Path, reason: str, code: str, **params: Any) -> FileRefused:
    return FileRefused(path, reason, code, **params)


def check_spreadsheet(
    path: str | Path, *, limit: ImportLimits | None = None, max_cells: int | None = None
) -> SpreadsheetCheck:
    """Check an XLSX/XLSM/ODS/XLSB archive before it is read; raise :class:`FileRefused`, or say what it holds.

    ``max_cells`` (rows × columns of one sheet) overrides the limit for readers that load whole sheets.
    Files that are not ZIP archives (legacy XLS) pass through: their format caps them at 65,536 × 256 cells.
    """
    path = Path(path)
    limit = limit or limits()
    max_cells = max_cells if max_cells is not None else limit.max_cells
    try:
        if not zipfile.is_zipfile(path):
            return SpreadsheetCheck()
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError):
        return SpreadsheetCheck()  # the reader reports a damaged or missing file in its own words
    with archive:
        infos = archive.infolist()
        result = SpreadsheetCheck(entries=len(infos))
        if len(infos) > limit.max_entries:
            raise _refuse_archive(
                path,
                f"压缩包内有{len(infos):,}个文件，超过上限{limit.max_entries:,}个",
                code="archive_too_many_entries",
                entries=f"{len(infos):,}",
                limit=f"{limit.max_entries:,}",
            )
        max_bytes = limit.max_uncompressed_mb * (1 << 20)
        for info in infos:
            result.uncompressed_bytes += info.file_size
            result.compressed_bytes += info.compress_size
            if info.file_size >= RATIO_MIN_BYTES:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > limit.max_compression_ratio:
                    raise _refuse_archive(
                        path,
                        f"其中“{info.filename[:80]}”的压缩比为{ratio:,.0f}:1，超过上限{limit.max_compression_ratio:,.0f}:1"
                        f"（ZHAOSHANG_IMPORT_MAX_COMPRESSION_RATIO），疑似压缩炸弹",
                        code="archive_entry_ratio_too_high",
                        entry=info.filename[:80],
                        ratio=f"{ratio:,.0f}",
                        limit=f"{limit.max_compression_ratio:,.0f}",
                    )
        if result.uncompressed_bytes > max_bytes:
            raise _refuse_archive(
                path,
                f"解压后共{result.uncompressed_bytes / (1 << 20):,.0f} MB，超过上限{limit.max_uncompressed_mb:,} MB"
                "（ZHAOSHANG_IMPORT_MAX_UNCOMPRESSED_MB）",
                code="archive_too_large_uncompressed",
                size=f"{result.uncompressed_bytes / (1 << 20):,.0f}",
                limit=f"{limit.max_uncompressed_mb:,}",
            )
        if (
            result.uncompressed_bytes >= RATIO_MIN_BYTES
            and result.uncompressed_bytes / max(result.compressed_bytes, 1) > limit.max_compression_ratio
        ):
            ratio = result.uncompressed_bytes / max(result.compressed_bytes, 1)
            raise _refuse_archive(
                path,
                f"整体压缩比为{ratio:,.0f}:1，超过上限{limit.max_compression_ratio:,.0f}:1"
                "（ZHAOSHANG_IMPORT_MAX_COMPRESSION_RATIO），疑似压缩炸弹",
                code="archive_ratio_too_high",
                ratio=f"{ratio:,.0f}",
                limit=f"{limit.max_compression_ratio:,.0f}",
            )
        sheets = [
            i.filename
            for i in infos
            if i.filename.lower().startswith("xl/worksheets/") and i.filename.lower().endswith(".xml")
        ]
        sheets.sort(key=_sheet_order)
        for name in sheets:
            extent = _scan_sheet(path, archive, name, limit)
            if extent.area > max_cells:
                raise _refuse_archive(
                    path,
                    f"工作表范围为{max(extent.rows, extent.declared_rows):,}行×{max(extent.columns, extent.declared_columns):,}列，"
                    f"超过单元格上限{max_cells:,}个（ZHAOSHANG_IMPORT_MAX_CELLS）",
                    code="sheet_area_too_large",
                    rows=f"{max(extent.rows, extent.declared_rows):,}",
                    columns=f"{max(extent.columns, extent.declared_columns):,}",
                    limit=f"{max_cells:,}",
                )
            result.sheets.append(extent)
        if any(n.lower() == "content.xml" for n in archive.namelist()):
            _scan_ods(path, archive, limit, max_cells)
    return result


def _sheet_order(name: str) -> tuple[int, str]:
    m = re.search(r"(\d+)\.xml$", name)
    return (int(m.group(1)) if m else 1 << 30, name)


_ROW_OPEN = (b"<row ", b"<row>")
# ` r="` starts the reference of a row (digits) or a cell (letters then digits): anything else is refused.
_ODD_REF = re.compile(rb'\sr\s*=\s*["\'](?![A-Z]{1,3}[1-9][0-9]{0,6}["\']|[1-9][0-9]{0,6}["\'])')
_THREE_LETTERS = re.compile(rb' r="([A-Z]{3})[0-9]')
_TWO_LETTERS = re.compile(rb' r="([A-Z]{2})[0-9]')
_ONE_LETTER_REFS = tuple(
    (letter, b' r="' + letter) for letter in (bytes([c]) for c in range(ord("Z"), ord("A") - 1, -1))
)
#: Below this size a sheet's every cell row number is read; above it, those with more digits than the last row
#: (a file that big is read by the streaming reader, which allocates nothing by reference).
PRECISE_SHEET_BYTES: Final = 100 << 20


def _widest_column(part: bytes) -> int:
    three = set(_THREE_LETTERS.findall(part))
    if three:
        return max(column_number(x.decode("ascii")) for x in three)
    two = set(_TWO_LETTERS.findall(part))
    if two:
        return max(column_number(x.decode("ascii")) for x in two)
    for letter, needle in _ONE_LETTER_REFS:
        if needle in part:
            return ord(letter) - 64
    return 0


def _scan_sheet(path: Path, archive: zipfile.ZipFile, name: str, limit: ImportLimits) -> SheetExtent:
    extent = SheetExtent(name=name)
    label = _sheet_label(name)
    sheet = _sheet_ref(name)
    precise = archive.getinfo(name).file_size < PRECISE_SHEET_BYTES
    carry = b""
    first = True
    rows_seen = 0
    try:
        with archive.open(name) as handle:
            while True:
                block = handle.read(CHUNK_BYTES)
                data = carry + block
                if not block:
                    cut = len(data)
                else:
                    cut = data.rfind(b">") + 1
                    if cut == 0:
                        if len(data) > MAX_TAG_BYTES:
                            raise FileRefused(
                                path,
                                f"{label}不是有效的表格XML（标签过长）",
                                code="sheet_tag_too_long",
                                label=label,
                                sheet=sheet,
                            )
                        carry = data
                        continue
                part, carry = data[:cut], data[cut:]
                if first:
                    first = False
                    m = _DIMENSION.search(part)
                    if m:
                        _declared(path, extent, name, m.group(1).decode("ascii", "replace"), limit)
                odd = _ODD_REF.search(part)
                if odd:
                    ref = part[odd.end() : odd.end() + 24].split(b'"')[0].split(b"'")[0]
                    raise FileRefused(
                        path,
                        f"{label}的引用“{ref.decode('ascii', 'replace')}”超出Excel的范围"
                        f"（最多{EXCEL_MAX_COLUMNS:,}列即XFD、{EXCEL_MAX_ROWS:,}行）",
                        code="sheet_reference_out_of_range",
                        label=label,
                        sheet=sheet,
                        ref=ref.decode("ascii", "replace"),
                        columns=f"{EXCEL_MAX_COLUMNS:,}",
                        rows=f"{EXCEL_MAX_ROWS:,}",
                    )
                numbers = _ROW_NUMBER.findall(part)
                if numbers:
                    extent.rows = max(extent.rows, max(int(n) for n in numbers))
                rows_seen += sum(part.count(tag) for tag in _ROW_OPEN)
                extent.rows = max(extent.rows, rows_seen)
                digits = 1 if precise else len(str(extent.rows)) + 1
                far = re.findall(rb' r="[A-Z]{1,3}([0-9]{%d,7})"' % digits, part)
                if far:
                    extent.rows = max(extent.rows, max(int(n) for n in far))
                if extent.rows > EXCEL_MAX_ROWS:
                    raise FileRefused(
                        path,
                        f"{label}的行号{extent.rows:,}超出Excel的{EXCEL_MAX_ROWS:,}行",
                        code="sheet_row_beyond_excel",
                        label=label,
                        sheet=sheet,
                        row=f"{extent.rows:,}",
                        rows=f"{EXCEL_MAX_ROWS:,}",
                    )
                extent.columns = max(extent.columns, _widest_column(part))
                if extent.columns > EXCEL_MAX_COLUMNS:
                    raise FileRefused(
                        path,
                        f"{label}的列超出Excel的{EXCEL_MAX_COLUMNS:,}列（XFD）",
                        code="sheet_column_beyond_excel",
                        label=label,
                        sheet=sheet,
                        columns=f"{EXCEL_MAX_COLUMNS:,}",
                    )
                extent.cells += part.count(b"<c ") + part.count(b"<c>")
                if extent.rows > limit.max_rows:
                    raise FileRefused(
                        path,
                        f"{label}有{extent.rows:,}行，超过上限{limit.max_rows:,}行（ZHAOSHANG_IMPORT_MAX_ROWS）",
                        code="sheet_too_many_rows",
                        label=label,
                        sheet=sheet,
                        rows=f"{extent.rows:,}",
                        limit=f"{limit.max_rows:,}",
                    )
                if extent.cells > limit.max_cells:
                    raise FileRefused(
                        path,
                        f"{label}有超过{limit.max_cells:,}个单元格（ZHAOSHANG_IMPORT_MAX_CELLS）",
                        code="sheet_too_many_cells",
                        label=label,
                        sheet=sheet,
                        limit=f"{limit.max_cells:,}",
                    )
                if not block:
                    break
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:  # a lying size gives "Bad CRC-32"
        raise FileRefused(path, f"压缩包已损坏（{exc}）", code="archive_damaged", error=str(exc)) from exc
    except NotImplementedError as exc:  # a compression method Python cannot read
        raise FileRefused(
            path, f"不支持的压缩方式（{exc}）", code="archive_compression_unsupported", error=str(exc)
        ) from exc
    if extent.cells and not extent.columns:
        # cells without references: the widest row cannot exceed all the cells
        extent.columns = min(extent.cells, EXCEL_MAX_COLUMNS)
    return extent


def _sheet_label(name: str) -> str:
    m = re.search(r"(\d+)\.xml$", name)
    return f"第{m.group(1)}个工作表" if m else f"工作表“{name[:60]}”"


def _sheet_ref(name: str) -> str:
    """The sheet as the English sentences name it ("sheet 2", "sheet “x”")."""
    m = re.search(r"(\d+)\.xml$", name)
    return m.group(1) if m else f"“{name[:60]}”"


def _declared(path: Path, extent: SheetExtent, name: str, ref: str, limit: ImportLimits) -> None:
    label, sheet = _sheet_label(name), _sheet_ref(name)
    corners = [parse_cell_ref(part) for part in ref.split(":")] if ref else []
    if not corners or len(corners) > 2 or any(c is None for c in corners):
        raise FileRefused(
            path,
            f"{label}声明的范围“{ref[:40]}”超出Excel的范围（最多{EXCEL_MAX_COLUMNS:,}列即XFD、"
            f"{EXCEL_MAX_ROWS:,}行）",
            code="sheet_declared_range_invalid",
            label=label,
            sheet=sheet,
            ref=ref[:40],
            columns=f"{EXCEL_MAX_COLUMNS:,}",
            rows=f"{EXCEL_MAX_ROWS:,}",
        )
    last = corners[-1]
    assert last is not None  # for the type checker: checked just above
    extent.declared_rows, extent.declared_columns = last
    if extent.declared_rows > limit.max_rows:
        raise FileRefused(
            path,
            f"{label}声明有{extent.declared_rows:,}行，超过上限{limit.max_rows:,}行（ZHAOSHANG_IMPORT_MAX_ROWS）",
            code="sheet_declares_too_many_rows",
            label=label,
            sheet=sheet,
            rows=f"{extent.declared_rows:,}",
            limit=f"{limit.max_rows:,}",
        )


_ODS_REPEAT = re.compile(rb'number-(rows|columns)-repeated\s*=\s*["\'](\d+)["\']')


def _scan_ods(path: Path, archive: zipfile.ZipFile, limit: ImportLimits, max_cells: int) -> None:
    """An ODS repeats rows and columns by attribute: refuse repeats that would expand past the limits."""
    carry = b""
    try:
        with archive.open("content.xml") as handle:
            while True:
                block = handle.read(CHUNK_BYTES)
                data = carry + block
                for kind, count in _ODS_REPEAT.findall(data):
                    n = int(count[:12])
                    if kind == b"columns" and n > EXCEL_MAX_COLUMNS:
                        raise FileRefused(
                            path,
                            f"表格重复{n:,}列，超出{EXCEL_MAX_COLUMNS:,}列",
                            code="ods_repeats_too_many_columns",
                            count=f"{n:,}",
                            columns=f"{EXCEL_MAX_COLUMNS:,}",
                        )
                    if kind == b"rows" and n > limit.max_rows and n != EXCEL_MAX_ROWS - 1:
                        raise FileRefused(
                            path,
                            f"表格重复{n:,}行，超过上限{limit.max_rows:,}行",
                            code="ods_repeats_too_many_rows",
                            count=f"{n:,}",
                            limit=f"{limit.max_rows:,}",
                        )
                if not block:
                    break
                carry = data[-200:]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
        raise FileRefused(path, f"压缩包已损坏（{exc}）", code="archive_damaged", error=str(exc)) from exc


# ------------------------------------------------------------------------------------------------- text

_BINARY_MAGIC: Final = (
    b"PK\x03\x04",  # zip (XLSX, DOCX, ...)
    b"\xd0\xcf\x11\xe0",  # OLE (XLS, DOC)
    b"%PDF",
    b"\x7fELF",
    b"MZ",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",  # gzip
    b"7z\xbc\xaf",
    b"Rar!",
    b"SQLite format 3",
)
_CONTROL = frozenset(range(0, 32)) - {9, 10, 12, 13, 27}


def looks_binary(sample: bytes) -> bool:
    """Whether the first bytes of a file are not text: a known binary signature, NULs, or control characters.

    UTF-16 text (a BOM) is text. A few stray control characters or NULs are allowed (exports sometimes hold one).
    """
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if sample.startswith(_BINARY_MAGIC):
        return True
    if not sample:
        return False
    head = sample[:8192]
    controls = sum(1 for b in head if b in _CONTROL)  # NUL included
    return controls > max(8, len(head) // 50)


def check_text_file(path: str | Path, *, what: str = "文本") -> None:
    """Refuse a file that is binary where text (CSV, YAML) is expected."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            sample = handle.read(65536)
    except OSError:
        return  # the reader reports a missing or unreadable file in its own words
    if looks_binary(sample):
        raise FileRefused(
            path,
            f"这是二进制文件，不是{what}文本，请检查文件和扩展名",
            code="file_binary_not_text",
            what=what,
        )


# ------------------------------------------------------------------------------------------------- YAML


class YamlLimitError(yaml.YAMLError):
    """A YAML document beyond the depth or expanded-size limit; ``code`` and ``params`` let an edge say it in the
    user's language."""

    def __init__(self, message: str, code: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class LimitedSafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing documents nested deeper than ``max_depth`` or larger than ``max_nodes``
    once aliases are expanded (each alias counts as the whole node it repeats: "billion laughs" is refused after
    reading a few hundred bytes, before anything is constructed)."""

    max_depth = ImportLimits.yaml_max_depth
    max_nodes = ImportLimits.yaml_max_nodes

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0
        self._expanded: dict[int, int] = {}
        self._total = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102 - PyYAML's hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            node = super().compose_node(parent, index)
            self._count(self._expanded.get(id(node), 1), event)
            return node
        self._depth += 1
        if self._depth > self.max_depth:
            line = self.peek_event().start_mark.line + 1
            raise YamlLimitError(
                f"嵌套超过{self.max_depth}层（第{line}行），不是有效的配置文件",
                code="yaml_too_deep",
                depth=self.max_depth,
                line=line,
            )
        try:
            before = self._total
            node = super().compose_node(parent, index)
            self._count(1, None)
            self._expanded[id(node)] = self._total - before
            return node
        finally:
            self._depth -= 1

    def _count(self, n: int, event: Any) -> None:
        self._total += n
        if self._total > self.max_nodes:
            nodes = f"{self.max_nodes:,}"
            if event is None:
                raise YamlLimitError(
                    f"展开别名后超过{nodes}个节点，疑似“十亿笑声”攻击，已拒绝",
                    code="yaml_too_many_nodes_somewhere",
                    nodes=nodes,
                )
            line = event.start_mark.line + 1
            raise YamlLimitError(
                f"展开别名后超过{nodes}个节点（第{line}行），疑似“十亿笑声”攻击，已拒绝",
                code="yaml_too_many_nodes",
                nodes=nodes,
                line=line,
            )


def safe_yaml_load(
    stream: str | bytes | IO[str] | IO[bytes], *, loader: type[LimitedSafeLoader] = LimitedSafeLoader
) -> Any:
    """Load one YAML document through :class:`LimitedSafeLoader` (or a subclass of it)."""
    return yaml.load(stream, Loader=loader)  # noqa: S506 - a SafeLoader subclass


def read_small_bytes(path: str | Path, *, what: str, limit: ImportLimits | None = None) -> bytes:
    """The bytes of a text file read whole (YAML, a BOM's CSV): refused when binary or too big."""
    path = Path(path)
    limit = limit or limits()
    size = path.stat().st_size
    if size > limit.max_whole_file_bytes:
        raise FileRefused(
            path,
            f"文件大小{size / (1 << 20):,.0f} MB，超过此类文件的上限{limit.max_whole_file_bytes >> 20} MB",
            code="file_too_big_to_read_whole",
            size=f"{size / (1 << 20):,.0f}",
            limit=limit.max_whole_file_bytes >> 20,
        )
    check_text_file(path, what=what)
    return path.read_bytes()


def read_yaml_text(path: str | Path, *, limit: ImportLimits | None = None) -> str:
    """The text of a YAML file: refused when binary or too big, decoded as UTF-8 (with or without BOM)."""
    path = Path(path)
    limit = limit or limits()
    size = path.stat().st_size
    if size > limit.max_whole_file_bytes:
        raise FileRefused(
            path,
            f"文件大小{size / (1 << 20):,.0f} MB，超过此类文件的上限{limit.max_whole_file_bytes >> 20} MB",
            code="file_too_big_to_read_whole",
            size=f"{size / (1 << 20):,.0f}",
            limit=limit.max_whole_file_bytes >> 20,
        )
    check_text_file(path, what="YAML")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRefused(
            path, f"不是UTF-8编码的文本（第{line}行），请另存为UTF-8", code="file_not_utf8", row=line
        ) from exc
