"""The city-and-status facet of SQLite's full-text index (migration 0011): a word with a city and a status finds
exactly the firms the plain query finds (contains the word, region code under the city, the status, not merged),
whatever wrote them — the import row by row, the batched import, the edit form, the API, a merge, a delete — and
counts them exactly (or says "≈" when checking them would take too long). On PostgreSQL the same assertions
hold through its own plan."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from tests.registry.test_registry_edit import form_data

from zhaoshang.registry import bulk_db, importing, search
from zhaoshang.registry.duplicates import merge_enterprises
from zhaoshang.registry.models import Enterprise
from zhaoshang.registry.services import import_enterprises, search_enterprises

pytestmark = pytest.mark.django_db

HEADER = ["企业名称", "行政区划代码", "登记状态", "经营范围"]
ROWS = [
    ["株洲甲软件有限公司", "430211", "存续", "软件开发；集成电路设计"],
    ["株洲乙软件有限公司", "430202", "注销", "软件开发"],
    ["长沙丙软件有限公司", "430104", "存续", "软件开发"],
    ["株洲丁电气有限公司", "430211", "存续", "牵引变流器"],
    ["株洲戊软件有限公司", "430203", "在业", "软件开发与销售"],
    ["株洲己科技有限公司", "", "存续", "软件开发"],
    # 软件开 and 件开发 both occur, 软件开发 does not: the index finds it, the check on the row drops it
    ["株洲庚科技有限公司", "430211", "存续", "软件开票；零件开发"],
    ["株洲辛软件有限公司", "430211", "存续", "软件开发"],
]
CASES = [
    ("软件开发", "4302", ["存续"], {"region": "430200", "status": "存续"}),
    ("软件开发", "4302", ["存续", "在业"], {"region": "株洲", "status": "存续,在业"}),
    ("软件", "430211", ["存续"], {"region": "430211", "status": "存续"}),
    ("集成电路设计", "4302", ["存续"], {"region": "4302", "status": "存续"}),
    ("牵引变流器", "43", ["存续"], {"region": "430000", "status": "存续"}),
    ("", "4302", ["存续"], {"region": "430200", "status": "存续"}),
]


def _plain(term: str, region: str, statuses: list[str]) -> list[int]:
    qs = Enterprise.objects.filter(
        merged_into__isnull=True, region_code__startswith=region, status__in=statuses
    )
    if term:
        qs = qs.filter(
            Q(name__contains=term)
            | Q(short_name__contains=term)
            | Q(scope__contains=term)
            | Q(uscc__contains=term)
        )
    return sorted(qs.values_list("pk", flat=True))


def _assert_faceted_equals_plain(user) -> None:
    for term, region, statuses, filters in CASES:
        expected = _plain(term, region, statuses)
        page = search.search_page(None, term, filters)
        assert sorted(f.pk for f in page.rows) == expected, (term, filters)
        assert page.count == len(expected) and not page.approximate, (term, filters)
        assert sorted(f.pk for f in search_enterprises(user, term, filters)) == expected, (term, filters)
        if connection.vendor == "sqlite" and term and len(region) >= 4:
            match = search.plan_search(term, filters).match
            city = chr(0xF0000 + int(region[:4]))
            assert city in match and "\ue002" not in match  # the city-and-status facet, not the status one


def test_a_city_and_a_status_are_answered_by_the_facet_and_find_what_the_plain_query_finds(cast, write_csv):
    import_enterprises(cast.owner, write_csv(HEADER, ROWS), cast.park)
    _assert_faceted_equals_plain(cast.officer)
    found = search.search_page(None, "软件开发", {"region": "430200", "status": "存续"})
    assert [f.name for f in found.rows] == ["株洲辛软件有限公司", "株洲甲软件有限公司"]  # newest first


def test_the_batched_import_fills_the_facet_and_merges_the_index_into_one_segment(
    cast, write_csv, monkeypatch
):
    monkeypatch.setattr(importing, "CHUNK_ROWS", 2)
    monkeypatch.setattr(importing, "COMMIT_ROWS", 2)
    monkeypatch.setattr(bulk_db, "SQLITE_DEFERRED_FTS_ROWS", 1)
    monkeypatch.setattr(bulk_db, "FTS_MERGE_PAGES", 1)
    import_enterprises(cast.owner, write_csv(HEADER, ROWS), cast.park)
    _assert_faceted_equals_plain(cast.officer)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table in ("registry_enterprise_fts", "registry_enterprise_name_fts"):
                cursor.execute(f"SELECT count(DISTINCT segid) FROM {table}_idx")
                assert cursor.fetchone()[0] == 1
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")


def test_edits_by_form_and_api_a_merge_and_a_delete_keep_the_facet_right(cast, write_csv, client_for):
    import_enterprises(cast.owner, write_csv(HEADER, ROWS), cast.park)
    by_name = {f.name: f for f in Enterprise.objects.all()}
    client = client_for(cast.owner)
    # the form: 长沙丙 moves to 株洲 (region), 株洲丁 gets the word in its scope
    moved = by_name["长沙丙软件有限公司"]
    response = client.post(reverse("registry:edit", args=[moved.pk]), form_data(moved, region_code="430211"))
    assert response.status_code == 302, response.content.decode()[:1000]
    changed = by_name["株洲丁电气有限公司"]
    response = client.post(
        reverse("registry:edit", args=[changed.pk]), form_data(changed, scope="软件开发；牵引变流器")
    )
    assert response.status_code == 302
    # the API: 株洲甲 is struck off (注销), 株洲乙 comes back (存续)
    for name, status in (("株洲甲软件有限公司", "注销"), ("株洲乙软件有限公司", "存续")):
        firm = by_name[name]
        answer = client.patch(
            f"/api/enterprises/{firm.pk}/",
            {"version": firm.version or 0, "status": status},
            content_type="application/json",
        )
        assert answer.status_code == 200, answer.content[:500]
    _assert_faceted_equals_plain(cast.officer)
    page = search.search_page(None, "软件开发", {"region": "430200", "status": "存续"})
    assert {f.name for f in page.rows} == {
        "长沙丙软件有限公司",
        "株洲丁电气有限公司",
        "株洲乙软件有限公司",
        "株洲辛软件有限公司",
    }
    # a merge: 株洲戊 (在业) merged into 株洲乙 leaves the list
    merge_enterprises(cast.owner, by_name["株洲乙软件有限公司"], by_name["株洲戊软件有限公司"])
    _assert_faceted_equals_plain(cast.officer)
    page = search.search_page(None, "软件开发", {"region": "430200", "status": "存续,在业"})
    assert "株洲戊软件有限公司" not in {f.name for f in page.rows}
    # a delete
    Enterprise.objects.filter(pk=moved.pk).delete()
    _assert_faceted_equals_plain(cast.officer)
    page = search.search_page(None, "软件开发", {"region": "430200", "status": "存续"})
    assert {f.name for f in page.rows} == {"株洲丁电气有限公司", "株洲乙软件有限公司", "株洲辛软件有限公司"}


def test_a_count_that_would_take_too_long_to_check_is_the_index_estimate(cast, write_csv, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's index count; PostgreSQL has its own budget (the planner's estimate)")
    import_enterprises(cast.owner, write_csv(HEADER, ROWS), cast.park)
    filters = {"region": "430211", "status": "存续"}
    monkeypatch.setattr(search, "COUNT_BUDGET_MS", -1)
    monkeypatch.setattr(search, "_PROGRESS_STEPS", 1)
    page = search.search_page(None, "软件开发", filters, size=1)  # two pages: the count is needed
    # the index has 株洲甲, 株洲辛 and 株洲庚 (whose scope has the word's trigrams apart): 3, said as an estimate
    assert page.approximate and page.count == 3 and page.count_label == "≈3"
    assert [f.name for f in page.rows] == ["株洲辛软件有限公司"] and page.next_cursor
    monkeypatch.setattr(search, "COUNT_BUDGET_MS", 40)
    page = search.search_page(None, "软件开发", filters, size=1)
    assert not page.approximate and page.count == 2
