"""The English sentences of the report layer's error codes (document.py, fonts.py import no Django).

The report layer is no Django app of its own: ``zhaoshang.places`` (which renders reports) registers these
in its ``ready()``. The Chinese of each sentence is in the project catalogue.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ERRORS = {
    "report_row_width_mismatch": _(
        "Row %(row)s of the table “%(table)s” has %(cells)s cells but the header has %(columns)s columns"
    ),
    "report_format_unsupported": _("Unsupported report format “%(format)s”; use .docx or .pdf"),
    "cjk_font_file_missing": _("The font file named by %(variable)s does not exist: %(path)s."),
    "cjk_font_not_embeddable": _(
        "The font %(path)s (face %(index)s) named by %(variable)s cannot be embedded: reportlab needs a TrueType-outline .ttf/.ttc with Chinese glyphs (CFF/OTF fonts such as Noto Sans CJK do not work)."
    ),
    "cjk_font_missing": _(
        "No CJK font usable for PDFs was found. Install the Debian package %(package)s (sudo apt-get install %(package)s), or set %(variable)s to a TrueType Chinese font file (.ttf/.ttc; the CFF fonts of fonts-noto-cjk do not work)."
    ),
}
