"""The English sentences of the registry's analytic core and of the shared file readers (``zhaoshang.tabular``).

The cores import no Django: they raise errors with a ``code`` and params and keep their Chinese sentence. These
are the same sentences in English, registered from ``RegistryConfig.ready()`` (``tabular`` is not a Django app:
every install has the registry, so it says the readers' errors too).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# zhaoshang.tabular: errors of the readers (readers.py, xlsx_stream.py), the safety checks (safety.py) and dates
TABULAR_ERRORS = {
    "encoding_unknown": _("The encoding is not recognised (neither UTF-8 nor GBK/GB18030)"),
    "xlsx_row_too_wide": _("A row has more than 16,384 cells"),
    "file_encoding_unknown": _(
        "The file “%(name)s” could not be read: the encoding is not recognised (neither UTF-8 nor GBK/GB18030)"
    ),
    "file_encoding_changes": _(
        "The file “%(name)s” could not be read: near line %(row)s the encoding differs from the file's beginning (%(encoding)s); save the whole file as UTF-8"
    ),
    "file_csv_malformed": _("The file “%(name)s” could not be read: line %(row)s is malformed (%(error)s)"),
    "file_reader_missing": _(
        "The file “%(name)s” could not be read: python-calamine, needed to read Excel, is missing"
    ),
    "file_not_found": _("The file “%(name)s” could not be read: the file does not exist"),
    "file_permission_denied": _("The file “%(name)s” could not be read: no permission to read it"),
    "file_is_a_folder": _("The file “%(name)s” could not be read: this is a folder, not a file"),
    "file_read_failed": _("The file “%(name)s” could not be read: reading failed (%(error)s)"),
    "file_password_protected": _(
        "The file “%(name)s” could not be read: the file is password protected; remove the password and upload it again"
    ),
    "file_sheet_not_found": _("The file “%(name)s” could not be read: there is no sheet “%(sheet)s”"),
    "file_not_a_valid_excel": _(
        "The file “%(name)s” could not be read: not a valid Excel file; it may be damaged or have the wrong extension"
    ),
    "file_excel_unreadable": _(
        "The file “%(name)s” could not be read: not a readable Excel file (%(error)s)"
    ),
    "file_row_unreadable": _(
        "The file “%(name)s” could not be read: error while reading row %(row)s (%(error)s)"
    ),
    "file_empty": _("The file “%(name)s” could not be read: the file is empty: it has no header"),
    "file_binary_not_a_table": _(
        "The file “%(name)s” was refused: this is a binary file, not CSV text or an Excel sheet; check the file and its extension"
    ),
    "file_line_too_long": _(
        "The file “%(name)s” was refused: line %(row)s is longer than %(limit)s characters: not a normal table file"
    ),
    "file_too_many_rows": _(
        "The file “%(name)s” was refused: more than %(limit)s rows (ZHAOSHANG_IMPORT_MAX_ROWS); reading stopped and nothing was written"
    ),
    "file_sheet_too_large": _(
        "The file “%(name)s” was refused: the sheet's range is too large (%(rows)s rows × %(columns)s columns); keep only the data to import"
    ),
    "archive_too_many_entries": _(
        "The file “%(name)s” was refused: the archive holds %(entries)s files, over the limit of %(limit)s"
    ),
    "archive_entry_ratio_too_high": _(
        "The file “%(name)s” was refused: its part “%(entry)s” is compressed %(ratio)s:1, over the limit of %(limit)s:1 (ZHAOSHANG_IMPORT_MAX_COMPRESSION_RATIO): probably a zip bomb"
    ),
    "archive_too_large_uncompressed": _(
        "The file “%(name)s” was refused: %(size)s MB once uncompressed, over the limit of %(limit)s MB (ZHAOSHANG_IMPORT_MAX_UNCOMPRESSED_MB)"
    ),
    "archive_ratio_too_high": _(
        "The file “%(name)s” was refused: compressed %(ratio)s:1 overall, over the limit of %(limit)s:1 (ZHAOSHANG_IMPORT_MAX_COMPRESSION_RATIO): probably a zip bomb"
    ),
    "archive_damaged": _("The file “%(name)s” was refused: the archive is damaged (%(error)s)"),
    "archive_compression_unsupported": _(
        "The file “%(name)s” was refused: an unsupported compression method (%(error)s)"
    ),
    "sheet_area_too_large": _(
        "The file “%(name)s” was refused: a sheet spans %(rows)s rows × %(columns)s columns, over the limit of %(limit)s cells (ZHAOSHANG_IMPORT_MAX_CELLS)"
    ),
    "sheet_tag_too_long": _(
        "The file “%(name)s” was refused: sheet %(sheet)s is not valid sheet XML (a tag is too long)"
    ),
    "sheet_reference_out_of_range": _(
        "The file “%(name)s” was refused: sheet %(sheet)s has the reference “%(ref)s”, outside Excel's range (at most %(columns)s columns, up to XFD, and %(rows)s rows)"
    ),
    "sheet_row_beyond_excel": _(
        "The file “%(name)s” was refused: sheet %(sheet)s has the row number %(row)s, beyond Excel's %(rows)s rows"
    ),
    "sheet_column_beyond_excel": _(
        "The file “%(name)s” was refused: sheet %(sheet)s has columns beyond Excel's %(columns)s (XFD)"
    ),
    "sheet_too_many_rows": _(
        "The file “%(name)s” was refused: sheet %(sheet)s has %(rows)s rows, over the limit of %(limit)s (ZHAOSHANG_IMPORT_MAX_ROWS)"
    ),
    "sheet_too_many_cells": _(
        "The file “%(name)s” was refused: sheet %(sheet)s has more than %(limit)s cells (ZHAOSHANG_IMPORT_MAX_CELLS)"
    ),
    "sheet_declared_range_invalid": _(
        "The file “%(name)s” was refused: sheet %(sheet)s declares the range “%(ref)s”, outside Excel's range (at most %(columns)s columns, up to XFD, and %(rows)s rows)"
    ),
    "sheet_declares_too_many_rows": _(
        "The file “%(name)s” was refused: sheet %(sheet)s declares %(rows)s rows, over the limit of %(limit)s (ZHAOSHANG_IMPORT_MAX_ROWS)"
    ),
    "ods_repeats_too_many_columns": _(
        "The file “%(name)s” was refused: the table repeats %(count)s columns, beyond %(columns)s columns"
    ),
    "ods_repeats_too_many_rows": _(
        "The file “%(name)s” was refused: the table repeats %(count)s rows, over the limit of %(limit)s"
    ),
    "file_binary_not_text": _(
        "The file “%(name)s” was refused: this is a binary file, not %(what)s text; check the file and its extension"
    ),
    "file_too_big_to_read_whole": _(
        "The file “%(name)s” was refused: the file is %(size)s MB, over the limit of %(limit)s MB for this kind of file"
    ),
    "file_not_utf8": _("The file “%(name)s” was refused: not UTF-8 text (line %(row)s); save it as UTF-8"),
    "yaml_too_deep": _("Nested deeper than %(depth)s levels (line %(line)s): not a valid configuration file"),
    "yaml_too_many_nodes": _(
        "Over %(nodes)s nodes once aliases are expanded (line %(line)s): probably a “billion laughs” attack; refused"
    ),
    "yaml_too_many_nodes_somewhere": _(
        "Over %(nodes)s nodes once aliases are expanded: probably a “billion laughs” attack; refused"
    ),
    "date_bad_excel_serial": _("The date “%(raw)s” could not be read: not a valid Excel date serial number"),
    "date_excel_serial_60": _(
        "The date “%(raw)s” could not be read: Excel's serial number 60 stands for 29 February 1900, a day that does not exist"
    ),
    "date_not_a_date": _("The date “%(raw)s” could not be read: not a date"),
    "date_does_not_exist": _(
        "The date “%(raw)s” could not be read: the day %(year)s-%(month)s-%(day)s does not exist"
    ),
    "date_year_implausible": _("The date “%(raw)s” could not be read: the year %(year)s is implausible"),
    "date_format_unknown": _(
        "The date “%(raw)s” could not be read: the format is not recognised; write it like “2015-09-07”"
    ),
    "date_not_a_day": _("The date “%(raw)s” could not be read: not a date; write it like 2025-01-31"),
}

# zhaoshang.registry.core (capital.py, uscc.py, headers.py) and the bulk writer (bulk_db.py)
ERRORS = {
    "capital_not_an_amount": _("The registered capital “%(raw)s” could not be read: not an amount"),
    "capital_not_a_valid_number": _("The registered capital “%(raw)s” could not be read: not a valid number"),
    "capital_not_text_or_number": _(
        "The registered capital “%(raw)s” could not be read: neither text nor a number"
    ),
    "capital_negative": _("The registered capital “%(raw)s” could not be read: an amount cannot be negative"),
    "capital_bare_number_without_unit": _(
        "The registered capital “%(raw)s” could not be read: only a number, no unit (10k yuan or yuan?); put the unit in the header, such as “注册资本(万元)”"
    ),
    "capital_too_large": _(
        "The registered capital “%(raw)s” could not be read: the amount is too large (over %(digits)s digits of 10k yuan); check whether a digit too many was written"
    ),
    "capital_no_number": _("The registered capital “%(raw)s” could not be read: no amount found"),
    "capital_several_numbers": _(
        "The registered capital “%(raw)s” could not be read: it holds several numbers"
    ),
    "capital_several_currencies": _(
        "The registered capital “%(raw)s” could not be read: several currencies at once (%(currencies)s)"
    ),
    "capital_not_understood": _(
        "The registered capital “%(raw)s” could not be read: “%(text)s” is not understood"
    ),
    "capital_no_unit": _("The registered capital “%(raw)s” could not be read: no unit (10k yuan or yuan?)"),
    "uscc_check_needs_17": _("Computing the check character needs 17 characters; got %(length)s: “%(raw)s”"),
    "uscc_illegal_characters": _(
        "A unified social credit code cannot contain the characters “%(chars)s”: “%(raw)s”"
    ),
    "header_mapping_unknown_fields": _(
        "The column mapping names fields that do not exist: %(fields)s; the fields are: %(known)s"
    ),
    "header_mapping_columns_missing": _("Columns of the column mapping are not in the file: %(columns)s"),
    "header_no_name_column": _(
        "No company name column was found. The file's headers are: %(headers)s; say which column is the company name (such as “企业名称” or “公司名称”)"
    ),
    "database_busy": _(
        "Another import is writing to the database; this import wrote nothing; please import again later"
    ),
}

# an import batch's own message (stored with its code: ImportBatch.said_message)
ERRORS |= {
    "import_strict_refused": _("Strict mode: %(rejected)s row(s) rejected; this import wrote nothing"),
    "import_dry_run": _("Dry run: only checked; nothing was written"),
    "import_failed_unexpectedly": _("The import failed: %(error)s"),
}

# findings stored as a firm's flags that no import core writes
ISSUES = {
    "needs_review": _(
        "Created automatically by another capability (such as a firm's appeal); please check it"
    ),
}
