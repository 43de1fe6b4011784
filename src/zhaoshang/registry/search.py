"""Search and filters over the registry, the same for the list page, the API, the export and the CLI.

Full text over name, short name, credit code and business scope, chosen by database:

* SQLite: the contentless FTS5 table ``registry_enterprise_fts`` (trigram tokenizer, no positions; migrations
  0007 and 0011) over one computed column: the four fields, each ended by a private-use separator, then the
  region code, the status and whether the firm was merged, written as tokens no text contains (see the
  migrations). A term of
  three or more characters becomes the AND of its trigrams; a term of two characters the OR of the indexed
  trigrams that start with it (looked up in ``registry_enterprise_fts_vocab``: every two-character word of a
  field is followed by another character or by the separator). The region and status filters and "not merged"
  are added to the same MATCH, so the index alone narrows the rows to the few that match all of them; a city
  (or county) with a status through the city-and-status facet of migration 0011, whose trigrams are each in one
  city's firms of one status only. A term of more than three characters is then checked on those rows (``LIKE``:
  the index keeps no positions, so its trigrams could sit apart); below the count cap within a time budget.
* PostgreSQL: ``ILIKE '%term%'`` on the four columns, answered by the pg_trgm GIN indexes of migration 0003 for
  terms of three or more characters; a two-character term is an ``ILIKE`` the database checks row by row (a
  trigram index has no trigram to look up), stopped early by the newest-first order of the page.
* Any other database: ``icontains`` (a table scan; only for development).

A query of one character is answered from ordinary B-tree indexes: a name or short name that starts with it, a
credit code that starts with it. A full 18-character credit code is an equality lookup on its unique index.

Lists come in pages found by key (:func:`page_of`): with a query, by relevance — exact name or short name, then
name prefix, then the brand (字号) inside the name, then the rest (scope, code) — and newest first within each;
without one, newest first. Counts stop at :data:`COUNT_CAP` ("10,000+").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.db import connection, models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.scoping import visible
from zhaoshang.core.reference.regions import region_prefix
from zhaoshang.registry.core import uscc as uscc_core
from zhaoshang.registry.firms import fx_rates, home_prefix
from zhaoshang.registry.models import Enterprise

MIN_TRIGRAM = 3
MAX_TRIGRAMS = 32
#: A two-character term followed by more distinct characters than this in the index is checked row by row.
MAX_BIGRAM_TRIGRAMS = 1500
#: Counts stop here: a list that matches more firms says "10,000+".
COUNT_CAP = 10_000
_TERMS = re.compile(r"[\s\u3000]+")
_CODEISH = re.compile(r"[0-9A-Z]+")
# Highest code point: a range [q, q + MAX) is "starts with q" for any collation that orders by code point (SQLite).
_MAX_CHAR = "\U0010ffff"

#: Extra filters other apps may add (e.g. the chains app's chain node): name → function(queryset, value).
FILTER_EXTENSIONS: dict[str, Callable[[models.QuerySet, Any], models.QuerySet]] = {}

_TABLE = Enterprise._meta.db_table


@cache
def _index_layout():
    from importlib import import_module

    return import_module("zhaoshang.registry.migrations.0011_search_facets_sqlite")


def fts_body_sql(row: str) -> str:
    """The SQL expression of the indexed text of the row alias ``row`` (what the triggers index)."""
    return _index_layout().body_sql(row)


def fts_fill_sql() -> list[str]:
    """``INSERT``s that index every firm with ``id > %s`` in both full-text tables (the large-import path, which
    drops the insert trigger)."""
    layout = _index_layout()
    return [
        f"INSERT INTO {_TABLE}_fts(rowid, body) SELECT id, {layout.body_sql(_TABLE)} FROM {_TABLE} WHERE id > %s",
        f"INSERT INTO {_TABLE}_name_fts(rowid, body) SELECT id, {layout.name_body_sql(_TABLE)} FROM {_TABLE} WHERE id > %s",
    ]


def _has_case(term: str) -> bool:
    return term.lower() != term.upper()


def _pg_contains(column: str, term: str) -> Q:
    """``column`` contains ``term`` on PostgreSQL as the pg_trgm index answers it: ``LIKE`` for a term without
    letters that have a case (Chinese, digits: much cheaper on multibyte text), else ``ILIKE``."""
    if not _has_case(term):
        return Q(**{f"{column}__contains": term})
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return Q(RawSQL(f'"{_TABLE}"."{column}" ILIKE %s', [pattern], output_field=models.BooleanField()))


def _contains(column: str, term: str) -> Q:
    if connection.vendor == "postgresql":
        return _pg_contains(column, term)
    return Q(**{f"{column}__icontains": term})


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


def has_selective_filter(filters: Mapping[str, Any] | None) -> bool:
    """Whether ``filters`` narrow the list through an index on a code prefix (region, industry, local firms)."""
    if not filters:
        return False
    return bool(filters.get("region") or filters.get("industry") or _truthy(filters.get("local")))


# --------------------------------------------------------------------------------------------- the index (SQLite)


def _region_tokens(prefix: str) -> list[str]:
    """Trigrams of the region facet for a code prefix of 2 to 6 digits (none for anything else)."""
    if not (2 <= len(prefix) <= 6 and prefix.isascii() and prefix.isdigit()):
        return []
    layout = _index_layout()
    chars = [chr(layout.DIGIT_BASE + 10 * i + int(d)) for i, d in enumerate(prefix)]
    if len(chars) == 2:
        return [chr(layout.REGION_MARK) + "".join(chars)]
    return ["".join(chars[i : i + 3]) for i in range(len(chars) - 2)]


def _status_tokens(status: str) -> list[str]:
    mark = chr(_index_layout().STATUS_MARK)
    text = mark + status.lower() + mark
    return list(dict.fromkeys(text[i : i + 3] for i in range(len(text) - 2)))


def _city_status_tokens(city: str, status: str) -> list[str]:
    """Trigrams of the city-and-status facet (migration 0011) for the four digits of a city and a status: each
    contains the city, so each is in that city's firms with that status only."""
    mark = chr(_index_layout().CITY_BASE + int(city))
    text = mark * 2 + status.lower() + mark * 2
    return list(dict.fromkeys(text[i : i + 3] for i in range(len(text) - 2)))


def _following_trigrams(term: str) -> list[str] | None:
    """Indexed trigrams that start with the two characters ``term`` (None when there are too many to list)."""
    low = term.lower()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT term FROM {_TABLE}_fts_vocab WHERE term >= %s AND term < %s LIMIT {MAX_BIGRAM_TRIGRAMS + 1}",
            [low, low + _MAX_CHAR],
        )
        found = [row[0] for row in cursor.fetchall()]
    return None if len(found) > MAX_BIGRAM_TRIGRAMS else found


@dataclass
class _Match:
    """The FTS5 MATCH expression of a query (SQLite) and what the index cannot decide alone."""

    groups: list[str] = field(default_factory=list)  # each an AND-able expression
    recheck: list[str] = field(default_factory=list)  # terms to check on the rows (LIKE)
    impossible: bool = False  # a term no indexed text contains
    has_text: bool = False

    def expression(self, *, include_merged: bool) -> str:
        text = " AND ".join(self.groups)
        if not include_merged:
            merged = chr(_index_layout().MERGED_MARK) * 3
            text = f"{text} NOT {_fts_phrase(merged)}"
        return text


def _text_groups(terms: list[str], match: _Match) -> None:
    budget = MAX_TRIGRAMS
    for term in terms:
        if len(term) >= MIN_TRIGRAM:
            trigrams = list(dict.fromkeys(term.lower()[i : i + 3] for i in range(len(term) - 2)))
            used = trigrams[: max(budget, 1)]
            budget -= len(used)
            match.groups.append("(" + " AND ".join(_fts_phrase(t) for t in used) + ")")
            match.has_text = True
            if len(term) > MIN_TRIGRAM:
                match.recheck.append(term)
        elif len(term) == 2:
            following = _following_trigrams(term)
            if following is None:
                match.recheck.append(term)
            elif not following:
                match.impossible = True
            else:
                match.groups.append("(" + " OR ".join(_fts_phrase(t) for t in following) + ")")
                match.has_text = True
        else:
            match.recheck.append(term)


def _facet_groups(filters: Mapping[str, Any] | None, match: _Match) -> bool:
    """Add the region and status filters to the MATCH; True when they are all the filters there are."""
    if not filters:
        return True
    all_facets = True
    statuses = _listish(filters.get("status"))
    for key, value in filters.items():
        if value in (None, "", []):
            continue
        if key == "region":
            prefix = region_prefix(resolve_region(str(value)))
            tokens = _region_tokens(prefix)
            if tokens and statuses and len(prefix) >= 4:
                # a city (or a county in it) and a status: the city-and-status facet, whose trigrams are each in
                # one city's firms of one status, instead of the status facet (each of its trigrams is in most
                # firms); a county adds its digit trigrams
                alternatives = [
                    "(" + " AND ".join(_fts_phrase(t) for t in _city_status_tokens(prefix[:4], s)) + ")"
                    for s in statuses
                ]
                match.groups.append("(" + " OR ".join(alternatives) + ")")
                if len(prefix) > 4:
                    match.groups.append("(" + " AND ".join(_fts_phrase(t) for t in tokens) + ")")
                statuses = []
            elif tokens:
                match.groups.append("(" + " AND ".join(_fts_phrase(t) for t in tokens) + ")")
            else:
                all_facets = False
        elif key == "status":
            continue
        else:
            all_facets = False
    if statuses:
        alternatives = ["(" + " AND ".join(_fts_phrase(t) for t in _status_tokens(s)) + ")" for s in statuses]
        match.groups.append("(" + " OR ".join(alternatives) + ")")
    return all_facets


# --------------------------------------------------------------------------------------------- the text condition


@dataclass
class SearchPlan:
    """How a query and its filters are answered (SQLite: ``match``, the full-text MATCH of the terms and of the
    region and status filters; ``filters_in_index``: every filter is in it; ``recheck``: a term must also be
    checked on the rows)."""

    condition: Q | None
    match: str | None = None
    filters_in_index: bool = False
    recheck: bool = False
    recheck_condition: Q | None = None  # the terms checked on the rows (SQLite), without the MATCH
    filtered: bool = True  # False: no query and no filter (the whole registry, counted exactly and cheaply)
    code_lookup: bool = False  # a full credit code: one firm at most, no relevance tiers to read

    @property
    def index_only(self) -> bool:
        """The SQLite index alone gives the exact rows."""
        return bool(self.match) and self.filters_in_index and not self.recheck


def plan_search(
    query: str, filters: Mapping[str, Any] | None = None, *, include_merged: bool = False
) -> SearchPlan:
    """The WHERE condition of a free-text query together with ``filters`` (which :func:`apply_filters` applies
    too: on SQLite the region and status also go into the full-text MATCH, where they are cheap to intersect)."""
    text = (query or "").strip()
    vendor = connection.vendor
    if not text:
        if not any(v not in (None, "", []) for v in (filters or {}).values()):
            return SearchPlan(None, filtered=False)
        if vendor != "sqlite":
            return SearchPlan(None)
        match = _Match()
        only_facets = _facet_groups(filters, match)
        if not match.groups:
            return SearchPlan(None)
        # the filters alone: counted in the index; the rows themselves are found by the ordinary indexes
        return SearchPlan(None, match.expression(include_merged=include_merged), filters_in_index=only_facets)
    code = uscc_core.normalise(text)
    if len(code) == 18 and _CODEISH.fullmatch(code):
        # a valid code lives in ``uscc`` (unique index); only an invalid one is kept as written, in ``uscc_raw``.
        # Asking both in one OR would scan the table for the unindexed column.
        if uscc_core.is_valid_code(code):
            return SearchPlan(Q(uscc=code), code_lookup=True)
        return SearchPlan(Q(uscc_raw__in=sorted({text, code})), code_lookup=True)
    terms = [t for t in _TERMS.split(text) if t]
    if len(terms) == 1 and len(terms[0]) < 2:
        return SearchPlan(_short_query(terms[0]))
    if vendor == "sqlite":
        match = _Match()
        _text_groups(terms, match)
        if match.impossible:
            return SearchPlan(Q(pk__in=[]))
        if not match.has_text:  # nothing the index can look up (a very common two-character word)
            condition = Q()
            for term in terms:
                condition &= _contains_anywhere(term)
            return SearchPlan(condition)
        only_facets = _facet_groups(filters, match)
        expression = match.expression(include_merged=include_merged)
        condition = Q(
            RawSQL(
                f'"{_TABLE}"."id" IN (SELECT rowid FROM {_TABLE}_fts WHERE {_TABLE}_fts MATCH %s)',
                [expression],
                output_field=models.BooleanField(),
            )
        )
        recheck = Q()
        for term in match.recheck:  # the trigrams of a term may sit apart: the term itself must occur
            recheck &= _contains_anywhere(term)
        return SearchPlan(
            condition & recheck,
            expression,
            filters_in_index=only_facets,
            recheck=bool(match.recheck),
            recheck_condition=recheck,
        )
    if vendor == "postgresql":
        parts, params = [], []
        for term in terms:
            pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            like = "ILIKE" if _has_case(term) else "LIKE"  # LIKE: the same for Chinese, and far cheaper
            parts.append(
                "("
                + " OR ".join(f'"{_TABLE}"."{c}" {like} %s' for c in ("name", "short_name", "scope", "uscc"))
                + ")"
            )
            params.extend([pattern] * 4)
        return SearchPlan(
            Q(RawSQL("(" + " AND ".join(parts) + ")", params, output_field=models.BooleanField()))
        )
    condition = Q()
    for term in terms:
        condition &= _contains_anywhere(term)
    return SearchPlan(condition)


def text_condition(
    query: str, *, selective_filter: bool = False, filters: Mapping[str, Any] | None = None
) -> Q | None:
    """The WHERE condition for a free-text query (see the module documentation), or None for an empty query.

    ``filters``: the list filters of the same search (their region and status narrow the index lookup on SQLite).
    ``selective_filter`` is accepted for callers of the earlier signature and no longer needed.
    """
    return plan_search(query, filters).condition


def _contains_anywhere(term: str) -> Q:
    return (
        _contains("name", term)
        | _contains("short_name", term)
        | _contains("scope", term)
        | _contains("uscc", term)
    )


# --------------------------------------------------------------------------------------------- regions by name


@cache
def _region_names():
    from zhaoshang.core.reference.regions import default_regions
    from zhaoshang.registry.core.regions import RegionNameIndex

    table = default_regions()
    return RegionNameIndex(
        (code, region.name, [a.name for a in table.ancestors(code)]) for code, region in table.items()
    )


def resolve_region(value: str) -> str:
    """A region filter as typed — a code, a code prefix (4302) or a name (株洲, 株洲市, 芦淞区) — as a code or
    code prefix. Raises ``AmbiguousRegionName`` / ``UnknownRegionName`` (ValueErrors with a ``code`` and a
    Chinese message) for a name that names several regions or none."""
    text = value.strip()
    if not text or (text.isascii() and text.isdigit()):
        return text
    return _region_names().resolve(text)


# --------------------------------------------------------------------------------------------- filters


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
        rates = fx_rates()
    return [(currency, Decimal(rate)) for currency, rate in sorted(rates.items()) if Decimal(rate) > 0]


def capital_condition(
    minimum: Any = None, maximum: Any = None, rates: Mapping[str, Decimal] | None = None
) -> Q:
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
    whens = [
        When(currency=currency, then=F("capital_wan") * Value(rate))
        for currency, rate in _usable_rates(rates)
    ]
    return Case(*whens, default=Value(None), output_field=models.DecimalField())


#: List orders: key → label (:func:`ordering` gives what to order by). The first is the default: by relevance
#: when there is a query, newest first without one — both answered page by page by key (:func:`page_of`). Names
#: are compared by code point, which for Chinese is neither pinyin nor stroke order; the other orders are what
#: cadres look for: the biggest firms, the newest ones.
SORTS: dict[str, str] = {
    "relevance": _("Relevance (newest first without a search)"),
    "name": _("Name"),
    "capital": _("Registered capital, largest first"),
    "founded": _("Founded, newest first"),
    "founded_asc": _("Founded, oldest first"),
    "recent": _("Added to the registry, latest first"),
}


def _terms(query: str) -> list[str]:
    return [t for t in _TERMS.split((query or "").strip()) if t]


def relevance_tiers(query: str, plan: SearchPlan | None = None) -> list[Q]:
    """Conditions of the relevance tiers of ``query``, best first; each excludes the ones before it. The firms of
    the search that are in none of them (scope or credit code matches) come last.

    0. the name or the short name is the query; 1. it starts with the query; 2. every term is in the name or the
    short name (the brand, 字号, in the middle of a name: 宏图 in 株洲宏图走行部装备有限公司)."""
    text = " ".join(_terms(query))
    exact = Q(name=text) | Q(short_name=text)
    prefix = _prefix("name", text) | _prefix("short_name", text)
    inside = Q()
    for term in _terms(query):
        inside &= _contains("name", term) | _contains("short_name", term)
    if plan is not None and plan.match and plan.condition is not None and connection.vendor == "sqlite":
        # the firms whose name matches, from the small name index: the tiers read them, not every scope match
        names = Q(
            RawSQL(
                f'"{_TABLE}"."id" IN (SELECT rowid FROM {_TABLE}_name_fts WHERE {_TABLE}_name_fts MATCH %s)',
                [plan.match],
                output_field=models.BooleanField(),
            )
        )
        exact, prefix, inside = names & exact, names & prefix, names & inside
    return [exact, prefix & ~exact, inside & ~prefix & ~exact]


def _tier_case(query: str) -> Case:
    whens = [
        When(condition, then=Value(i)) for i, condition in enumerate(relevance_tiers(query))
    ]  # one statement
    return Case(*whens, default=Value(len(whens)), output_field=IntegerField())


def relevance_order(query: str) -> list[Any]:
    """``order_by`` arguments giving the tiers of :func:`relevance_tiers` in one statement (the export, the CLI)."""
    return [_tier_case(query), "-id"]


def ordering(sort: str | None, query: str = "") -> list[Any]:
    """``order_by`` arguments for a list order of :data:`SORTS` (relevance, or newest first, for none)."""
    if sort == "name":
        return ["name", "id"]
    if sort == "capital":
        return [capital_in_cny().desc(nulls_last=True), "name", "id"]
    if sort == "founded":
        return [F("founded").desc(nulls_last=True), "name", "id"]
    if sort == "founded_asc":
        return [F("founded").asc(nulls_last=True), "name", "id"]
    if sort == "recent" or not _terms(query):
        return ["-id"]
    return relevance_order(query)


# --------------------------------------------------------------------------------------------- pages by key


@dataclass
class ResultPage:
    """One page of a list: its rows, the count (``capped``: more than :data:`COUNT_CAP`) and the next page's key."""

    rows: list[Enterprise]
    count: int
    capped: bool
    next_cursor: str | None
    first: bool
    approximate: bool = False  # PostgreSQL: the planner's estimate, when counting would take too long

    @property
    def count_label(self) -> str:
        if self.capped:
            return f"{COUNT_CAP:,}+"
        return f"≈{self.count:,}" if self.approximate else f"{self.count:,}"


def _parse_cursor(cursor: str | None) -> tuple[str, int, int]:
    """("key", tier, last id) or ("offset", 0, offset); a key that cannot be read starts at the first page."""
    text = (cursor or "").strip()
    try:
        if text.startswith("o"):
            return "offset", 0, min(max(int(text[1:]), 0), 10**9)
        tier, _sep, last = text.partition(".")
        if text:
            return "key", min(max(int(tier), 0), 3), min(max(int(last), 0), 2**62)
    except ValueError:
        pass
    return "key", 0, 0


def count_capped(
    queryset: models.QuerySet, plan: SearchPlan | None = None, *, unscoped: bool = False
) -> tuple[int, bool]:
    """(count, more than :data:`COUNT_CAP`?) without counting past the cap (see :func:`_count`)."""
    n, capped, _approximate = _count(queryset, plan, unscoped=unscoped)
    return n, capped


def _count(
    queryset: models.QuerySet,
    plan: SearchPlan | None,
    *,
    unscoped: bool,
    base: models.QuerySet | None = None,
) -> tuple[int, bool, bool]:
    """(count, more than :data:`COUNT_CAP`?, an estimate?) without counting past the cap.

    On SQLite, when every filter is in the full-text MATCH of ``plan`` (region, status) and every firm is
    visible, the index counts first, without reading a row: more than the cap there is "10,000+" (for a term of
    four or more characters this counts firms that have all its trigrams, which nearly always means the term).
    Below the cap, when a term must be checked on the rows, the rows the index gave (by id, the MATCH is not
    asked again) are checked within :data:`COUNT_BUDGET_MS`; past it the index's count stands as an estimate
    ("≈ 9,270"), as the planner's does on PostgreSQL. ``base``: the same firms before the text condition."""
    if (
        plan is not None
        and plan.match
        and plan.filters_in_index
        and unscoped
        and connection.vendor == "sqlite"
    ):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {_TABLE}_fts WHERE {_TABLE}_fts MATCH %s LIMIT {COUNT_CAP + 1}",
                [plan.match],
            )
            ids = [row[0] for row in cursor.fetchall()]
        n = len(ids)
        if n > COUNT_CAP or not plan.recheck:
            return min(n, COUNT_CAP), n > COUNT_CAP, False
        if base is not None and plan.recheck_condition is not None:
            exact = _sqlite_count_within_budget(base, ids, plan.recheck_condition)
            return (n, False, True) if exact is None else (exact, False, False)
    if connection.vendor == "postgresql" and (plan is None or plan.filtered):
        return _count_capped_postgresql(queryset)
    n = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
    return min(n, COUNT_CAP), n > COUNT_CAP, False


#: How long a count may take (milliseconds): PostgreSQL when the planner expects more than the cap, SQLite when
#: the rows the full-text index found must be checked for a term.
COUNT_BUDGET_MS = 40


#: SQLite: virtual-machine steps between two looks at the clock while counting within the budget.
_PROGRESS_STEPS = 2000


def _sqlite_count_within_budget(base: models.QuerySet, ids: list[int], recheck: Q) -> int | None:
    """SQLite: how many of the firms ``ids`` of ``base`` satisfy ``recheck``, or None when counting them takes
    longer than :data:`COUNT_BUDGET_MS` (a progress handler interrupts the statement; a read is only stopped)."""
    import json
    import time

    from django.db import OperationalError

    rows = base.filter(
        Q(
            RawSQL(
                f'"{_TABLE}"."id" IN (SELECT value FROM json_each(%s))',
                [json.dumps(ids)],
                output_field=models.BooleanField(),
            )
        )
    ).filter(recheck)
    deadline = time.perf_counter() + COUNT_BUDGET_MS / 1000
    connection.ensure_connection()
    raw = connection.connection

    def out_of_time() -> int:
        return 1 if time.perf_counter() > deadline else 0

    raw.set_progress_handler(out_of_time, _PROGRESS_STEPS)
    try:
        return rows.order_by().count()
    except OperationalError:  # interrupted: the budget ran out
        return None
    finally:
        raw.set_progress_handler(None, 0)


def _count_capped_postgresql(queryset: models.QuerySet) -> tuple[int, bool, bool]:
    """(count, capped, approximate): the count gets :data:`COUNT_BUDGET_MS`; past it, the planner's estimate
    stands — "10,000+" when it expects more than :data:`COUNT_CAP` rows, else "≈ estimate". (Counting thousands
    of firms of a common scope word means reading them from the table — the trigram index cannot confirm a match
    alone — about a second at 1,000,000 firms.) A list with no condition but the indexes' is counted exactly."""
    from django.db import OperationalError, transaction

    limited = queryset.order_by().values("pk")[: COUNT_CAP + 1]
    sql, params = limited.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        explained = cursor.fetchone()[0]
    if isinstance(explained, str):
        import json

        explained = json.loads(explained)
    estimate = int(explained[0]["Plan"]["Plan Rows"])
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {int(COUNT_BUDGET_MS)}")
            n = limited.count()
    except OperationalError:  # the budget ran out (QueryCanceled): the planner's word
        return min(estimate, COUNT_CAP), estimate > COUNT_CAP, estimate <= COUNT_CAP
    return min(n, COUNT_CAP), n > COUNT_CAP, False


def page_of(
    queryset: models.QuerySet[Enterprise],
    *,
    query: str = "",
    sort: str | None = None,
    cursor: str | None = None,
    size: int = 50,
    plan: SearchPlan | None = None,
    unscoped: bool = False,
    base: models.QuerySet[Enterprise] | None = None,
) -> ResultPage:
    """A page of ``queryset`` (already searched and filtered) in the order ``sort`` (default: relevance for a
    query, newest first without one), starting at ``cursor`` (None for the first page).

    The default order pages by key — (relevance tier, id) — so no page sorts or skips over the rows before it;
    the other orders page by offset. The count stops at :data:`COUNT_CAP`. ``base``: the same firms before the
    text condition (SQLite then finds the name tiers from the name index alone, not from every scope match)."""
    kind, tier, last = _parse_cursor(cursor)
    next_cursor = None
    first = not cursor
    if (sort and sort not in ("relevance", "recent")) or kind == "offset":
        offset = last if kind == "offset" else 0
        rows = list(queryset.order_by(*ordering(sort, query))[offset : offset + size + 1])
        if len(rows) > size:
            rows, next_cursor = rows[:size], f"o{offset + size}"
        first = offset == 0
    else:
        by_relevance = sort != "recent" and not (plan is not None and plan.code_lookup)
        keyed = _keyed_rows(queryset, query if by_relevance else "", tier, last, size + 1, plan, base)
        if len(keyed) > size:
            keyed = keyed[:size]
            next_cursor = f"{keyed[-1][0]}.{keyed[-1][1].pk}"
        rows = [row for _tier, row in keyed]
    approximate = False
    if first and next_cursor is None:  # the whole result is on this page: nothing to count
        count, capped = min(len(rows), COUNT_CAP), len(rows) > COUNT_CAP
    else:
        count, capped, approximate = _count(queryset, plan, unscoped=unscoped, base=base)
    return ResultPage(
        rows=rows, count=count, capped=capped, next_cursor=next_cursor, first=first, approximate=approximate
    )


def _keyed_rows(
    queryset: models.QuerySet,
    query: str,
    tier: int,
    last: int,
    want: int,
    plan: SearchPlan | None = None,
    base: models.QuerySet | None = None,
) -> list[tuple[int, Any]]:
    """Up to ``want`` (tier, row) after the key (tier, last id), tier by tier, newest first within a tier."""
    if not _terms(query):
        if plan is not None and plan.match and plan.condition is None and connection.vendor == "sqlite":
            # filters only (region, status): the index gives their firms newest first, a window at a time
            return [(0, row) for row in _rest_by_windows(queryset, plan, Q(), last or None, want)]
        qs = queryset.filter(pk__lt=last) if last else queryset
        return [(0, row) for row in qs.order_by("-id")[:want]]
    # the name tiers imply the text condition: on SQLite they are read without it — the exact name and the prefix
    # from the B-tree indexes of name and short name, the brand inside the name from the name index, a window of
    # its newest matches at a time (a generic word such as 科技有限 is in most names)
    windowed = base is not None and plan is not None and bool(plan.match) and connection.vendor == "sqlite"
    names_from = base if windowed else queryset
    exact, prefix, inside = relevance_tiers(query)
    found: list[tuple[int, Any]] = []
    if tier <= 1:  # the exact names and the prefixes are a handful of rows: one statement for both
        # (SQLite: within the name index's matches, which it reads through the name and short-name lookups)
        named_exact, named_prefix, _inside = (
            relevance_tiers(query, plan) if windowed else (exact, prefix, inside)
        )
        qs = names_from.filter(named_exact | named_prefix).annotate(
            _tier=Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        if last:
            qs = qs.filter(Q(_tier__gt=tier) | Q(_tier=tier, pk__lt=last))
        found += [(row._tier, row) for row in qs.order_by("_tier", "-id")[:want]]
    tiers = ((2, "name_fts", inside), (3, "fts", ~(exact | prefix | inside)))
    for number, table, condition in tiers:
        if len(found) >= want or number < tier:
            continue
        below = last if number == tier and last else None
        if windowed:
            rows = _rest_by_windows(names_from, plan, condition, below, want - len(found), table=table)
            found += [(number, row) for row in rows]
            continue
        source = queryset
        qs = source.filter(condition)
        if below:
            qs = qs.filter(pk__lt=below)
        found += [(number, row) for row in qs.order_by("-id")[: want - len(found)]]
    return found


#: SQLite: the last tier is read in windows of this many newest index matches.
WINDOW = 500


def _rest_by_windows(
    base: models.QuerySet, plan: SearchPlan, condition: Q, below: int | None, want: int, *, table: str = "fts"
) -> list:
    """SQLite, a tier read from an index (``fts``: every field; ``name_fts``: names): its matches newest first, a
    window at a time, each window's rows checked (the term itself, the tier) — so a page reads a few hundred
    rows, not every firm whose scope or name has a common word."""
    rows: list = []
    while len(rows) < want:
        sql = f"SELECT rowid FROM {_TABLE}_{table} WHERE {_TABLE}_{table} MATCH %s"
        params: list[Any] = [plan.match]
        if below:
            sql += " AND rowid < %s"
            params.append(below)
        with connection.cursor() as cursor:
            cursor.execute(sql + f" ORDER BY rowid DESC LIMIT {WINDOW}", params)
            ids = [r[0] for r in cursor.fetchall()]
        if not ids:
            break
        qs = base.filter(pk__in=ids).filter(condition)
        if plan.recheck_condition is not None:
            qs = qs.filter(plan.recheck_condition)
        rows += list(qs.order_by("-id")[: want - len(rows)])
        if len(ids) < WINDOW:
            break
        below = ids[-1]
    return rows


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


def apply_filters(
    queryset: models.QuerySet[Enterprise], filters: Mapping[str, Any] | None
) -> models.QuerySet:
    """Apply the list filters: region, industry, status, tags, capital_min/capital_max (万元人民币),
    founded_from/founded_to (years), local, listed, flagged, organisation, and any registered extension."""
    if not filters:
        return queryset
    qs = queryset
    if region := str(filters.get("region") or "").strip():
        qs = qs.filter(_prefix("region_code", region_prefix(resolve_region(region))))
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
    plan: SearchPlan | None = None,
) -> models.QuerySet[Enterprise]:
    """Firms the user may see that match ``query`` and ``filters``, in the order ``sort`` of :data:`SORTS` (by
    relevance, or newest first without a query, when none; see the module docs). Lists shown page by page go
    through :func:`search_page`, which does not sort the whole result."""
    qs = Enterprise.objects.all()
    if not include_merged:
        qs = qs.filter(merged_into__isnull=True)
    if user is not None:
        qs = visible(user, qs, action)
    if plan is None:
        plan = plan_search(query, filters, include_merged=include_merged)
    condition = plan.condition
    if condition is not None:
        qs = qs.filter(condition)
    return apply_filters(qs, filters).order_by(*ordering(sort, query))


def statuses_in_use(queryset: Iterable[Enterprise] | None = None) -> list[str]:
    return list(
        Enterprise.objects.exclude(status="").order_by().values_list("status", flat=True).distinct()[:50]
    )


def is_unscoped(user: Any) -> bool:
    """Whether ``user`` sees every firm (then the SQLite index may count for the list)."""
    if user is None:
        return True
    return not visible(user, Enterprise.objects.all()).query.where


def search_page(
    user: Any,
    query: str = "",
    filters: Mapping[str, Any] | None = None,
    *,
    sort: str | None = None,
    cursor: str | None = None,
    size: int = 50,
    include_merged: bool = False,
) -> ResultPage:
    """One page of :func:`search_enterprises` by key (see :func:`page_of`), with the count capped."""
    plan = plan_search(query, filters, include_merged=include_merged)
    queryset = search_enterprises(user, query, filters, include_merged=include_merged, sort=sort, plan=plan)
    base = search_enterprises(user, "", filters, include_merged=include_merged, plan=SearchPlan(None))
    return page_of(
        queryset,
        query=query,
        sort=sort,
        cursor=cursor,
        size=size,
        plan=plan,
        unscoped=is_unscoped(user),
        base=base,
    )
