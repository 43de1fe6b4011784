"""The English sentences of the registry's analytic core and of the shared file readers (``zhaoshang.tabular``).

The cores import no Django: they raise errors with a ``code`` and params and keep their Chinese sentence. These
are the same sentences in English, registered from ``RegistryConfig.ready()`` (``tabular`` is not a Django app:
every install has the registry, so it says the readers' errors too).

Notes too: the column mapping's notes (``registry.core.headers.HeaderNote``, stored in an import batch's
``mapping``) and the reason a pair of firms is a probable duplicate (``DuplicateCandidate.reason_code``), said by
:func:`note_message` and :func:`said_mapping`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.messages import is_chinese, say_sentence

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

# the import fields (registry.core.headers.FIELD_LABELS in English)
FIELD_NAMES = {
    "uscc": _("Unified social credit code"),
    "name": _("Company name"),
    "short_name": _("Company short name"),
    "legal_rep": _("Legal representative"),
    "founded": _("Founding date"),
    "capital": _("Registered capital"),
    "address": _("Address"),
    "scope": _("Business scope"),
    "description": _("Company profile"),
    "reg_no": _("Business registration number"),
    "region_code": _("Administrative division code"),
    "industry_code": _("Industry code"),
    "status": _("Registration status"),
    "company_type": _("Company type"),
    "website": _("Website"),
    "employees": _("Number of employees"),
    "revenue": _("Revenue"),
    "tax": _("Tax paid"),
    "tags": _("Tags"),
    "listed": _("Listed"),
    "above_scale": _("Above designated size"),
    "park": _("Park"),
}

# notes: the column mapping's (registry.core.headers) and a probable duplicate's reason (registry.duplicates).
# A "column" parameter is a column as [number, header]; "columns" a list of them; "field" a field's name.
NOTES = {
    "header_mapped_as_told": _("As the column mapping says, %(column)s is read as “%(field)s”"),
    "header_generic_name_is_short_name": _(
        "%(column)s is read as the company short name: the file has the fuller %(name_column)s for the company name"
    ),
    "header_field_with_alternates": _(
        "“%(field)s” is taken from %(column)s; where it is empty, from %(columns)s in turn"
    ),
    "header_name_with_alternates": _(
        "The company name is taken from %(column)s (the full legal name comes first); where it is empty, from %(columns)s in turn"
    ),
    "header_name_from_column": _("The company name is taken from %(column)s"),
    "header_column_not_recognised": _("%(column)s is not recognised and will not be imported"),
    "header_column_without_header": _("Column %(number)s has no header and will not be imported"),
    "duplicate_same_uscc": _("Same unified social credit code"),
    "duplicate_same_normalised_name": _("Same name once normalised"),
    "duplicate_similar_name": _("Names %(score)s%% alike"),
}


def _column(ref: Any) -> str:
    number, header = ref
    if header:
        return gettext("column “%(header)s”") % {"header": header}
    return gettext("column %(number)s (no header)") % {"number": number}


def _said_params(params: Mapping[str, Any]) -> dict[str, Any]:
    said = dict(params)
    for key in ("column", "name_column"):
        if key in said:
            said[key] = _column(said[key])
    if "columns" in said:
        said["columns"] = gettext(", ").join(_column(ref) for ref in said["columns"])
    if "field" in said:
        said["field"] = str(FIELD_NAMES.get(said["field"], said["field"]))
    return said


def note_message(code: str, params: Mapping[str, Any] | None, chinese: str) -> str:
    """A stored note (its Chinese sentence, code and params) in the active language: the Chinese as stored in
    Chinese, or when the note has no code (written before notes had one) or its code no sentence."""
    entry = NOTES.get(code or "")
    if is_chinese() or entry is None:
        return chinese
    try:
        filled = _said_params(params or {})
    except (TypeError, ValueError):  # a stored column reference of another shape
        return chinese
    said = say_sentence(entry, filled, "")
    return said[:1].upper() + said[1:] if said else chinese


def said_mapping(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """An import batch's stored column mapping with what a person reads — the fields used, the columns not
    recognised and the notes — in the active language (as stored in Chinese, and for a batch stored before
    the notes had codes)."""
    said = dict(mapping)
    if is_chinese():
        return said
    notes: Sequence[str] = mapping.get("notes") or []
    coded: Sequence[Mapping[str, Any]] = mapping.get("note_codes") or []
    if len(coded) == len(notes):
        said["notes"] = [
            note_message(str(c.get("code") or ""), c.get("params"), chinese)
            for c, chinese in zip(coded, notes, strict=True)
        ]
    if "fields" in mapping:
        said["used"] = {str(FIELD_NAMES.get(f, f)): header for f, header in mapping["fields"].items()}
    if "unknown_at" in mapping:
        said["unknown"] = [
            header or gettext("column %(number)s") % {"number": number}
            for number, header in mapping["unknown_at"]
        ]
    return said
