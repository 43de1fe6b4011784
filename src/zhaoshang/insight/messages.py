"""The English sentences of the insight cores' error codes (the cores raise them with a Chinese message).

Registered from :meth:`zhaoshang.insight.apps.InsightConfig.ready`; the zh_Hans catalogue holds the cores' own
Chinese sentences, with the same placeholders. An input file error (``InputFileError``) also carries the place:
``path``, ``row`` and ``column``.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ERRORS: dict[str, Promise] = {
    "proximity_kind_unknown": _("Unknown proximity kind “%(kind)s” (choices: %(choices)s)"),
    "proximity_needs_measure": _("Continuous proximity needs an RCA or RPOP matrix"),
    "presence_test_unknown": _("Unknown presence test “%(test)s” (choices: %(choices)s)"),
    "complexity_matrix_not_2d": _("The values must be a two-dimensional “region × industry” matrix"),
    "rpop_needs_population": _("The per-capita test (RPOP) needs population data"),
    "population_regions_mismatch": _("The population data does not have as many regions as the value matrix"),
    "proximity_matrix_size_mismatch": _(
        "The size of the given proximity matrix does not match the number of industries"
    ),
    "complexity_column_missing": _("Missing the column “%(column)s”"),
    "complexity_column_name_taken": _(
        "The column name “%(column)s” is also the name of a result column; please rename it"
    ),
    "complexity_columns_not_distinct": _("Time, region, industry and value must be different columns"),
    "population_region_column_missing": _("The population table has no region column “%(column)s”"),
    "population_time_column_missing": _("The population table has no time column “%(column)s”"),
    "population_value_column_ambiguous": _(
        "Besides the region (and time) columns, the population table must have exactly one column of population"
    ),
    "population_column_missing": _("The population table has no column “%(column)s”"),
    "population_region_repeated": _(
        "The same region (at the same time) appears more than once in the population table"
    ),
    "lag_year_repeated": _("Two values for the same year (%(year)s)"),
    "lag_benchmark_no_data": _("The benchmark city has no data"),
    "lag_city_no_data": _("Your city has no data"),
    "lag_city_no_data_for_year": _("Your city has no data for %(year)s"),
    "opportunity_weight_unknown": _("Unknown weights: %(names)s (choices: %(choices)s)"),
    "opportunity_weight_negative": _("Weights cannot be negative"),
    "opportunity_weights_all_zero": _("Weights cannot all be 0"),
    "opportunity_preset_unknown": _("Unknown preset “%(preset)s” (choices: %(choices)s)"),
    "io_sector_unknown": _("The input-output table has no sector “%(sector)s”"),
    "io_leontief_singular": _("(I-A) of the input-output table cannot be inverted; please check the data"),
    "insight_value_not_a_number": _(
        "File %(path)s, row %(row)s, column “%(column)s”: “%(text)s” is not a number"
    ),
    "insight_value_not_finite": _(
        "File %(path)s, row %(row)s, column “%(column)s”: “%(text)s” is not a finite number"
    ),
    "io_code_column_missing": _(
        "File %(path)s, row %(row)s: no column “Code” (sector codes); this is not the layout of an NBS input-output table"
    ),
    "io_sector_repeated": _(
        "File %(path)s, row %(row)s, column “%(column)s”: the sector code “%(sector)s” appears twice"
    ),
    "io_no_sector_rows": _("File %(path)s: no sector rows found"),
    "io_sector_columns_missing": _(
        "File %(path)s, row %(row)s: the header lacks the sector columns %(sectors)s"
    ),
    "io_output_missing": _("File %(path)s: no total input row “TI” and no gross output column “GO”"),
    "insight_file_column_missing": _("File %(path)s, row %(row)s: missing the column “%(name)s”"),
    "io_division_code_invalid": _(
        "File %(path)s, row %(row)s, column “%(column)s”: “%(division)s” is not a two-digit division code of the national industry classification"
    ),
    "io_division_mapped_twice": _(
        "File %(path)s, row %(row)s: the division %(division)s is mapped to both sector %(first)s and sector %(second)s"
    ),
    "insight_cell_empty": _("File %(path)s, row %(row)s, column “%(column)s”: empty"),
    "sector_map_sector_repeated": _(
        "File %(path)s, row %(row)s, column “%(column)s”: the sector %(layout)s/%(sector)s appears twice"
    ),
    "sector_map_industry_code_invalid": _(
        "File %(path)s, row %(row)s, column “%(column)s”: “%(industry)s” is not a national industry classification code of 2 to 4 digits"
    ),
    "sector_map_industry_mapped_twice": _(
        "File %(path)s, row %(row)s, column “%(column)s”: the industry code %(industry)s is mapped to both sector %(first)s and sector %(second)s"
    ),
    "sector_map_node_invalid": _(
        "File %(path)s, row %(row)s, column “%(column)s”: “%(node)s” should be written chain:node (e.g. rail-transit-equipment:bogie)"
    ),
    "sector_map_no_rows": _("File %(path)s: no sector rows"),
    "insight_file_not_found": _("File %(path)s: the file does not exist"),
    "table_column_missing": _(
        "File %(path)s, row %(row)s: missing the column “%(name)s” (the header has: %(header)s)"
    ),
    "table_column_roles_repeated": _(
        "File %(path)s: one column was given several roles (time, region, industry and value must be different columns)"
    ),
    "indicator_file_empty": _("File %(path)s: the file is empty, it has no header"),
    "indicator_region_column_missing": _(
        "File %(path)s, row %(row)s: no “region” column found (the header has: %(header)s; usable column names: %(names)s)"
    ),
    "indicator_value_column_missing": _(
        "File %(path)s, row %(row)s: there is a “year” column but no “value” column, and no indicator column with a unit (such as “地区生产总值（亿元）”)"
    ),
    "indicator_layout_unknown": _(
        "File %(path)s, row %(row)s: neither “year” and “value” columns (a long table) nor columns headed by years (a wide table, such as “2020” or “2020年”)"
    ),
    "indicator_column_missing": _(
        "File %(path)s, row %(row)s: no “indicator” column (or give the indicator's name when importing)"
    ),
    "population_column_unclear": _(
        "File %(path)s: besides %(keys)s, the population table must have exactly one column of population (found: %(others)s), or name it with --population-column"
    ),
}

#: Notes of the complexity core (``InsightNote`` warnings: the CLI prints them as "Note: ..."); registered with the
#: errors so that ``error_message(note)`` says them.
NOTES: dict[str, Promise] = {
    "complexity_single_empty_location_or_activity": _(
        "Exactly one region has a diversity of 0 or one industry a ubiquity of 0: as in py-ecomplexity, ECI/PCI are empty"
    ),
    "complexity_rows_repeated": _("Some (time, region, industry) rows are repeated: the first one is kept"),
}

#: How a lag-years result is said (codes of :func:`zhaoshang.insight.lagyears.lag_phrase`).
LAG_TEXTS: dict[str, Promise] = {
    "lag_no_data": _("no data"),
    "lag_not_reached": _("not yet reached by the peer within the data (the city is ahead)"),
    "lag_not_reached_short": _("not yet reached (the city is ahead)"),
    "lag_before_data": _(
        "behind by at least %(gap)s years (the peer was already there in its first year of data)"
    ),
    "lag_before_data_short": _("behind by ≥%(gap)s years"),
    "lag_ahead": _("ahead by %(gap)s years"),
    "lag_behind": _("behind by %(gap)s years"),
}

# Import findings: the indicator tables' are in zhaoshang.core.messages.ISSUE_MESSAGES.
ISSUES: dict[str, Promise] = {}
