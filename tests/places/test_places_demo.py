"""The places demo: a generated network around two 株洲 parks, idempotent, every record marked 示例."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from zhaoshang.core.models import AuditEntry
from zhaoshang.places import demo, services
from zhaoshang.places.models import Park, Poi, StreetNetwork

pytestmark = pytest.mark.django_db


def test_the_demo_compares_a_rich_park_with_one_that_has_clear_gaps():
    demo.build(SimpleNamespace(actor=None))
    network = StreetNetwork.objects.get()
    assert network.is_demo and "示例" in network.name
    assert Park.objects.count() == 2 and all(p.is_demo and "示例" in p.name for p in Park.objects.all())
    assert Poi.objects.filter(is_demo=False).count() == 0
    hitech = Park.objects.get(name="株洲高新区（示例）")
    econ = Park.objects.get(name="株洲经开区（示例）")
    assert hitech.origin_kind == "boundary"
    rich = services.park_access(hitech).counts["15"]
    poor = services.park_access(econ).counts["15"]
    assert rich["cinema"] >= 1 and rich["coffee"] >= 2 and poor["cinema"] == 0 and poor["coffee"] == 0
    econ_gaps = {g.message_zh for g in services.park_gaps(econ)}
    assert {"15 分钟内无影院", "15 分钟内无咖啡", "15 分钟内无KTV"} <= econ_gaps
    assert "15 分钟内无影院" not in {g.message_zh for g in services.park_gaps(hitech)}


def test_the_motorway_and_private_road_of_the_demo_are_not_walked():
    demo.build(SimpleNamespace(actor=None))
    network = StreetNetwork.objects.get()
    # Row 30 (motorway) keeps its nodes through the columns and column 35 (private) through the rows, except
    # their crossing, which lies on no walked way.
    assert network.node_count == demo.ROWS * demo.COLS - 1
    assert network.edge_count == (demo.ROWS - 1) * (demo.COLS - 1) + (demo.COLS - 1) * (demo.ROWS - 1)


def test_running_the_demo_twice_changes_nothing():
    demo.build(SimpleNamespace(actor=None))
    entries = AuditEntry.objects.count()
    pois = list(Poi.objects.values_list("pk", flat=True))
    demo.build(SimpleNamespace(actor=None))
    assert AuditEntry.objects.count() == entries
    assert list(Poi.objects.values_list("pk", flat=True)) == pois
