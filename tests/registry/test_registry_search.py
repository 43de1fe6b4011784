"""Search (full text that works for Chinese) and the list filters, on the database the suite runs on."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from tests.registry.conftest import CODE_A, CODE_B, CODE_C, CODE_D

from zhaoshang.registry.models import Enterprise
from zhaoshang.registry.search import capital_condition, text_condition
from zhaoshang.registry.services import import_enterprises, search_enterprises

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "企业简称",
    "注册资本",
    "成立日期",
    "登记状态",
    "行业代码",
    "标签",
    "经营范围",
]
ROWS = [
    [
        CODE_A,
        "株洲中车时代示例电气有限公司",
        "时代电气",
        "50000万元人民币",
        "2005-09-26",
        "存续",
        "3716",
        "链主、上市公司",
        "牵引变流器、IGBT模块的研发与制造",
    ],
    [
        CODE_B,
        "株洲宏图电子有限公司",
        "",
        "800万元人民币",
        "2012-03-01",
        "注销",
        "3981",
        "专精特新",
        "铝电解电容器、薄膜电容器的生产",
    ],
    [
        CODE_C,
        "昆山某某电子有限公司",
        "",
        "1500万美元",
        "2001-01-01",
        "存续",
        "3911",
        "",
        "笔记本电脑整机代工；连接器",
    ],
    [
        CODE_D,
        "深圳市示例半导体有限公司",
        "",
        "100万元人民币",
        "2019-06-01",
        "存续",
        "6520",
        "",
        "集成电路设计；IGBT芯片",
    ],
]


@pytest.fixture
def firms(cast, write_csv):
    import_enterprises(cast.officer, write_csv(HEADER, ROWS), cast.bureau)
    return {f.uscc: f for f in Enterprise.objects.all()}


def names(qs):
    return sorted(f.name for f in qs)


def test_a_chinese_name_fragment_is_found_inside_the_name(cast, firms):
    assert names(search_enterprises(cast.officer, "中车时代")) == ["株洲中车时代示例电气有限公司"]


def test_a_scope_word_is_found(cast, firms):
    assert names(search_enterprises(cast.officer, "IGBT")) == [
        "株洲中车时代示例电气有限公司",
        "深圳市示例半导体有限公司",
    ]
    assert names(search_enterprises(cast.officer, "igbt模块")) == ["株洲中车时代示例电气有限公司"]


def test_several_terms_must_all_match(cast, firms):
    assert names(search_enterprises(cast.officer, "电容器 株洲")) == ["株洲宏图电子有限公司"]


def test_a_credit_code_is_found_exactly(cast, firms):
    assert names(search_enterprises(cast.officer, CODE_C.lower())) == ["昆山某某电子有限公司"]


def test_a_credit_code_fragment_is_found(cast, firms):
    assert names(search_enterprises(cast.officer, CODE_D[2:10])) == ["深圳市示例半导体有限公司"]


def test_a_two_character_query_falls_back_to_a_prefix_of_the_name_or_short_name(cast, firms):
    assert names(search_enterprises(cast.officer, "昆山")) == ["昆山某某电子有限公司"]
    assert names(search_enterprises(cast.officer, "时代")) == [
        "株洲中车时代示例电气有限公司"
    ]  # short name 时代电气


def test_the_search_is_not_an_icontains_scan():
    condition = text_condition("中车时代")
    sql = str(Enterprise.objects.filter(condition).query)
    from django.db import connection

    if connection.vendor == "sqlite":
        assert "registry_enterprise_fts" in sql and "MATCH" in sql
    else:  # LIKE for Chinese (no case; far cheaper than ILIKE on multibyte text), answered by pg_trgm
        assert "LIKE" in sql and "UPPER(" not in sql


def test_an_update_is_seen_by_the_search(cast, firms, write_csv):
    import_enterprises(
        cast.officer,
        write_csv(["统一社会信用代码", "企业名称"], [[CODE_B, "株洲宏图新材料有限公司"]], "v2.csv"),
        cast.bureau,
    )
    assert names(search_enterprises(cast.officer, "新材料")) == ["株洲宏图新材料有限公司"]
    assert not search_enterprises(cast.officer, "宏图电子").exists()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"region": "430200"}, {CODE_A, CODE_B}),
        ({"region": "320583"}, {CODE_C}),
        ({"region": "320000"}, {CODE_C}),
        ({"industry": "39"}, {CODE_B, CODE_C}),
        ({"industry": "C"}, {CODE_A, CODE_B, CODE_C}),
        ({"status": "注销"}, {CODE_B}),
        ({"tags": "链主"}, {CODE_A}),
        ({"founded_from": 2010}, {CODE_B, CODE_D}),
        ({"founded_from": 2000, "founded_to": 2005}, {CODE_A, CODE_C}),
        ({"local": True}, {CODE_A, CODE_B}),
        ({"local": False}, {CODE_C, CODE_D}),
    ],
)
def test_each_filter_narrows_the_list(cast, firms, filters, expected):
    assert {f.uscc for f in search_enterprises(cast.officer, "", filters)} == expected


def test_capital_ranges_compare_currencies_with_the_configured_rates(cast, firms, settings):
    settings.FX_RATES_TO_CNY = {"USD": 7.0}
    # 1500万美元 ≈ 10500万元: above 10000, below 60000
    assert {f.uscc for f in search_enterprises(cast.officer, "", {"capital_min": 10000})} == {CODE_A, CODE_C}
    assert {
        f.uscc for f in search_enterprises(cast.officer, "", {"capital_min": 10000, "capital_max": 20000})
    } == {CODE_C}
    settings.FX_RATES_TO_CNY = {"USD": 6.0}  # 9000万元
    assert {f.uscc for f in search_enterprises(cast.officer, "", {"capital_min": 10000})} == {CODE_A}


def test_a_currency_without_a_rate_never_matches_a_capital_bound(cast, firms):
    assert (
        not Enterprise.objects.filter(capital_condition(1, None, rates={"CNY": 1}))
        .filter(uscc=CODE_C)
        .exists()
    )


def test_the_search_finds_firms_whichever_organisation_imported_them(cast, write_csv):
    import_enterprises(cast.owner, write_csv(["企业名称"], [["株洲甲园区科技有限公司"]]), cast.park)
    import_enterprises(
        cast.outsider, write_csv(["企业名称"], [["株洲乙园区科技有限公司"]], "b.csv"), cast.other_park
    )
    assert sorted(names(search_enterprises(cast.owner, "园区科技"))) == [
        "株洲乙园区科技有限公司",
        "株洲甲园区科技有限公司",
    ]
    assert sorted(names(search_enterprises(cast.leader, "园区科技"))) == [
        "株洲乙园区科技有限公司",
        "株洲甲园区科技有限公司",
    ]


def test_the_list_page_searches_and_filters(cast, firms, client_for, django_assert_max_num_queries):
    client = client_for(cast.officer)
    # session, user, then the page by relevance: exact/prefix names, brand in the name, one window of the index
    # for the rest and its rows (the count is skipped when the whole result is on the page)
    with django_assert_max_num_queries(8):  # + the bell's unread count in the header
        response = client.get(reverse("registry:list"), {"q": "IGBT", "local": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "株洲中车时代示例电气有限公司" in body and "深圳市示例半导体有限公司" not in body


def test_the_list_page_query_count_does_not_grow_with_the_rows(
    cast, client_for, write_csv, django_assert_max_num_queries
):
    rows = [[f"株洲第{i}号科技有限公司"] for i in range(60)]
    import_enterprises(cast.officer, write_csv(["企业名称"], rows), cast.bureau)
    client = client_for(cast.officer)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("registry:list"))
    assert response.status_code == 200 and response.content.decode().count("/registry/") >= 50


def test_the_htmx_request_returns_only_the_results(cast, firms, client_for):
    response = client_for(cast.officer).get(reverse("registry:list"), {"q": "电容器"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="results"' in body and "<html" not in body and "株洲宏图电子有限公司" in body


def test_the_filtered_list_exports_to_xlsx(cast, firms, client_for):
    response = client_for(cast.officer).get(reverse("registry:export"), {"local": "0"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("统一社会信用代码", "企业名称")
    assert sorted(r[1] for r in rows[1:]) == ["昆山某某电子有限公司", "深圳市示例半导体有限公司"]


def test_the_export_contains_the_shared_registry(cast, write_csv, client_for):
    import_enterprises(cast.outsider, write_csv(["企业名称"], [["株洲乙园区科技有限公司"]]), cast.other_park)
    response = client_for(cast.owner).get(reverse("registry:export"))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert len(rows) == 2 and "株洲乙园区科技有限公司" in rows[1]


def test_the_api_lists_firms_with_the_same_filters_and_scope(cast, firms, client_for):
    data = client_for(cast.officer).get("/api/enterprises/", {"q": "电容器"}).json()
    assert [r["name"] for r in data["results"]] == ["株洲宏图电子有限公司"]
    assert client_for(cast.outsider).get("/api/enterprises/").json()["count"] == len(firms)
    detail = client_for(cast.officer).get(f"/api/enterprises/{firms[CODE_C].pk}/").json()
    assert detail["currency"] == "USD" and detail["registered_capital_wan"] == 1500
    assert client_for(cast.outsider).get(f"/api/enterprises/{firms[CODE_C].pk}/").status_code == 200


def test_a_term_is_found_only_where_it_occurs_whole_not_where_its_trigrams_sit_apart(cast, write_csv):
    # 中车时 and 车时代 both occur in the second firm, but never as 中车时代
    rows = [["株洲中车时代电气有限公司", ""], ["株洲中车时运电气有限公司", "车时代理；中车时刻表"]]
    import_enterprises(cast.officer, write_csv(["企业名称", "经营范围"], rows), cast.bureau)
    assert names(search_enterprises(cast.officer, "中车时代")) == ["株洲中车时代电气有限公司"]
    assert names(search_enterprises(cast.officer, "中车时")) == [
        "株洲中车时代电气有限公司",
        "株洲中车时运电气有限公司",
    ]


def test_a_long_query_with_many_terms_still_requires_every_term(cast, firms):
    query = " ".join(["IGBT", "模块的研发", "牵引变流器"] + [f"词{i:03d}" for i in range(40)])
    assert not search_enterprises(cast.officer, query).exists()
    assert names(search_enterprises(cast.officer, "IGBT 模块的研发 牵引变流器")) == [
        "株洲中车时代示例电气有限公司"
    ]


def test_a_flagged_code_is_found_as_it_was_written(cast, write_csv):
    import_enterprises(
        cast.officer,
        write_csv(["统一社会信用代码", "企业名称"], [["91430211MA4L0XY05Y", "株洲校验位科技有限公司"]]),
        cast.bureau,
    )
    assert names(search_enterprises(cast.officer, "91430211ma4l0xy05y")) == ["株洲校验位科技有限公司"]


def test_a_valid_code_is_looked_up_by_its_unique_index_alone(cast, firms):
    where = str(Enterprise.objects.filter(text_condition(CODE_A)).query).split(" WHERE ", 1)[1]
    assert "uscc_raw" not in where and "MATCH" not in where and '"uscc" =' in where


def test_a_scope_word_with_two_filters_finds_only_the_firms_that_match_all_three(cast, firms):
    found = search_enterprises(cast.officer, "电容器", {"region": "430200", "status": "存续"})
    assert not found.exists()  # 株洲宏图 makes capacitors but is 注销
    found = search_enterprises(cast.officer, "IGBT", {"region": "430200", "status": "存续"})
    assert names(found) == ["株洲中车时代示例电气有限公司"]
    found = search_enterprises(cast.officer, "IGBT", {"local": False, "capital_max": 1000})
    assert names(found) == ["深圳市示例半导体有限公司"]


def test_on_sqlite_the_region_and_status_filters_go_into_the_full_text_lookup_and_find_the_same_firms(
    cast, firms
):
    from django.db import connection

    from zhaoshang.registry.search import plan_search

    filters = {"region": "430200", "status": "存续"}
    assert names(search_enterprises(cast.officer, "IGBT", filters)) == ["株洲中车时代示例电气有限公司"]
    assert names(search_enterprises(cast.officer, "电容器", {"region": "4302", "status": "注销"})) == [
        "株洲宏图电子有限公司"
    ]
    assert names(search_enterprises(cast.officer, "IGBT", {"region": "430000"})) == [
        "株洲中车时代示例电气有限公司"
    ]
    assert names(search_enterprises(cast.officer, "IGBT", {"region": "440300"})) == [
        "深圳市示例半导体有限公司"
    ]
    plan = plan_search("电容器", {"region": "430200", "status": "注销"})
    if connection.vendor == "sqlite":
        assert (
            plan.index_only and plan.match.count("AND") >= 3
        )  # the term, the city and the status in one MATCH
        assert not plan_search("IGBT", filters).index_only  # four characters: checked on the rows too


@pytest.mark.django_db
def test_after_every_migration_the_full_text_index_is_kept_up_to_date_by_its_triggers():
    """A migration that alters a field of Enterprise makes SQLite rebuild the table, which drops its triggers:
    without them the full-text index silently stops seeing new firms."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the trigram index of PostgreSQL is an ordinary index, kept by the database itself")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'registry_enterprise'"
        )
        triggers = {row[0] for row in cursor.fetchall()}
    assert {
        "registry_enterprise_fts_ai",
        "registry_enterprise_fts_au",
        "registry_enterprise_fts_ad",
    } <= triggers


BY_CAPITAL = [
    "株洲中车时代示例电气有限公司",
    "昆山某某电子有限公司",
    "株洲宏图电子有限公司",
    "深圳市示例半导体有限公司",
]
NEWEST_FIRST = [
    "深圳市示例半导体有限公司",
    "株洲宏图电子有限公司",
    "株洲中车时代示例电气有限公司",
    "昆山某某电子有限公司",
]


def _in_page_order(html: str, wanted: list[str]) -> list[str]:
    return sorted(wanted, key=html.index)


def test_the_list_can_be_ordered_by_capital_in_yuan_or_by_founding_date(cast, firms, client_for):
    client = client_for(cast.officer)
    # 50,000 万元 > 1,500 万美元 (about 10,600 万元 at the default rate) > 800 万元 > 100 万元
    assert (
        _in_page_order(client.get(reverse("registry:list"), {"sort": "capital"}).content.decode(), BY_CAPITAL)
        == BY_CAPITAL
    )
    html = client.get(reverse("registry:list"), {"sort": "founded"}).content.decode()
    assert _in_page_order(html, NEWEST_FIRST) == NEWEST_FIRST
    html = client.get(reverse("registry:list"), {"sort": "founded_asc"}).content.decode()
    assert _in_page_order(html, NEWEST_FIRST) == NEWEST_FIRST[::-1]
    html = client.get(reverse("registry:list"), {"sort": "name"}).content.decode()
    assert _in_page_order(html, BY_CAPITAL) == sorted(BY_CAPITAL)
    html = client.get(reverse("registry:list")).content.decode()
    in_file_order = [ROWS[i][1] for i in range(4)]
    assert _in_page_order(html, BY_CAPITAL) == in_file_order[::-1]  # newest first when no order is chosen


def test_the_capital_order_follows_the_configured_rates(cast, firms, client_for, settings):
    settings.FX_RATES_TO_CNY = {"USD": 100}  # 1,500 万美元 = 150,000 万元: now the largest
    html = client_for(cast.officer).get(reverse("registry:list"), {"sort": "capital"}).content.decode()
    assert _in_page_order(html, BY_CAPITAL)[:2] == ["昆山某某电子有限公司", "株洲中车时代示例电气有限公司"]


def test_the_api_and_the_export_keep_the_chosen_order(cast, firms, client_for):
    client = client_for(cast.officer)
    api = client.get("/api/enterprises/", {"sort": "capital", "q": "有限公司"})
    assert api.status_code == 200
    assert [f["name"] for f in api.json()["results"]] == BY_CAPITAL
    response = client.get(reverse("registry:export"), {"sort": "founded"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert [r[1] for r in rows[1:]] == NEWEST_FIRST


def test_an_unknown_order_is_a_clear_error_not_a_crash(cast, firms, client_for):
    client = client_for(cast.officer)
    page = client.get(reverse("registry:list"), {"sort": "revenue; drop table"})
    assert page.status_code == 200 and "sort" in page.content.decode()
    assert client.get("/api/enterprises/", {"sort": "nope"}).status_code == 400
    assert client.get(reverse("registry:export"), {"sort": "nope"}).status_code == 400


def test_the_cli_search_and_export_take_the_same_orders(cast, firms, tmp_path):
    import json

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("firms", "search", "--sort", "capital", "--json", stdout=out)
    assert [f["name"] for f in json.loads(out.getvalue())] == BY_CAPITAL
    target = tmp_path / "按成立日期.xlsx"
    call_command("firms", "export", str(target), "--sort", "founded", stdout=io.StringIO())
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == NEWEST_FIRST
    with pytest.raises(CommandError):
        call_command("firms", "search", "--sort", "revenue", stdout=io.StringIO(), stderr=io.StringIO())
