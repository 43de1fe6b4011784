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

from zhaoshang.core.messages import issue_message


def issue_report_options() -> dict[str, Any]:
    """Keyword arguments for :func:`zhaoshang.tabular.issues.write_issue_report` in the active language."""
    return {
        "header": (_("Row number"), _("Column name"), _("Value as read"), _("Problem"), _("Severity")),
        "severity_names": {"error": _("error"), "warning": _("warning"), "info": _("hint")},
        "sheet_name": _("Problems"),
        "message": issue_message,
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


REPORTS_KEPT_HOURS = 24  # an import's error report can be fetched for a day, by the person who ran the import


def _reports_dir(kind: str) -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / f"{kind}-import-reports"


def keep_issue_report(user: Any, issues: Any, kind: str) -> str:
    """Write an import's row-numbered error report (in the user's language) where only this user can fetch it for
    a day; returns its token. Older reports of the same kind are removed on the way."""
    import secrets
    import time

    from zhaoshang.tabular.issues import write_issue_report

    folder = _reports_dir(kind)
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - REPORTS_KEPT_HOURS * 3600
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = f"{user.pk}-{secrets.token_hex(12)}"
    write_issue_report(issues, folder / f"{token}.xlsx", **issue_report_options())
    return token


def issue_report_download(user: Any, token: str, kind: str, filename: str) -> FileResponse:
    """The user's own kept error report (404 for anyone else's token, a forged one or an expired one)."""
    from django.http import Http404

    owner, _sep, secret = token.partition("-")
    path = _reports_dir(kind) / f"{token}.xlsx"
    if owner != str(user.pk) or not secret.isalnum() or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename)
