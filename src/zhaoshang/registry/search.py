"""Search and filters over the registry, the same for the list page, the API, the export and the CLI.

Full text over name, short name, credit code and business scope, chosen by database:

* SQLite: the FTS5 table ``registry_enterprise_fts`` (trigram tokenizer, migrations 0003 and 0004). The index
  keeps no token positions (it is twice as fast to fill), so each term becomes the AND of its trigrams, looked
  up in the index, and the few rows that have every trigram are then checked for the term itself (``LIKE``). A
  trigram index finds any substring of three or more characters, Chinese included.
* PostgreSQL: ``ILIKE '%term%'`` on the four columns, answered by the pg_trgm GIN indexes of migration 0003.
* Any other database: ``icontains`` (a table scan; only for development).

A trigram index cannot look up fewer than three characters (there is no trigram to look up), so a query shorter
than that — most often a two-character brand such as 中车 — is answered from ordinary B-tree indexes instead: a
name or short name that starts with it, a short name equal to it, a credit code that starts with it. A full
18-character credit code is an equality lookup on its unique index.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, models
from django.db.models import Case, F, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.scoping import visible
from zhaoshang.registry.core import uscc as uscc_core
from zhaoshang.registry.models import Enterprise

MIN_TRIGRAM = 3
MAX_TRIGRAMS = 32
_TERMS = re.compile(r"[\s\u3000]+")
_CODEISH = re.compile(r"[0-9A-Z]+")
# Highest code point: a range [q, q + MAX) is "starts with q" for any collation that orders by code point (SQLite).
_MAX_CHAR = "\U0010ffff"

#: Extra filters other apps may add (e.g. the chains app's chain node): name → function(queryset, value).
FILTER_EXTENSIONS: dict[str, Callable[[models.QuerySet, Any], models.QuerySet]] = {}

_TABLE = Enterprise._meta.db_table


def fts_columns() -> str:
    """Columns of the SQLite full-text table, as migration 0004 created them."""
    from importlib import import_module

    return import_module("zhaoshang.registry.migrations.0004_search_index_without_positions").FTS_COLUMNS


def _prefix(field: str, text: str) -> Q:
    if connection.vendor == "sqlite":  # LIKE cannot use SQLite's B-tree here (case-insensitive); a range can
        return Q(**{f"{field}__gte": text, f"{field}__lt": text + _MAX_CHAR})
    return Q(**{f"{field}__startswith": text})


def _short_query(text: str) -> Q:
    condition = _prefix("name", text) | _prefix("short_name", text) | Q(short_name=text)
    code = uscc_core.normalise(text)
    if _CODEISH.fullmatch(code):
        condition |= _prefix("uscc", code)
    return condition


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


#: A term with at least this many full-text matches is "common": with a region or industry filter, SQLite then
#: reads the (fewer) rows of the filter's index and checks them against the matches, instead of the reverse.
COMMON_TERM_ROWS = 2000


def _common(match: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT rowid FROM {_TABLE}_fts WHERE {_TABLE}_fts MATCH %s LIMIT {COMMON_TERM_ROWS})",
            [match],
        )
        return cursor.fetchone()[0] >= COMMON_TERM_ROWS


def has_selective_filter(filters: Mapping[str, Any] | None) -> bool:
    """Whether ``filters`` narrow the list through an index on a code prefix (region, industry, local firms)."""
    if not filters:
        return False
    return bool(filters.get("region") or filters.get("industry") or _truthy(filters.get("local")))


def text_condition(query: str, *, selective_filter: bool = False) -> Q | RawSQL | None:
    """The WHERE condition for a free-text query (see the module documentation), or None for an empty query.

    ``selective_filter``: the query also has a filter answered by an index (see :func:`has_selective_filter`).
    """
    text = (query or "").strip()
    if not text:
        return None
    code = uscc_core.normalise(text)
    if len(code) == 18 and _CODEISH.fullmatch(code):
        # a valid code lives in ``uscc`` (unique index); only an invalid one is kept as written, in ``uscc_raw``.
        # Asking both in one OR would scan the table for the unindexed column.
        if uscc_core.is_valid_code(code):
            return Q(uscc=code)
        return Q(uscc_raw__in=sorted({text, code}))
    terms = [t for t in _TERMS.split(text) if t]
    long_terms = [t for t in terms if len(t) >= MIN_TRIGRAM]
    if not long_terms:
        return _short_query(terms[0]) if len(terms) == 1 else _short_query(text)
    vendor = connection.vendor
    if vendor == "sqlite":
        trigrams = list(dict.fromkeys(t[i : i + MIN_TRIGRAM] for t in long_terms for i in range(len(t) - 2)))
        match = " AND ".join(_fts_phrase(t) for t in trigrams[:MAX_TRIGRAMS])  # the LIKE below checks the rest
        # "+id" keeps SQLite from driving the query by the matches' ids: for a common term the filter's index
        # finds fewer rows
        column = f'+"{_TABLE}"."id"' if selective_filter and _common(match) else f'"{_TABLE}"."id"'
        condition: Q | RawSQL = Q(
            RawSQL(
                f"{column} IN (SELECT rowid FROM {_TABLE}_fts WHERE {_TABLE}_fts MATCH %s)",
                [match],
                output_field=models.BooleanField(),
            )
        )
        looked_up = set(trigrams[:MAX_TRIGRAMS])
        for term in long_terms:  # the trigrams of a term may sit apart: the term itself must occur
            if len(term) > MIN_TRIGRAM or term not in looked_up:
                condition &= _contains_anywhere(term)
    elif vendor == "postgresql":
        parts, params = [], []
        for term in long_terms:
            pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            parts.append(
                "(" + " OR ".join(f'"{_TABLE}"."{c}" ILIKE %s' for c in ("name", "short_name", "scope", "uscc")) + ")"
            )
            params.extend([pattern] * 4)
        condition = RawSQL("(" + " AND ".join(parts) + ")", params, output_field=models.BooleanField())
    else:
        condition = Q()
        for term in long_terms:
            condition &= _contains_anywhere(term)
    short_terms = [t for t in terms if len(t) < MIN_TRIGRAM]
    if short_terms:  # checked on the rows the long terms found
        extra = Q()
        for term in short_terms:
            extra &= Q(name__contains=term) | Q(short_name__contains=term) | Q(scope__contains=term)
        return Q(condition) & extra if isinstance(condition, Q) else _and(condition, extra)
    return condition


def _contains_anywhere(term: str) -> Q:
    return (
        Q(name__icontains=term) | Q(short_name__icontains=term) | Q(scope__icontains=term) | Q(uscc__icontains=term)
    )


def _and(raw: RawSQL, extra: Q) -> Q:
    return Q(raw) & extra


# --------------------------------------------------------------------------------------------- filters


def region_prefix(code: str) -> str:
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        return code
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def _industry_condition(code: str) -> Q:
    code = code.strip().upper()
    if not code:
        return Q()
    if len(code) == 1 and code.isalpha():
        from zhaoshang.core.reference.industries import builtin_sections_and_divisions

        divisions = [i.code for i in builtin_sections_and_divisions() if i.parent_code == code]
        condition = Q(industry_code=code)
        for division in divisions:
            condition |= _prefix("industry_code", division)
        return condition
    digits = code.lstrip("ABCDEFGHIJKLMNOPQRST")
    return _prefix("industry_code", digits or code)


def _tag_condition(tag: str) -> Q | RawSQL:
    if connection.vendor == "postgresql":
        return Q(tags__contains=[tag])
    if connection.vendor == "sqlite":
        return RawSQL(
            f'EXISTS (SELECT 1 FROM json_each("{_TABLE}"."tags") WHERE json_each.value = %s)',
            [tag],
            output_field=models.BooleanField(),
        )
    return Q(tags__icontains=f'"{tag}"')


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _usable_rates(rates: Mapping[str, Any] | None) -> list[tuple[str, Decimal]]:
    """(currency, CNY per unit) for every positive rate of ``rates`` (default: the configured table), sorted."""
    if rates is None:
        from zhaoshang.registry.services import fx_rates

        rates = fx_rates()
    return [(currency, Decimal(rate)) for currency, rate in sorted(rates.items()) if Decimal(rate) > 0]


def capital_condition(minimum: Any = None, maximum: Any = None, rates: Mapping[str, Decimal] | None = None) -> Q:
    """Capital between two bounds in 万元人民币, each firm's own currency converted with ``rates``.

    The stored amount keeps its currency; the bounds are converted instead (one range per currency), so the
    indexes on (currency, capital_wan) answer it. Firms in a currency without a rate never match a bound.
    """
    low, high = _decimal(minimum), _decimal(maximum)
    if low is None and high is None:
        return Q()
    condition = Q(pk__in=[])
    for currency, rate in _usable_rates(rates):
        part = Q(currency=currency)
        if low is not None:
            part &= Q(capital_wan__gte=low / rate)
        if high is not None:
            part &= Q(capital_wan__lte=high / rate)
        condition |= part
    return condition


def capital_in_cny(rates: Mapping[str, Decimal] | None = None) -> Case:
    """Registered capital in 万元人民币 as a database expression (NULL for a currency without a rate)."""
    whens = [When(currency=currency, then=F("capital_wan") * Value(rate)) for currency, rate in _usable_rates(rates)]
    return Case(*whens, default=Value(None), output_field=models.DecimalField())


#: List orders: key → label (:func:`ordering` gives what to order by). Names are compared by code point, which for
#: Chinese is neither pinyin nor stroke order; the other orders are what cadres look for: the biggest firms, the
#: newest ones.
SORTS: dict[str, str] = {
    "name": _("Name"),
    "capital": _("Registered capital, largest first"),
    "founded": _("Founded, newest first"),
    "founded_asc": _("Founded, oldest first"),
    "recent": _("Added to the registry, latest first"),
}


def ordering(sort: str | None) -> list[Any]:
    """``order_by`` arguments for a list order of :data:`SORTS` (the name order for none or an unknown key)."""
    if sort == "capital":
        return [capital_in_cny().desc(nulls_last=True), "name", "id"]
    if sort == "founded":
        return [F("founded").desc(nulls_last=True), "name", "id"]
    if sort == "founded_asc":
        return [F("founded").asc(nulls_last=True), "name", "id"]
    if sort == "recent":
        return ["-id"]
    return ["name", "id"]


def _truthy(value: Any) -> bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    return str(value).lower() in {"1", "true", "yes", "on", "是"}


def _listish(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [v for v in re.split(r"[,，、;；\s]+", value) if v]
    return [str(v) for v in value if v not in (None, "")]


def apply_filters(queryset: models.QuerySet[Enterprise], filters: Mapping[str, Any] | None) -> models.QuerySet:
    """Apply the list filters: region, industry, status, tags, capital_min/capital_max (万元人民币),
    founded_from/founded_to (years), local, listed, flagged, organisation, and any registered extension."""
    if not filters:
        return queryset
    qs = queryset
    if region := str(filters.get("region") or "").strip():
        qs = qs.filter(_prefix("region_code", region_prefix(region)))
    if industry := str(filters.get("industry") or "").strip():
        qs = qs.filter(_industry_condition(industry))
    if statuses := _listish(filters.get("status")):
        qs = qs.filter(status__in=statuses)
    for tag in _listish(filters.get("tags")):
        qs = qs.filter(_tag_condition(tag))
    capital = capital_condition(filters.get("capital_min"), filters.get("capital_max"))
    if capital:
        qs = qs.filter(capital)
    year_from, year_to = filters.get("founded_from"), filters.get("founded_to")
    if year_from not in (None, ""):
        qs = qs.filter(founded__gte=date(int(year_from), 1, 1))
    if year_to not in (None, ""):
        qs = qs.filter(founded__lte=date(int(year_to), 12, 31))
    local = _truthy(filters.get("local"))
    if local is not None:
        from zhaoshang.registry.services import home_prefix

        inside = _prefix("region_code", home_prefix())
        qs = qs.filter(inside) if local else qs.exclude(inside)
    listed = _truthy(filters.get("listed"))
    if listed is not None:
        qs = qs.filter(listed=True) if listed else qs.exclude(listed=True)
    flagged = _truthy(filters.get("flagged"))
    if flagged is not None:
        qs = qs.exclude(flags=[]) if flagged else qs.filter(flags=[])
    if organisation := filters.get("organisation"):
        qs = qs.filter(organisation=organisation)
    for name, extension in FILTER_EXTENSIONS.items():
        value = filters.get(name)
        if value not in (None, "", []):
            qs = extension(qs, value)
    return qs


def search_enterprises(
    user: Any,
    query: str = "",
    filters: Mapping[str, Any] | None = None,
    *,
    include_merged: bool = False,
    action: str = "view",
    sort: str | None = None,
) -> models.QuerySet[Enterprise]:
    """Firms the user may see that match ``query`` and ``filters``, in the order ``sort`` of :data:`SORTS` (by
    name when none; see the module docs)."""
    qs = Enterprise.objects.all()
    if not include_merged:
        qs = qs.filter(merged_into__isnull=True)
    if user is not None:
        qs = visible(user, qs, action)
    condition = text_condition(query, selective_filter=has_selective_filter(filters))
    if condition is not None:
        qs = qs.filter(condition)
    return apply_filters(qs, filters).order_by(*ordering(sort))


def statuses_in_use(queryset: Iterable[Enterprise] | None = None) -> list[str]:
    return list(Enterprise.objects.exclude(status="").order_by().values_list("status", flat=True).distinct()[:50])
