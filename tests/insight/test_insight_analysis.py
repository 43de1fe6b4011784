"""What to attract next (registry snapshot, chain needs found from the gap analysis, links to targets), the IO
sector mapping and supply gap, their pages, exports and API."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.management import call_command
from tests.insight.analysis_world import build_world
from tests.shared_data import SHARED_DATA, require

from zhaoshang.insight import analysis_services as analysis
from zhaoshang.insight.errors import InsightError
from zhaoshang.insight.io import IOTable, read_sector_map, sizes_by_sector
from zhaoshang.insight.models import ComplexitySnapshot, InputOutputTable, IOSectorMapping

pytestmark = pytest.mark.django_db
IO_DIR = SHARED_DATA / "io"
GBT = SHARED_DATA / "reference" / "industry" / "gbt4754_2017.csv"


@pytest.fixture
def world(cast):
    return build_world(cast)


def test_a_node_snapshot_ranks_the_missing_key_node_first_with_its_neighbours_and_targets(world, cast):
    snapshot = analysis.build_snapshot(cast.admin, by="node", level="city")
    assert snapshot.locations == 5 and snapshot.activities == 4
    result = analysis.opportunities_for(snapshot, region_code="430200", user=cast.admin)
    assert result.location == "430200"
    labels = [r.label for r in result.rows]
    assert labels[0].endswith("IGBT模块")
    top = result.rows[0]
    # the chain's need was found from the gap analysis: IGBT is a missing key node of 株洲
    assert top.values["chain"] == 1.0 and "fills_chain_gap" in top.reasons
    assert top.nodes[0]["status"] == "missing" and top.nodes[0]["key_node"] is True
    # its targets are the firms elsewhere that make IGBT modules
    assert top.nodes[0]["targets"] == 9
    assert all("IGBT" in t["name"] for t in top.nodes[0]["top_targets"])
    # explained: the neighbour that makes it close is the traction converter 株洲 already has
    assert top.neighbours[0]["label"].endswith("牵引变流器")
    assert "牵引变流器" in top.explanation and "密度" in top.explanation
    # contributions add up to the score
    assert sum(top.contributions.values()) == pytest.approx(top.score)
    # the 招商目标清单 filter names the nodes we can do next
    assert "igbt" in result.node_keys["mini-rail"]


def test_presets_and_user_weights_change_the_ranking_weights(world, cast):
    snapshot = analysis.build_snapshot(cast.admin, by="node", level="city")
    low = analysis.opportunities_for(snapshot, region_code="430200", preset="low_hanging")
    own = analysis.opportunities_for(snapshot, region_code="430200", weights={"chain": 1})
    assert low.weights["density"] == 0.6
    assert own.weights == {"density": 0.0, "pci": 0.0, "cog": 0.0, "chain": 1.0} and own.preset is None
    # with only the chain need weighted, the missing key node leads and strong nodes do not score
    assert own.rows[0].label.endswith("IGBT模块")
    with pytest.raises(InsightError):
        analysis.opportunities_for(snapshot, region_code="430200", weights={"luck": 1})


def test_a_class_snapshot_links_industries_to_chain_nodes_by_their_codes(world, cast):
    snapshot = analysis.build_snapshot(cast.admin, by="class", level="city", name="cls")
    result = analysis.opportunities_for(snapshot, region_code="430200")
    by_code = {r.activity: r for r in result.rows}
    assert set(by_code) == {"3972", "3451"}
    assert by_code["3972"].nodes[0]["node_key"] == "igbt" and by_code["3972"].values["chain"] == 1.0
    assert by_code["3451"].values["chain"] == 0.5  # a missing ordinary node


def test_a_rebuild_replaces_the_snapshot_and_is_audited(world, cast):
    from zhaoshang.core.models import AuditEntry

    first = analysis.build_snapshot(cast.admin, by="node", level="city", name="n")
    second = analysis.build_snapshot(cast.admin, by="node", level="county", name="n")
    assert first.pk == second.pk and ComplexitySnapshot.objects.count() == 1
    assert second.locations == 6
    arrays = analysis.arrays_of(second)
    assert arrays.arrays["proximity"].shape == (4, 4) and len(arrays.locations) == 6
    assert AuditEntry.objects.filter(model="insight.complexitysnapshot").count() == 2


def test_the_command_builds_a_snapshot(world, cast):
    out = io.StringIO()
    call_command("insight", "snapshot", "--by", "node", "--level", "city", "--json", stdout=out)
    assert '"activities": 4' in out.getvalue()
    assert ComplexitySnapshot.objects.get().by == "node"


def test_the_space_graph_flags_the_present_activities(world, cast):
    snapshot = analysis.build_snapshot(cast.admin, by="node", level="city")
    graph = analysis.space_graph(snapshot, "430200")
    present = {n["name"].split(" / ")[-1] for n in graph["nodes"] if n["present"]}
    assert present == {"中游 / 牵引变流器".split(" / ")[-1], "制动系统"}
    assert graph["links"] and all(link["value"] > 0 for link in graph["links"])


# ------------------------------------------------------------------------------------------ pages and API


def test_the_opportunity_page_lists_explained_ranks_and_links_the_target_list(world, cast, client_for):
    analysis.build_snapshot(cast.admin, by="node", level="city")
    page = client_for(cast.officer).get("/insight/next/?preset=low_hanging")
    assert page.status_code == 200
    text = page.content.decode()
    assert "IGBT模块" in text and "牵引变流器" in text
    assert "/chains/mini-rail/targets.xlsx?region=430200&amp;nodes=igbt" in text


def test_the_chain_target_list_is_narrowed_to_the_nodes_the_insight_page_names(world, cast, client_for):
    from openpyxl import load_workbook

    client = client_for(cast.officer)
    narrow = client.get("/chains/mini-rail/targets.xlsx?region=430200&nodes=igbt")
    full = client.get("/chains/mini-rail/targets.xlsx?region=430200")
    assert narrow.status_code == full.status_code == 200

    def names(response):
        sheet = load_workbook(io.BytesIO(response.content)).active
        return [
            str(c)
            for row in sheet.iter_rows(values_only=True)
            for c in row
            if c and str(c).startswith("企业")
        ]

    assert names(narrow) and all("IGBT" in n for n in names(narrow))
    assert len(names(full)) > len(names(narrow))


def test_bad_weights_answer_400_with_a_message_not_500(world, cast, client_for):
    analysis.build_snapshot(cast.admin, by="node", level="city")
    page = client_for(cast.officer).get("/insight/next/?w_density=abc")
    assert page.status_code == 400 and "权重" in page.content.decode()
    page = client_for(cast.officer).get("/insight/next/?w_density=abc", HTTP_HX_REQUEST="true")
    assert page.status_code == 200 and "权重" in page.content.decode()  # htmx swaps only 2xx answers
    page = client_for(cast.officer).get("/insight/next/?region=abc")
    assert page.status_code == 200


def test_the_pages_need_login_and_the_chain_view_right(world, cast, client, client_for):
    assert client.get("/insight/next/").status_code == 302
    assert client.get("/api/insight/snapshots/").status_code in (401, 403)
    assert client_for(cast.handler).get("/insight/next/").status_code in (200, 403)
    # rebuilding is for the chain office and administrators
    assert client_for(cast.officer).post("/insight/next/rebuild/", {"by": "node"}).status_code == 403
    assert (
        client_for(cast.chain_office)
        .post("/insight/next/rebuild/", {"by": "node", "level": "city"})
        .status_code
        == 302
    )


def test_exports_are_xlsx_and_docx(world, cast, client_for):
    from docx import Document
    from openpyxl import load_workbook

    analysis.build_snapshot(cast.admin, by="node", level="city")
    client = client_for(cast.officer)
    xlsx = client.get("/insight/next/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "排名" and rows[1][1].endswith("IGBT模块") and isinstance(rows[1][3], int | float)
    docx = client.get("/insight/next/export.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "下一步招什么" in text
    assert client.get("/insight/next/export.pdf").status_code == 404


def test_the_space_page_embeds_the_graph_for_the_local_chart_module(world, cast, client_for):
    analysis.build_snapshot(cast.admin, by="node", level="city")
    page = client_for(cast.officer).get("/insight/space/")
    text = page.content.decode()
    assert page.status_code == 200 and 'id="space-data"' in text and "insight/space.js" in text


def test_the_api_serves_opportunities_and_names_only_visible_targets(world, cast, client_for):
    snapshot = analysis.build_snapshot(cast.admin, by="node", level="city")
    client = client_for(cast.officer)
    listed = client.get("/api/insight/snapshots/").json()
    assert (
        listed["results"][0]["name"] == snapshot.name
        if "results" in listed
        else listed[0]["name"] == snapshot.name
    )
    data = client.get(f"/api/insight/snapshots/{snapshot.pk}/opportunities/?preset=long_jumps").json()
    assert data["opportunities"][0]["label"].endswith("IGBT模块")
    assert "nodes=igbt" in data["target_lists"]["mini-rail"]
    bad = client.get(f"/api/insight/snapshots/{snapshot.pk}/opportunities/?weights=density")
    assert bad.status_code == 400 and "error" in bad.json()
    assert client.post("/api/insight/snapshots/rebuild/", {"by": "node"}).status_code == 403
    made = client_for(cast.chain_office).post(
        "/api/insight/snapshots/rebuild/", {"by": "node", "level": "city"}, content_type="application/json"
    )
    assert made.status_code == 201
    schema = client.get("/api/schema/")
    assert b"/api/insight/snapshots/{id}/opportunities/" in schema.content


# ------------------------------------------------------------------------------------------ IO supply gap


def test_requirements_of_a_hand_computed_three_sector_table():
    """Z = [[10, 20, 0], [30, 10, 40], [0, 10, 20]], x = [100, 200, 100]:
    A = Z / x = [[.1, .1, 0], [.3, .05, .4], [0, .05, .2]]; det(I − A) = 0.642 and the third column of
    (I − A)⁻¹ is the cofactors (0.04, 0.36, 0.825) / 0.642, worked out by hand below."""
    from zhaoshang.insight.io import direct_requirements, requirements, total_requirements

    table = IOTable(
        codes=["1", "2", "3"],
        names=["甲", "乙", "丙"],
        names_en=["a", "b", "c"],
        flows=np.array([[10.0, 20, 0], [30, 10, 40], [0, 10, 20]]),
        output=np.array([100.0, 200, 100]),
    )
    a = direct_requirements(table)
    assert a == pytest.approx(np.array([[0.1, 0.1, 0], [0.3, 0.05, 0.4], [0, 0.05, 0.2]]))
    det = 0.9 * (0.95 * 0.8 - 0.4 * 0.05) - (-0.1) * (-0.3 * 0.8)
    assert det == pytest.approx(0.642)
    # column 3 of the inverse: cofactors C13, C23, C33 over det
    l13 = (0.1 * 0.4) / det
    l23 = (0.9 * 0.4) / det
    l33 = (0.9 * 0.95 - 0.1 * 0.3) / det
    total = total_requirements(a)
    assert total[:, 2] == pytest.approx([l13, l23, l33])
    rows = {r.code: r for r in requirements(table, "3", location_quotients={"1": 2.0, "2": 0.25, "3": 1.0})}
    assert rows["2"].direct == pytest.approx(0.4) and rows["2"].leakage == pytest.approx(0.4 * 0.75)
    assert rows["1"].leakage == 0.0 and rows["2"].total_leakage == pytest.approx(l23 * 0.75)


def test_the_shipped_mapping_covers_every_sector_of_the_nbs_tables_with_real_gbt_codes():
    from zhaoshang.insight.io import read_io_table

    rows = read_sector_map()
    classes = set()
    for line in require(GBT).read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split(",")
        classes.update(c for c in cells[2:5] if c.isdigit())
    for layout, name in (
        ("149", "china_2017_149.csv"),
        ("153", "china_2020_153.csv"),
        ("42", "china_2020_42.csv"),
    ):
        table = read_io_table(require(IO_DIR / name))
        mine = {r.io_code: r for r in rows if r.table == layout}
        assert set(mine) == set(table.codes), layout
        for r in mine.values():
            assert r.gbt4754, (layout, r.io_code)
            assert all(any(c.startswith(code) for c in classes) for code in r.gbt4754), (layout, r.io_code)
    by = {(r.table, r.io_code): r for r in rows}
    assert by["149", "079"].io_name == "铁路运输和城市轨道交通设备" and "371" in by["149", "079"].gbt4754
    assert "rail-transit-equipment:bogie" in by["153", "081"].chain_nodes
    assert by["153", "077"].gbt4754 == ("358",)  # 医疗仪器设备及器械, new in 2020


def test_sizes_by_sector_use_the_longest_matching_code():
    rows = [r for r in read_sector_map() if r.table == "153"]
    sizes = sizes_by_sector({"3711": 2, "3671": 5, "3611": 1, "3311": 4, "9999": 3}, rows)
    assert sizes["081"] == 2 and sizes["080"] == 5 and sizes["079"] == 1 and sizes["066"] == 4
    assert sum(sizes.values()) == 12  # the unknown code counts nowhere


def test_a_bad_mapping_file_names_the_row_and_changes_nothing(cast, tmp_path):
    bad = tmp_path / "map.csv"
    bad.write_text(
        "table,io_code,io_name,gbt4754,chain_nodes\n42,01,农业,01,\n42,02,煤炭,0A,\n", encoding="utf-8"
    )
    analysis.sector_rows("42")
    before = IOSectorMapping.objects.count()
    with pytest.raises(InsightError, match="第3行.*gbt4754"):
        analysis.import_sector_map(cast.admin, bad)
    assert IOSectorMapping.objects.count() == before


def test_the_mapping_round_trips_through_export_and_import(cast, tmp_path):
    header, rows = analysis.export_sector_map(["42"])
    assert len(rows) == 42
    rows[0][3] = "01 02 03 04"  # an administrator moves division 05 out
    rows[1][4] = "mini-rail:igbt"
    path = tmp_path / "m.csv"
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    assert analysis.import_sector_map(cast.admin, path) == {"42": 42}
    first = IOSectorMapping.objects.get(table="42", io_code="01")
    assert first.gbt4754 == "01 02 03 04"
    assert IOSectorMapping.objects.get(table="42", io_code="02").chain_nodes == "mini-rail:igbt"


def test_the_supply_gap_of_rail_equipment_names_leaking_suppliers_and_chain_targets(world, cast, client_for):
    from zhaoshang.insight.services import import_io_table

    table = import_io_table(cast.admin, require(IO_DIR / "china_2020_153.csv"))
    # the mini chain's IGBT node is fed by the electronic components sector (094) of the 153-sector layout
    analysis.sector_rows("153")
    IOSectorMapping.objects.filter(table="153", io_code="094").update(chain_nodes="mini-rail:igbt")
    gap = analysis.supply_gap(table, "081", region_code="430200", user=cast.admin)
    rows = {r["code"]: r for r in gap.rows}
    io_table = table.table()
    j = io_table.codes.index("081")
    assert rows["094"]["direct"] == pytest.approx(
        io_table.flows[io_table.codes.index("094"), j] / io_table.output[j]
    )
    # 株洲 has no electronic component firm: LQ 0, the whole requirement leaks, and the node's targets are named
    assert rows["094"]["lq"] == 0.0 and rows["094"]["leakage"] == pytest.approx(rows["094"]["direct"])
    assert rows["094"]["nodes"][0]["node_key"] == "igbt" and rows["094"]["targets"] == 9
    # 株洲 has rail equipment makers (3716) above the registry's share: that input is supplied locally
    assert rows["081"]["lq"] > 1 and rows["081"]["leakage"] == 0.0
    assert gap.leakage_total <= gap.direct_total
    page = client_for(cast.officer).get("/insight/supply/?sector=081")
    assert page.status_code == 200 and "电子元器件" in page.content.decode()
    xlsx = client_for(cast.officer).get("/insight/supply/export.xlsx?sector=081")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    bad = client_for(cast.officer).get("/insight/supply/?sector=nope")
    assert bad.status_code == 400 and "没有部门" in bad.content.decode()
    api = client_for(cast.officer).get(f"/api/insight/io-tables/{table.pk}/supply-gap/?sector=081").json()
    assert api["sector"]["code"] == "081" and api["requirements"]


def test_the_supply_gap_from_an_output_table_uses_the_national_output(cast):
    table = InputOutputTable.objects.create(
        name="t3",
        sectors=3,
        data=IOTable(
            codes=["1", "2", "3"],
            names=["甲", "乙", "丙"],
            names_en=["a", "b", "c"],
            flows=np.array([[10.0, 20, 0], [30, 10, 40], [0, 10, 20]]),
            output=np.array([100.0, 200, 100]),
        ).to_json(),
    )
    gap = analysis.supply_gap(table, "3", region_code="430200", regional_output={"1": 50, "2": 10, "3": 40})
    rows = {r["code"]: r for r in gap.rows}
    # LQ_2 = (10/100) / (200/400) = 0.2 → 80 % of the 0.4 it buys leaks
    assert rows["2"]["lq"] == pytest.approx(0.2) and rows["2"]["leakage"] == pytest.approx(0.32)
    with pytest.raises(InsightError, match="不在投入产出表"):
        analysis.supply_gap(table, "3", region_code="430200", regional_output={"9": 1})


def test_the_supply_page_takes_the_regions_output_table_instead_of_the_registry(cast, client_for, tmp_path):
    InputOutputTable.objects.create(
        name="t3",
        sectors=3,
        data=IOTable(
            codes=["1", "2", "3"],
            names=["甲", "乙", "丙"],
            names_en=["a", "b", "c"],
            flows=np.array([[10.0, 20, 0], [30, 10, 40], [0, 10, 20]]),
            output=np.array([100.0, 200, 100]),
        ).to_json(),
    )
    client = client_for(cast.officer)
    good = io.BytesIO(b"code,output\n1,50\n2,10\n3,40\n")
    good.name = "产出.csv"
    page = client.post("/insight/supply/?table=t3", {"sector": "3", "output": good})
    text = page.content.decode()
    assert page.status_code == 200 and "0.20" in text and "区位商来自本地产出表" in text
    bad = io.BytesIO(b"code,output\n1,abc\n")
    bad.name = "产出.csv"
    page = client.post("/insight/supply/?table=t3", {"sector": "3", "output": bad})
    assert page.status_code == 400 and "产出.csv 第2行" in page.content.decode()


def test_administrators_edit_the_mapping_in_the_admin_and_the_edit_is_audited(cast, client_for):
    from zhaoshang.core.models import AuditEntry

    analysis.sector_rows("42")
    row = IOSectorMapping.objects.get(table="42", io_code="20")
    admin = client_for(cast.admin)
    assert admin.get("/admin/insight/iosectormapping/?table=42").status_code == 200
    response = admin.post(
        f"/admin/insight/iosectormapping/{row.pk}/change/",
        {
            "table": "42",
            "io_code": "20",
            "io_name": row.io_name,
            "gbt4754": "39",
            "chain_nodes": "mini-rail:igbt",
        },
    )
    assert response.status_code == 302
    assert IOSectorMapping.objects.get(pk=row.pk).chain_nodes == "mini-rail:igbt"
    assert AuditEntry.objects.filter(model="insight.iosectormapping", object_id=str(row.pk)).exists()
    assert client_for(cast.officer).get("/admin/insight/iosectormapping/").status_code in (302, 403)


@pytest.mark.parametrize(
    "url",
    [
        "/insight/next/?snapshot=nope",
        "/insight/next/?location=999999",
        "/insight/next/?preset=nope",
        "/insight/next/?top=x",
        "/insight/next/export.xlsx?w_pci=-1",
        "/insight/space/?snapshot=nope",
        "/insight/space/?location=999999",
        "/insight/supply/?table=nope",
        "/api/insight/snapshots/{pk}/opportunities/?location=999999",
        "/api/insight/snapshots/{pk}/opportunities/?preset=nope",
        "/api/insight/snapshots/{pk}/opportunities/?top=x",
        "/api/insight/snapshots/{pk}/space/?location=999999",
        "/api/insight/snapshots/{pk}/opportunities/?region=abc",
    ],
)
def test_bad_parameters_answer_a_clear_4xx_never_500(world, cast, client_for, url):
    snapshot = analysis.build_snapshot(cast.admin, by="node", level="city")
    response = client_for(cast.officer).get(url.format(pk=snapshot.pk))
    assert 400 <= response.status_code < 500 or (response.status_code == 200 and "supply" in url)


def test_the_api_lists_the_mapping_of_a_layout(cast, client_for):
    data = client_for(cast.officer).get("/api/insight/io-sectors/?table=149").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert data["count"] == 149 if isinstance(data, dict) else len(rows) == 149
    assert rows[0]["io_code"] == "001" and rows[0]["gbt4754"] == "01"
    assert {r["table"] for r in rows} == {"149"}


def test_a_table_without_a_mapping_shows_its_requirements_without_location_quotients(cast):
    table = InputOutputTable.objects.create(
        name="t2",
        sectors=2,
        data=IOTable(
            codes=["1", "2"],
            names=["甲", "乙"],
            names_en=["a", "b"],
            flows=np.array([[10.0, 20], [30, 10]]),
            output=np.array([100.0, 200]),
        ).to_json(),
    )
    gap = analysis.supply_gap(table, "2", region_code="430200")
    assert gap.source == "none"
    assert [(r["code"], r["direct"], r["lq"], r["leakage"]) for r in gap.rows] == [
        ("1", 0.1, None, None),
        ("2", 0.05, None, None),
    ]
