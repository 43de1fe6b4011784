"""The benchmark pages, exports, peers, upload and API — and private indicator tables kept inside their organisation."""

from __future__ import annotations

import io

import pytest

from zhaoshang.accounts.roles import Role

pytestmark = pytest.mark.django_db

PUBLIC = """地区,指标,年份,数值,单位,来源
株洲,地区生产总值,2015,2300,亿元,统计公报
株洲,地区生产总值,2021,3420.3,亿元,统计公报
长沙,地区生产总值,2010,3000,亿元,统计公报
长沙,地区生产总值,2015,4000,亿元,统计公报
长沙,地区生产总值,2021,5000,亿元,统计公报
"""
SECRET = """地区,指标,年份,数值,单位
株洲,机密招商指标,2020,11,亿元
株洲,机密招商指标,2021,12,亿元
长沙,机密招商指标,2021,20,亿元
"""


@pytest.fixture
def tables(cast, tmp_path):
    """Shared GDP figures and a private table of the bureau; a second bureau whose officer is another org."""
    from tests.conftest import PASSWORD

    from zhaoshang.accounts.services import ensure_organisation, ensure_user
    from zhaoshang.insight import benchmark

    (tmp_path / "public.csv").write_text(PUBLIC, encoding="utf-8")
    (tmp_path / "secret.csv").write_text(SECRET, encoding="utf-8")
    assert benchmark.import_indicators(None, tmp_path / "public.csv").ok
    assert benchmark.import_indicators(
        cast.officer, tmp_path / "secret.csv", organisation=cast.bureau, private=True
    ).ok
    other = ensure_organisation(None, code="t-bureau-2", name="邻市招商局", kind="bureau")
    cast.other_officer = ensure_user(
        None, username="t-other", password=PASSWORD, organisation=other, role=Role.INVESTMENT_OFFICER
    )
    return cast


def test_the_benchmark_page_needs_a_login_and_a_role_that_may_view(client, client_for, tables):
    assert client.get("/insight/benchmark/").status_code == 302
    # the service desk and the departments do not benchmark
    assert client_for(tables.service).get("/insight/benchmark/").status_code == 403
    assert client_for(tables.handler).get("/insight/benchmark/").status_code == 403


def test_the_benchmark_page_shows_charts_tables_and_the_lag_table(client_for, tables):
    response = client_for(tables.officer).get("/insight/benchmark/?peers=长沙&years=4")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="benchmark-data"' in html and "insight/benchmark.js" in html
    assert "<script>" not in html
    assert "落后 8.9 年" in html  # 3420.3 reached by 长沙 in 2012.10
    assert "机密招商指标" in html  # the bureau's own private table


def test_another_organisations_user_cannot_see_a_private_table_on_the_page_or_in_exports(client_for, tables):
    c = client_for(tables.other_officer)
    html = c.get("/insight/benchmark/?peers=长沙").content.decode()
    assert "地区生产总值" in html and "机密招商指标" not in html
    for fmt in ("lag.xlsx", "values.xlsx", "report.docx"):
        response = c.get(f"/insight/benchmark/{fmt}?peers=长沙&indicator=机密招商指标")
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        assert "机密".encode() not in content
    from openpyxl import load_workbook

    response = c.get("/insight/benchmark/values.xlsx?peers=长沙")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = {row[2] for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert names == {"地区生产总值"}


def test_the_exports_hold_the_lag_table_and_the_report(client_for, tables):
    from openpyxl import load_workbook

    c = client_for(tables.leader)
    response = c.get("/insight/benchmark/lag.xlsx?peers=长沙&years=4")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "指标" and rows[0][7] == "结论"
    gdp = next(r for r in rows[1:] if r[0] == "地区生产总值")
    assert gdp[2] == "长沙市" and gdp[6] == pytest.approx(8.9, abs=0.01) and gdp[7] == "落后 8.9 年"
    from docx import Document

    docx = c.get("/insight/benchmark/report.docx?peers=长沙&years=4")
    document = Document(io.BytesIO(b"".join(docx.streaming_content)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "落后 8.9 年" in cells and "长沙市" in cells
    growth = f"{((5000 / 3420.3) ** 0.25 - 1) * 100:.1f}%"
    assert growth in cells
    pdf = c.get("/insight/benchmark/report.pdf?peers=长沙")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert c.get("/insight/benchmark/report.exe").status_code == 404


def test_the_api_lists_filters_and_scopes_indicator_values(client_for, tables):
    mine = client_for(tables.officer).get("/api/insight/indicator-values/?region=株洲").json()
    names = {v["indicator"] for v in mine["results"]} if "results" in mine else {v["indicator"] for v in mine}
    assert names == {"地区生产总值", "机密招商指标"}
    theirs = client_for(tables.other_officer).get("/api/insight/indicator-values/?region=430200").json()
    rows = theirs["results"] if "results" in theirs else theirs
    assert {v["indicator"] for v in rows} == {"地区生产总值"}
    assert all(v["region"] == "株洲市" for v in rows)
    from zhaoshang.insight.models import IndicatorValue

    secret = IndicatorValue.objects.filter(private=True).first()
    assert (
        client_for(tables.other_officer).get(f"/api/insight/indicator-values/{secret.pk}/").status_code == 404
    )
    assert client_for(tables.officer).get(f"/api/insight/indicator-values/{secret.pk}/").status_code == 200
    bad = client_for(tables.officer).get("/api/insight/indicator-values/?year=abc")
    assert bad.status_code == 400 and "year" in bad.json()["error"]


def test_the_api_lag_answers_for_visible_values_only(client_for, tables):
    ok = (
        client_for(tables.officer)
        .get("/api/insight/indicator-values/lag/?city=株洲&peer=长沙&years=4")
        .json()
    )
    by_name = {r["indicator"]: r for r in ok["lags"]}
    assert by_name["地区生产总值"]["gap_years"] == pytest.approx(8.8985)
    assert by_name["机密招商指标"]["status"] == "before_data"
    refused = client_for(tables.other_officer).get(
        "/api/insight/indicator-values/lag/?city=株洲&peer=长沙&indicator=机密招商指标"
    )
    assert refused.status_code == 400
    assert client_for(tables.service).get("/api/insight/indicator-values/").status_code == 403


def test_the_api_appears_in_the_openapi_schema(client_for, tables):
    schema = client_for(tables.admin).get("/api/schema/").content.decode()
    assert "/api/insight/indicator-values/" in schema and "/api/insight/indicator-values/lag/" in schema


def test_nobody_can_file_indicators_under_another_organisation(tables, tmp_path):
    from zhaoshang.accounts.scoping import ReferenceNotVisible
    from zhaoshang.insight import benchmark

    with pytest.raises(ReferenceNotVisible):
        benchmark.import_indicators(
            tables.other_officer, tmp_path / "secret.csv", organisation=tables.bureau, private=True
        )


def test_the_upload_page_imports_reports_row_errors_and_keeps_the_error_report(client_for, tables):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhaoshang.insight.models import IndicatorValue

    c = client_for(tables.officer)
    bad = SimpleUploadedFile("bad.csv", "地区,指标,年份,数值,单位\n株洲,GDP,2021,1,斤\n".encode())
    response = c.post(
        "/insight/benchmark/import/",
        {"file": bad, "organisation": tables.bureau.pk, "private": "on"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "未知的单位“斤”" in html and 'data-testid="import-report"' in html
    good = SimpleUploadedFile("good.csv", "地区,指标,年份,数值,单位\n株洲,GDP,2021,1,亿元\n".encode())
    response = c.post(
        "/insight/benchmark/import/", {"file": good, "organisation": tables.bureau.pk, "private": "on"}
    )
    assert response.status_code == 200
    stored = IndicatorValue.objects.get(indicator__name="GDP")
    assert stored.private and stored.organisation == tables.bureau and stored.source_file == "good.csv"
    other_org = client_for(tables.other_officer).post(
        "/insight/benchmark/import/",
        {"file": SimpleUploadedFile("x.csv", b"x"), "organisation": tables.bureau.pk},
    )
    assert other_org.status_code == 400  # not a choice: the bureau is not in their subtree
    assert client_for(tables.leader).get("/insight/benchmark/import/").status_code == 403


def test_peers_default_then_saved_per_organisation(client_for, tables):
    from zhaoshang.insight import benchmark

    default = benchmark.peers_for(tables.officer)
    assert default.home == "株洲市" and default.peers == ("长沙市", "昆山市", "苏州市", "深圳市")
    c = client_for(tables.officer)
    response = c.post(
        "/insight/benchmark/peers/", {"home": "株洲", "peers": "长沙、湘潭，株洲", "indicators": ""}
    )
    assert response.status_code == 302
    saved = benchmark.peers_for(tables.officer)
    assert saved.peers == ("长沙市", "湘潭市") and saved.organisation == tables.bureau
    assert benchmark.peers_for(tables.other_officer).peers == default.peers
    assert "长沙市、湘潭市" in c.get("/insight/benchmark/").content.decode()
    assert c.post("/insight/benchmark/peers/", {"home": "株洲", "peers": "株洲"}).status_code == 400
    assert client_for(tables.leader).get("/insight/benchmark/peers/").status_code == 403


def test_a_parks_private_table_is_seen_by_its_colleague_and_not_by_another_park(client_for, tables):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    upload = SimpleUploadedFile(
        "park.csv", "地区,指标,年份,数值,单位\n株洲,园区亩均税收,2021,30,万元\n".encode()
    )
    response = client_for(tables.owner).post(
        "/insight/benchmark/import/", {"file": upload, "organisation": tables.park.pk, "private": "on"}
    )
    assert response.status_code == 200
    cases = ((tables.owner, True), (tables.colleague, True), (tables.leader, True), (tables.outsider, False))
    for user, sees in cases:
        c = client_for(user)
        assert ("园区亩均税收" in c.get("/insight/benchmark/").content.decode()) is sees
        api = c.get("/api/insight/indicator-values/?indicator=园区亩均税收").json()
        rows = api["results"] if "results" in api else api
        assert bool(rows) is sees
        export = b"".join(c.get("/insight/benchmark/values.xlsx").streaming_content)
        names = {
            r[2] for r in load_workbook(io.BytesIO(export)).active.iter_rows(min_row=2, values_only=True)
        }
        assert ("园区亩均税收" in names) is sees


def test_the_navigation_shows_benchmarking_to_the_roles_that_attract_investment(tables):
    from zhaoshang.web.navigation import items_for

    def has(user):
        return any(i["name"] == "insight:benchmark" for i in items_for(user))

    assert has(tables.leader) and has(tables.officer) and has(tables.chain_office)
    assert has(tables.owner)  # parks attract investment too
    assert not has(tables.service) and not has(tables.handler)


def test_the_api_lists_visible_indicators_and_similar_cities(client_for, tables):
    mine = client_for(tables.officer).get("/api/insight/indicator-values/indicators/").json()
    assert {i["name"] for i in mine["indicators"]} == {"地区生产总值", "机密招商指标"}
    theirs = client_for(tables.other_officer).get("/api/insight/indicator-values/indicators/").json()
    assert [i["name"] for i in theirs["indicators"]] == ["地区生产总值"]
    assert theirs["indicators"][0]["unit"] == "亿元" and theirs["indicators"][0]["years"] == [
        2010,
        2015,
        2021,
    ]
    similar = (
        client_for(tables.other_officer)
        .get("/api/insight/indicator-values/similar/?city=株洲&indicator=机密招商指标")
        .json()
    )
    assert similar["city"] == "株洲市" and "机密招商指标" not in similar["indicators"]


def test_the_page_narrows_to_the_chosen_indicators(client_for, tables):
    html = (
        client_for(tables.officer)
        .get("/insight/benchmark/?peers=长沙&indicator=机密招商指标")
        .content.decode()
    )
    assert "机密招商指标" in html and 'id="bm-chart-1"' not in html
    assert 'name="indicator"' in html


def test_the_lag_table_speaks_the_users_language(client_for, tables):
    c = client_for(tables.officer)
    english = c.get("/insight/benchmark/?peers=长沙&years=4", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "behind by 8.9 years" in english and "落后 8.9 年" not in english
    chinese = c.get("/insight/benchmark/?peers=长沙&years=4", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "落后 8.9 年" in chinese


def test_the_upload_pages_row_errors_follow_the_users_english(client_for, tables):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(tables.officer)
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    bad = SimpleUploadedFile(
        "bad.csv", "地区,指标,年份,数值,单位\n株洲,GDP,2021,1,斤\n株洲,GDP,二一,1,亿元\n".encode()
    )
    response = c.post(
        "/insight/benchmark/import/", {"file": bad, "organisation": tables.bureau.pk, "private": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Unknown unit “斤”" in html and "“二一” is not a year (1900–2100)" in html
    assert "未知的单位" not in html
