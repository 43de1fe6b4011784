"""What every export a person downloads from the web shares: words in the user's language.

Exports and documents follow the language the user chose (the language switch; Chinese by default). Commands
write Chinese. Machine data files (the chain definition YAML/XLSX, API and ``--json`` output) are not translated.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _


def issue_report_options() -> dict[str, Any]:
    """Keyword arguments for :func:`zhaoshang.tabular.issues.write_issue_report` in the active language."""
    return {
        "header": (_("Row number"), _("Column name"), _("Value as read"), _("Problem"), _("Severity")),
        "severity_names": {"error": _("error"), "warning": _("warning"), "info": _("hint")},
        "sheet_name": _("Problems"),
    }


def file_download(filename: str, suffix: str, write: Callable[[Path], object]) -> FileResponse:
    """A download written by ``write(path)`` to a temporary file that is gone once the response is sent.

    The folder is removed as soon as the file is open: the open handle keeps the data readable while the response
    streams it, and nothing is left behind in the temp folder (a pile of exports there would hold personal data).
    """
    folder = Path(tempfile.mkdtemp(prefix="zhaoshang-export-"))
    try:
        path = folder / f"export{suffix}"
        write(path)
        handle = path.open("rb")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return FileResponse(handle, as_attachment=True, filename=filename)
