"""Search that finds what cadres type (issue #8 item 6) and lists that page by key with capped counts (issue #10
item 9), on the database the suite runs on (SQLite, or PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from zhaoshang.registry import search
from zhaoshang.registry.models import Enterprise
from zhaoshang.registry.services import import_enterprises, search_enterprises

HEADER = ["企业名称", "企业简称", "统一社会信用代码", "登记状态", "行政区划代码", "经营范围"]
# rows in import order: ids ascend, so "newest first" is the reverse of this list
ROWS = [
    ["宏图", "", "", "存续", "430203", "软件开发"],  # exact name
    ["宏图科技有限公司", "", "", "存续", "430211", "软件开发"],  # name prefix
    ["株洲宏图走行部装备有限公司", "", "", "存续", "430203", "轨道交通走行部装备制造"],  # brand in the middle
    ["长沙某某信息技术有限公司", "", "", "存续", "430104", "承接宏图广告设计；软件开发"],  # scope only
    ["株洲新材料有限公司", "宏图新材", "", "注销", "430211", "新材料技术研发"],  # short name prefix
    ["北京朝阳文化传媒有限公司", "", "", "存续", "110105", "组织文化艺术交流活动；软件开发"],
    ["长春朝阳机械有限公司", "", "", "存续", "220104", "机械设备研发"],
]


@pytest.fixture
def city(cast, write_csv):
    import_enterprises(cast.officer, write_csv(HEADER, ROWS), cast.bureau)
    return {f.name: f for f in Enterprise.objects.all()}


def names(qs):
    return [f.name for f in qs]


def test_a_two_character_brand_is_found_in_the_middle_of_a_name(cast, city):
    found = names(search_enterprises(cast.officer, "宏图"))
    assert "株洲宏图走行部装备有限公司" in found


def test_a_two_character_word_is_found_in_the_name_short_name_and_scope_and_nowhere_else(cast, city):
    assert set(names(search_enterprises(cast.officer, "宏图"))) == {
        "宏图",
        "宏图科技有限公司",
        "株洲宏图走行部装备有限公司",
        "长沙某某信息技术有限公司",
        "株洲新材料有限公司",
    }
    assert set(names(search_enterprises(cast.officer, "走行"))) == {"株洲宏图走行部装备有限公司"}
    assert set(names(search_enterprises(cast.officer, "研发"))) == {
        "株洲新材料有限公司",
        "长春朝阳机械有限公司",
    }
    assert not search_enterprises(cast.officer, "鲲鹏").exists()


def test_a_two_character_word_at_the_very_end_of_a_field_is_found(cast, city):
    # 开发 ends the scope 软件开发 and 制造 ends 轨道交通走行部装备制造: no character follows them
    assert "宏图" in names(search_enterprises(cast.officer, "开发"))
    assert names(search_enterprises(cast.officer, "制造")) == ["株洲宏图走行部装备有限公司"]
    assert names(search_enterprises(cast.officer, "宏图", {"status": "注销"})) == ["株洲新材料有限公司"]


def test_results_come_by_relevance_exact_name_then_prefix_then_brand_then_scope(cast, city):
    page = search.search_page(cast.officer, "宏图")
    assert [f.name for f in page.rows] == [
        "宏图",  # the name is the query
        "株洲新材料有限公司",  # short name 宏图新材 starts with it (newer than the next)
        "宏图科技有限公司",  # the name starts with it
        "株洲宏图走行部装备有限公司",  # the brand inside the name
        "长沙某某信息技术有限公司",  # the scope only
    ]
    assert names(search_enterprises(cast.officer, "宏图")) == [
        f.name for f in page.rows
    ]  # export/CLI order too


def test_without_a_query_the_list_is_newest_first(cast, city):
    assert [f.name for f in search.search_page(cast.officer, "").rows] == [r[0] for r in ROWS][::-1]


@pytest.mark.parametrize("typed", ["株洲", "株洲市", "430200", "4302"])
def test_the_region_filter_takes_a_city_by_name_or_code(cast, city, typed):
    found = set(names(search_enterprises(cast.officer, "", {"region": typed})))
    assert found == {"宏图", "宏图科技有限公司", "株洲宏图走行部装备有限公司", "株洲新材料有限公司"}


def test_the_region_filter_takes_a_county_by_name(cast, city):
    found = set(names(search_enterprises(cast.officer, "宏图", {"region": "芦淞区"})))
    assert found == {"宏图", "株洲宏图走行部装备有限公司"}
    assert names(search_enterprises(cast.officer, "", {"region": "长春市朝阳区"})) == ["长春朝阳机械有限公司"]


def test_an_ambiguous_region_name_is_a_clear_error_on_the_page(cast, city, client_for):
    response = client_for(cast.officer).get(reverse("registry:list"), {"region": "朝阳区"})
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="filter-error"' in body
    assert "朝阳区" in body and "110105" in body and "220104" in body
    assert "北京朝阳文化传媒有限公司" not in body  # no list under a filter that could not be read


def test_an_ambiguous_region_name_is_a_400_from_the_api(cast, city, client_for):
    response = client_for(cast.officer).get("/api/enterprises/", {"region": "朝阳区"})
    assert response.status_code == 400
    assert "110105" in json.dumps(response.json(), ensure_ascii=False)
    unknown = client_for(cast.officer).get("/api/enterprises/", {"region": "不存在的地方"})
    assert unknown.status_code == 400


def test_an_ambiguous_region_name_is_one_line_from_the_cli(cast, city):
    with pytest.raises(CommandError) as raised:
        call_command("firms", "search", "--region", "朝阳区", stdout=io.StringIO(), stderr=io.StringIO())
    assert "110105" in str(raised.value) and "\n" not in str(raised.value)
    out = io.StringIO()
    call_command("firms", "search", "宏图", "--region", "芦淞区", "--json", stdout=out)
    assert [f["name"] for f in json.loads(out.getvalue())] == ["宏图", "株洲宏图走行部装备有限公司"]


def test_pages_by_key_neither_repeat_nor_skip_a_firm_across_the_relevance_tiers(cast, city):
    qs = search_enterprises(cast.officer, "宏图")
    seen, cursor, pages = [], None, 0
    while True:
        page = search.page_of(qs, query="宏图", cursor=cursor, size=2)
        seen += [f.name for f in page.rows]
        pages += 1
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert pages == 3
    assert seen == [f.name for f in search.search_page(cast.officer, "宏图").rows]


def test_pages_by_key_without_a_query_and_by_offset_for_another_order(cast, city):
    qs = search_enterprises(cast.officer, "")
    first = search.page_of(qs, cursor=None, size=4)
    second = search.page_of(qs, cursor=first.next_cursor, size=4)
    assert [f.name for f in first.rows + second.rows] == [r[0] for r in ROWS][
        ::-1
    ] and second.next_cursor is None
    by_name = search.page_of(qs, sort="name", size=4)
    rest = search.page_of(qs, sort="name", cursor=by_name.next_cursor, size=4)
    assert [f.name for f in by_name.rows + rest.rows] == sorted(r[0] for r in ROWS)


def test_a_cursor_that_cannot_be_read_gives_the_first_page(cast, city, client_for):
    response = client_for(cast.officer).get(reverse("registry:list"), {"cursor": "x.y'; drop"})
    assert response.status_code == 200 and "北京朝阳文化传媒有限公司" in response.content.decode()
    assert (
        client_for(cast.officer).get("/api/enterprises/", {"cursor": "99999999999999999999999.1"}).status_code
        == 200
    )


def test_a_count_above_the_cap_reads_as_cap_plus(cast, city, client_for, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    client = client_for(cast.officer)
    body = client.get(reverse("registry:list"), {"q": "宏图"}).content.decode()
    assert "3+" in body
    data = client.get("/api/enterprises/", {"q": "宏图", "page_size": 2}).json()
    assert data["count"] == 3 and data["count_capped"] is True and data["next"]
    nxt = client.get(data["next"]).json()
    assert [r["name"] for r in data["results"] + nxt["results"]][:4] == [
        "宏图",
        "株洲新材料有限公司",
        "宏图科技有限公司",
        "株洲宏图走行部装备有限公司",
    ]
    assert nxt["first"]


def test_the_count_is_exact_below_the_cap(cast, city, client_for):
    data = client_for(cast.officer).get("/api/enterprises/", {"q": "软件开发"}).json()
    assert data["count"] == 4 and data["count_capped"] is False and data["next"] is None


def test_the_list_page_shows_next_page_links_by_key(cast, city, client_for, monkeypatch):
    from zhaoshang.registry import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client = client_for(cast.officer)
    first = client.get(reverse("registry:list"), {"q": "宏图"}).content.decode()
    assert 'data-testid="next-page"' in first and "cursor=" in first
    cursor = first.split("cursor=", 1)[1].split('"', 1)[0]
    second = client.get(reverse("registry:list") + "?q=%E5%AE%8F%E5%9B%BE&cursor=" + cursor).content.decode()
    assert "长沙某某信息技术有限公司" in second and "株洲宏图走行部装备有限公司" in second
    assert "宏图科技有限公司</a>" not in second


def test_the_api_schema_documents_the_paging_by_key(cast, client_for):
    schema = client_for(cast.admin).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/enterprises/"]["get"]
    parameters = {p["name"] for p in operation["parameters"]}
    assert {"cursor", "page_size", "q", "region"} <= parameters and "page" not in parameters
    body = json.dumps(schema["components"]["schemas"], ensure_ascii=False)
    assert "count_capped" in body


def test_an_edit_of_region_or_status_and_a_merge_reach_the_search(cast, city):
    firm = city["株洲宏图走行部装备有限公司"]
    Enterprise.objects.filter(pk=firm.pk).update(region_code="110105", status="吊销")
    assert names(search_enterprises(cast.officer, "宏图", {"region": "110105", "status": "吊销"})) == [
        firm.name
    ]
    assert firm.name not in names(search_enterprises(cast.officer, "宏图", {"region": "株洲"}))
    Enterprise.objects.filter(pk=firm.pk).update(merged_into=city["宏图"])
    assert firm.name not in names(search_enterprises(cast.officer, "宏图"))
    assert firm.name in names(search_enterprises(cast.officer, "宏图", include_merged=True))


def test_the_search_and_its_pages_need_a_login(client):
    assert client.get("/api/enterprises/", {"q": "宏图"}).status_code in (401, 403)
    assert client.get(reverse("registry:list"), {"q": "宏图"}).status_code == 302
