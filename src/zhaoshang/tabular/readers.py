"""Streaming readers for registry exports: CSV and spreadsheets (XLSX, XLSM, XLSB, XLS, ODS).

Every reader yields ``(row_number, cells)`` where ``row_number`` is the row the user sees in Excel or a CSV
viewer (the header is row 1) and ``cells`` is a list of text cells — dates stay :class:`datetime.date` /
:class:`datetime.datetime` when the spreadsheet stored them as dates. Wholly empty rows are skipped, but the
numbering stays true so that error reports point at the right row.

Numbers in spreadsheets come back as the text Excel shows for them (``5000000.0`` → ``"5000000"``,
``9.14403003196285e+17`` → ``"914403003196285000"``), so a credit code that Excel turned into a number is
recognised later as mangled instead of disappearing.

CSV: the encoding is detected from a sample (UTF-8 with or without BOM, UTF-16 with BOM, else GB18030 — a
superset of GBK and GB2312); the delimiter is sniffed among ``,`` ``;`` tab and ``|``.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import IO, Final

from zhaoshang.core.errors import DomainError

from .cells import cell_text
from .errors import RefusedFileError, UnreadableFileError
from .safety import EXCEL_MAX_COLUMNS, check_spreadsheet, limits, looks_binary

Cell = str | date  # datetime is a subclass of date
Row = tuple[int, list[Cell]]

SAMPLE_BYTES: Final = 1 << 20
DELIMITERS: Final = (",", "\t", ";", "|")
EXCEL_SUFFIXES: Final = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
CSV_SUFFIXES: Final = frozenset({".csv", ".tsv", ".txt"})


@dataclass
class Table:
    """A file opened for import: its header row and an iterator over the data rows that follow it."""

    path: Path
    header_row: int
    header: list[str]
    rows: Iterator[Row]


def detect_encoding(sample: bytes) -> str:
    """Encoding of a CSV file from its first bytes: ``utf-8-sig``, ``utf-16``, ``utf-8`` or ``gb18030``."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
    except UnicodeDecodeError:
        raise DomainError("编码无法识别（既不是UTF-8也不是GBK/GB18030）", code="encoding_unknown") from None
    return "gb18030"


def sniff_delimiter(sample: str) -> str:
    """The delimiter among ``, \\t ; |`` that splits the first lines into the most, equally many, fields."""
    lines = sample.splitlines()[:50]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may end in the middle of a line
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not widths or max(widths) < 2:
            continue
        header_width = widths[0]
        consistent = sum(1 for w in widths if w == header_width)
        score = (consistent, header_width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def iter_csv_rows(
    path: str | Path, *, encoding: str | None = None, delimiter: str | None = None
) -> Iterator[Row]:
    """Rows of a CSV file (see the module documentation)."""
    path = Path(path)
    try:
        with path.open("rb") as raw:
            sample = raw.read(SAMPLE_BYTES)
    except OSError as exc:
        raise _os_error(path, exc) from exc
    if looks_binary(sample):
        raise RefusedFileError(
            path, "这是二进制文件，不是CSV文本或Excel表格，请检查文件和扩展名", code="file_binary_not_a_table"
        )
    if encoding is None:
        try:
            encoding = detect_encoding(sample)
        except ValueError as exc:
            raise UnreadableFileError(path, str(exc), code="file_encoding_unknown") from exc
    if delimiter is None:
        text_sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)
        delimiter = sniff_delimiter(text_sample)
    return _csv_rows(path, encoding, delimiter)


def _bounded_lines(path: Path, handle: IO[str], max_chars: int) -> Iterator[str]:
    """The lines of ``handle``, refusing one longer than ``max_chars`` (a file without line breaks would otherwise
    be read into memory whole); NUL characters are dropped (never text)."""
    number = 0
    while True:
        line = handle.readline(max_chars)
        if not line:
            return
        number += 1
        if len(line) >= max_chars and not line.endswith(("\n", "\r")):
            raise RefusedFileError(
                path,
                f"第{number}行超过{max_chars:,}个字符，不是正常的表格文件",
                code="file_line_too_long",
                row=number,
                limit=f"{max_chars:,}",
            )
        yield line.replace("\x00", "") if "\x00" in line else line


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[Row]:
    number = 0
    limit = limits()
    try:
        with path.open("r", encoding=encoding, newline="") as handle:
            lines = _bounded_lines(path, handle, limit.max_line_bytes)
            for number, row in enumerate(csv.reader(lines, delimiter=delimiter), start=1):  # noqa: B007
                if number > limit.max_rows + 1:
                    raise RefusedFileError(
                        path,
                        f"超过{limit.max_rows:,}行（ZHAOSHANG_IMPORT_MAX_ROWS），已停止读取，未写入任何数据",
                        code="file_too_many_rows",
                        limit=f"{limit.max_rows:,}",
                    )
                if not row or (not row[0].strip() and not "".join(row).strip()):
                    continue
                yield number, row  # type: ignore[misc]  # list[str] is a list[Cell]
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            path,
            f"第{number + 1}行附近的编码与文件开头（{encoding}）不一致，请统一另存为UTF-8",
            code="file_encoding_changes",
            row=number + 1,
            encoding=encoding,
        ) from exc
    except csv.Error as exc:
        raise UnreadableFileError(
            path,
            f"第{number + 1}行格式错误（{exc}）",
            code="file_csv_malformed",
            row=number + 1,
            error=str(exc),
        ) from exc
    except OSError as exc:
        raise _os_error(path, exc) from exc


def _excel_cell(value: object) -> Cell:
    if isinstance(value, str):
        return value
    if isinstance(value, date):  # datetime included
        return value
    if isinstance(value, time | timedelta):
        return str(value)
    return cell_text(value)


#: A sheet whose rectangle (rows × columns, declared or actual) is larger than this is never given to
#: python-calamine, which allocates the whole rectangle at once; the first sheet of an XLSX goes to the streaming
#: reader instead, any other sheet is refused.
CALAMINE_MAX_CELLS: Final = 4_000_000
#: From this many rows on, the first sheet of an XLSX/XLSM is read by the streaming reader (:mod:`.xlsx_stream`):
#: python-calamine holds the whole sheet in memory (~1.3 KB per row of an export: 1,000,000 rows would not fit in
#: the 1 GB an import may use), the streaming reader one row at a time, at about a third of calamine's speed.
STREAM_XLSX_ROWS: Final = 200_000
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')


def xlsx_row_count(path: Path) -> int:
    """Rows of the first worksheet as its ``<dimension>`` states them (0 when unknown or not an XLSX)."""
    try:
        with zipfile.ZipFile(path) as archive:
            sheets = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
            if not sheets:
                return 0
            with archive.open(sheets[0]) as handle:
                head = handle.read(4096)
    except (OSError, zipfile.BadZipFile, KeyError):
        return 0
    m = _DIMENSION.search(head)
    return int(m.group(1)) if m else 0


def iter_excel_rows(path: str | Path, *, sheet: str | int | None = None) -> Iterator[Row]:
    """Rows of a spreadsheet, streamed with python-calamine; ``sheet`` is a name or 0-based index (default first).

    The archive and every sheet's extent are checked first (:func:`zhaoshang.tabular.safety.check_spreadsheet`):
    a file beyond the limits raises :class:`RefusedFileError` before a row is read. A big XLSX
    (``STREAM_XLSX_ROWS`` rows or more, or more than ``CALAMINE_MAX_CELLS`` cells, first sheet) goes through the
    streaming reader instead.
    """
    path = Path(path)
    check = check_spreadsheet(path)  # raises RefusedFileError
    first = check.sheet(0)  # an XLSX/XLSM (whatever its suffix says) lists its sheets' extents
    if sheet in (None, 0) and first is not None:
        if first.rows >= STREAM_XLSX_ROWS or first.area > CALAMINE_MAX_CELLS:
            return _streamed_rows(path, max_width=max(first.columns, 1))
    elif any(s.area > CALAMINE_MAX_CELLS for s in check.sheets):
        big = max(check.sheets, key=lambda s: s.area)
        raise RefusedFileError(
            path,
            f"工作表范围过大（{big.rows:,}行×{big.columns:,}列），请只保留需要导入的数据",
            code="file_sheet_too_large",
            rows=f"{big.rows:,}",
            columns=f"{big.columns:,}",
        )
    try:
        from python_calamine import CalamineWorkbook
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise UnreadableFileError(
            path, "缺少读取Excel所需的python-calamine", code="file_reader_missing"
        ) from exc
    if not path.exists():
        raise UnreadableFileError(path, "文件不存在", code="file_not_found")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if isinstance(sheet, str):
            worksheet = workbook.get_sheet_by_name(sheet)
        else:
            worksheet = workbook.get_sheet_by_index(sheet or 0)
    except Exception as exc:  # calamine raises its own error types, and ValueError/IndexError for sheets
        raise _calamine_error(path, exc, sheet) from exc
    return _excel_rows(path, worksheet)


def _streamed_rows(path: Path, *, max_width: int = EXCEL_MAX_COLUMNS) -> Iterator[Row]:
    from zhaoshang.tabular.xlsx_stream import iter_xlsx_stream

    number = 0
    try:
        for number, cells in iter_xlsx_stream(path, max_width=max_width):  # noqa: B007
            if any(c.strip() if isinstance(c, str) else True for c in cells):
                yield number, cells
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        IndexError,
        SyntaxError,
    ) as exc:  # ParseError is a SyntaxError
        raise UnreadableFileError(
            path,
            f"读取第{number + 1}行时出错（{exc}）",
            code="file_row_unreadable",
            row=number + 1,
            error=str(exc),
        ) from exc


def _excel_rows(path: Path, worksheet: object) -> Iterator[Row]:
    start = getattr(worksheet, "start", None)
    data_row = start[0] if start else 0  # 0-based index of the first row holding data
    if hasattr(worksheet, "iter_rows"):
        rows = iter(worksheet.iter_rows())  # type: ignore[attr-defined]
        # python-calamine 0.9 streams from the sheet's first row (A1), padding the empty rows above the data;
        # other versions start at the data. The row at ``data_row`` always has a value, so an empty first row
        # means the stream starts at A1.
        first = next(rows, None)
        if first is None:
            return
        is_empty = all(v == "" or v is None for v in first)
        first_row = 1 if data_row > 0 and is_empty else data_row + 1
        rows = itertools.chain([first], rows)
    else:  # pragma: no cover - older python-calamine without streaming
        rows = iter(worksheet.to_python())  # type: ignore[attr-defined]
        first_row = data_row + 1
    number = first_row - 1
    try:
        for number, raw in enumerate(rows, start=first_row):  # noqa: B007
            cells = [_excel_cell(v) for v in raw]
            if not any(c.strip() if isinstance(c, str) else True for c in cells):
                continue
            yield number, cells
    except Exception as exc:
        raise UnreadableFileError(
            path,
            f"读取第{number + 1}行时出错（{exc}）",
            code="file_row_unreadable",
            row=number + 1,
            error=str(exc),
        ) from exc


def iter_rows(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Iterator[Row]:
    """Rows of a CSV or spreadsheet file, chosen by suffix (or by content when the suffix says nothing)."""
    path = Path(path)
    kind = _kind(path)
    if kind == "excel":
        return iter_excel_rows(path, sheet=sheet)
    return iter_csv_rows(path, encoding=encoding, delimiter=delimiter)


def open_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Table:
    """Open a file for import: the first non-empty row is the header, the rows after it are data."""
    path = Path(path)
    rows = iter_rows(path, sheet=sheet, encoding=encoding, delimiter=delimiter)
    first = next(rows, None)
    if first is None:
        raise UnreadableFileError(path, "文件是空的，没有表头", code="file_empty")
    header_row, header_cells = first
    header = [cell_text(c).strip() if not isinstance(c, str) else c.strip() for c in header_cells]
    return Table(path=path, header_row=header_row, header=header, rows=rows)


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return "excel"
    if suffix in CSV_SUFFIXES:
        return "csv"
    try:
        with path.open("rb") as handle:
            magic = handle.read(8)
    except OSError as exc:
        raise _os_error(path, exc) from exc
    if magic.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return "excel"
    return "csv"


def _os_error(path: Path, exc: OSError) -> UnreadableFileError:
    if isinstance(exc, FileNotFoundError):
        return UnreadableFileError(path, "文件不存在", code="file_not_found")
    if isinstance(exc, PermissionError):
        return UnreadableFileError(path, "没有读取权限", code="file_permission_denied")
    if isinstance(exc, IsADirectoryError):
        return UnreadableFileError(path, "这是一个文件夹，不是文件", code="file_is_a_folder")
    error = str(exc.strerror or exc)
    return UnreadableFileError(path, f"读取失败（{error}）", code="file_read_failed", error=error)


def _calamine_error(path: Path, exc: Exception, sheet: str | int | None) -> UnreadableFileError:
    name = type(exc).__name__
    if name == "PasswordError":
        return UnreadableFileError(
            path, "文件有密码保护，请取消密码后重新上传", code="file_password_protected"
        )
    if name in {"WorksheetNotFound"} or isinstance(exc, IndexError):
        return UnreadableFileError(
            path, f"找不到工作表“{sheet}”", code="file_sheet_not_found", sheet=str(sheet)
        )
    if name in {"ZipError", "XmlError"}:
        return UnreadableFileError(
            path, "不是有效的Excel文件，可能已损坏或扩展名不对", code="file_not_a_valid_excel"
        )
    return UnreadableFileError(
        path, f"不是可读取的Excel文件（{exc}）", code="file_excel_unreadable", error=str(exc)
    )
