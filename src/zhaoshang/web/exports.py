"""What every export a person downloads from the web shares: words in the user's language.

Exports and documents follow the language the user chose (the language switch; Chinese by default). Commands
write Chinese. Machine data files (the chain definition YAML/XLSX, API and ``--json`` output) are not translated.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def issue_report_options() -> dict[str, Any]:
    """Keyword arguments for :func:`zhaoshang.tabular.issues.write_issue_report` in the active language."""
    return {
        "header": (_("Row number"), _("Column name"), _("Value as read"), _("Problem"), _("Severity")),
        "severity_names": {"error": _("error"), "warning": _("warning"), "info": _("hint")},
        "sheet_name": _("Problems"),
    }
