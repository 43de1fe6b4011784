"""The walking heat map: all-node counts cached, drawn as coloured streets (or cells), exported per node or cell."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import openpyxl
import pytest
from django.urls import reverse

from zhaoshang.places import access as core
from zhaoshang.places import demo, services
from zhaoshang.places.categories import CODES
from zhaoshang.places.models import Poi, StreetNetwork

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(tmp_path):
    services._heat_cache.clear()
    osm = tmp_path / "demo.osm"
    osm.write_text(demo.osm_document(), encoding="utf-8")
    services.import_osm(osm, area="demo")
    return StreetNetwork.objects.defer("data").get(name="demo")


def test_heat_counts_are_the_all_node_counts_and_are_cached_until_the_pois_change(network):
    data, counts = services.heat_counts(network)
    _, reference = services.node_counts(network)
    assert counts.dtype == np.uint16 and np.array_equal(counts, reference)
    assert services.heat_counts(network)[1] is counts  # cached
    poi = Poi.objects.filter(network=network, category="coffee").first()
    Poi.objects.create(network=network, source="manual", category="coffee", lon=poi.lon, lat=poi.lat)
    again = services.heat_counts(network)[1]
    assert again is not counts
    coffee = CODES.index("coffee")
    assert (again[:, :, coffee] >= counts[:, :, coffee]).all() and again[:, :, coffee].sum() > counts[
        :, :, coffee
    ].sum()


def test_streets_are_coloured_by_the_mean_count_of_their_two_ends(network):
    layer = services.heat_layer(network, "restaurant", 10)
    data, counts = services.heat_counts(network)
    values = counts[:, 1, CODES.index("restaurant")].astype(float)
    assert layer["mode"] == "streets"
    assert sum(len(c) for c in layer["classes"]) == data.edge_u.size
    expected = services.heat_class((values[data.edge_u] + values[data.edge_v]) / 2)
    assert [len(c) for c in layer["classes"]] == np.bincount(
        expected, minlength=len(layer["classes"])
    ).tolist()
    assert layer["stats"]["max"] == int(values.max()) > 0
    labels = [c["label"] for c in layer["legend"]]
    assert (
        len(labels) >= 3
        and labels == ["0", "1", "2–3", "4–7", "8–15", "16–31", "32–63", "≥ 64"][: len(labels)]
    )
    assert len(layer["legend"]) == len(layer["classes"]) == len(layer["colours"])


def test_a_large_network_is_drawn_as_cells_coloured_by_their_best_point(network, monkeypatch):
    monkeypatch.setattr(services, "HEAT_MAX_EDGES", 10)
    layer = services.heat_layer(network, "coffee", 15)
    assert layer["mode"] == "grid" and layer["cell"][1] == services.HEAT_CELL_M
    data, counts = services.heat_counts(network)
    cell_of_node, col, _, _, _ = core.grid_cells(data.graph.lon, data.graph.lat, services.HEAT_CELL_M)
    assert sum(len(c) for c in layer["classes"]) == col.size
    _, top = core.cell_stats(cell_of_node, counts[:, 2, CODES.index("coffee")], col.size)
    assert [len(c) for c in layer["classes"]] == np.bincount(services.heat_class(top)).tolist()


def test_grid_cells_and_their_statistics():
    lon = np.array([113.0, 113.0005, 113.0025, 113.0029])  # 98,289 m per degree: 0, 49, 246, 285 m
    lat = np.array([28.0, 28.0001, 28.0, 28.0])
    cell_of_node, col, row, lon0, lat0 = core.grid_cells(lon, lat, 100.0)
    assert (lon0, lat0) == (113.0, 28.0)
    assert cell_of_node.tolist() == [0, 0, 1, 1] and col.tolist() == [0, 2] and row.tolist() == [0, 0]
    mean, top = core.cell_stats(cell_of_node, np.array([1, 3, 0, 5]), 2)
    assert mean.tolist() == [2.0, 2.5] and top.tolist() == [3.0, 5.0]
    with pytest.raises(core.AccessError):
        core.grid_cells(lon, lat, 0)


def test_the_page_draws_the_layer_and_htmx_swaps_only_the_panel(cast, client_for, network):
    client = client_for(cast.leader)
    page = client.get(reverse("places:heat"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="heat-data"' in html and 'data-testid="heat-legend"' in html and "<html" in html
    swapped = client.get(
        reverse("places:heat"), {"category": "school", "minutes": "5"}, HTTP_HX_REQUEST="true"
    )
    part = swapped.content.decode()
    assert swapped.status_code == 200 and "<html" not in part and 'id="heat-panel"' in part
    drawn = json.loads(part.split('id="heat-data" type="application/json">')[1].split("</script>")[0])
    assert drawn == json.loads(json.dumps({**services.heat_layer(network, "school", 5), "tiles": []}))


@pytest.mark.parametrize(
    "params, message",
    [({"category": "nightclub"}, "类别"), ({"minutes": "7"}, "5、10 或 15"), ({"network": "999"}, "路网")],
)
def test_bad_choices_are_a_400_with_a_reason(cast, client_for, network, params, message):
    response = client_for(cast.leader).get(reverse("places:heat"), params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_without_a_network_the_page_says_what_to_do(cast, client_for):
    response = client_for(cast.leader).get(reverse("places:heat"))
    assert response.status_code == 400 and "import-osm" in response.content.decode()


def test_the_heat_map_needs_a_login(client, network):
    assert client.get(reverse("places:heat")).status_code == 302
    assert client.get(reverse("places:heat_export", args=["csv"])).status_code == 302


def test_the_counts_export_per_node_as_csv_and_per_cell_as_xlsx(cast, client_for, network):
    client = client_for(cast.officer)
    data, counts = services.heat_counts(network)
    response = client.get(
        reverse("places:heat_export", args=["csv"]), {"network": network.pk, "level": "node"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["节点 OSM ID", "经度", "纬度", "咖啡（5 分钟）"] and len(rows[0]) == 3 + 3 * len(
        CODES
    )
    assert len(rows) == 1 + data.graph.n_nodes
    by_id = {int(r[0]): [int(x) for x in r[3:]] for r in rows[1:]}
    for i in (0, data.graph.n_nodes // 2, data.graph.n_nodes - 1):
        assert by_id[int(data.node_ids[i])] == counts[i].reshape(-1).tolist()

    response = client.get(
        reverse("places:heat_export", args=["xlsx"]), {"network": network.pk, "level": "grid"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    table = list(sheet.iter_rows(values_only=True))
    cell_of_node, col, _, _, _ = core.grid_cells(data.graph.lon, data.graph.lat, services.HEAT_CELL_M)
    assert len(table) == 1 + col.size
    assert sum(r[5] for r in table[1:]) == data.graph.n_nodes  # every node in exactly one cell
    k = CODES.index("cinema") + 2 * len(CODES)
    _, top = core.cell_stats(cell_of_node, counts[:, 2, CODES.index("cinema")], col.size)
    assert [r[6 + k] for r in table[1:]] == top.astype(int).tolist()
    bad = client.get(reverse("places:heat_export", args=["csv"]), {"network": network.pk, "level": "street"})
    assert bad.status_code == 400 and "grid" in bad.content.decode()


def test_the_cli_exports_the_counts_per_node_and_per_cell(network, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    data, counts = services.heat_counts(network)
    out = tmp_path / "heat.csv"
    call_command("places", "heat", "demo", "-o", str(out), stdout=io.StringIO())
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert len(rows) == 1 + data.graph.n_nodes
    assert [int(x) for x in rows[1][3:]] == counts[0].reshape(-1).tolist()
    grid = tmp_path / "cells.xlsx"
    call_command(
        "places", "heat", "demo", "-o", str(grid), "--level", "grid", "--cell", "500", stdout=io.StringIO()
    )
    table = list(openpyxl.load_workbook(grid).active.iter_rows(values_only=True))
    assert {r[4] for r in table[1:]} == {500} and sum(r[5] for r in table[1:]) == data.graph.n_nodes
    with pytest.raises(CommandError, match="没有名为"):
        call_command("places", "heat", "nowhere", "-o", str(out))
    with pytest.raises(CommandError, match=".csv 或 .xlsx"):
        call_command("places", "heat", "demo", "-o", str(tmp_path / "heat.json"))


def test_a_grid_csv_writes_plain_numbers_for_the_corners(network, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "grid.csv"
    call_command("places", "heat", "demo", "-o", str(out), "--level", "grid", stdout=io.StringIO())
    first = next(iter(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()[1:])))
    assert float(first[2]) and float(first[3])  # not numpy's repr "np.float64(...)"


def test_an_english_user_exports_the_counts_with_english_headers(cast, client_for, network):
    client = client_for(cast.officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get(
        reverse("places:heat_export", args=["csv"]), {"network": network.pk, "level": "grid"}
    )
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert header[:7] == [
        "Grid column",
        "Grid row",
        "South-west corner longitude",
        "South-west corner latitude",
        "Grid cell side (m)",
        "Nodes",
        "Coffee (5 min), most",
    ]
    assert "Walking access counts_demo_per grid cell.csv" in response["Content-Disposition"]
