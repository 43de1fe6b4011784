"""Reading and writing tables: the one place every import reads files and every export writes them.

- :mod:`.readers` — CSV (encoding and delimiter detection) and spreadsheets, streamed as ``(row_number, cells)``;
- :mod:`.cells` — ``cell_text``, the text of a cell as the user typed it;
- :mod:`.issues` — ``RowIssue``, a problem found in one row;
- :mod:`.export` — ``write_xlsx`` / ``write_workbook`` (several sheets) / ``write_csv``, which never write a
  formula from data.

Plain Python: no Django import.
"""

from zhaoshang.tabular.cells import cell_text
from zhaoshang.tabular.errors import UnreadableFileError
from zhaoshang.tabular.export import Bold, Sheet, neutralise, write_csv, write_workbook, write_xlsx
from zhaoshang.tabular.issues import RowIssue, Severity
from zhaoshang.tabular.readers import Table, iter_rows, open_table

__all__ = [
    "Bold",
    "Sheet",
    "RowIssue",
    "Severity",
    "Table",
    "UnreadableFileError",
    "cell_text",
    "iter_rows",
    "neutralise",
    "open_table",
    "write_csv",
    "write_workbook",
    "write_xlsx",
]
