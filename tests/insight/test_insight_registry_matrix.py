"""The registry-built matrix: firms or registered capital per county × GB/T 4754 level, scoped to the user."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pandas as pd
import pytest
from django.core.management import call_command

from zhaoshang.insight import services
from zhaoshang.insight.errors import InsightError

pytestmark = pytest.mark.django_db


def firm(org, n, region, industry, capital=None, **extra):
    from zhaoshang.registry.models import Enterprise

    return Enterprise.objects.create(
        name=f"测试企业{n}",
        name_key=f"测试企业{n}",
        organisation=org,
        region_code=region,
        industry_code=industry,
        capital_wan=None if capital is None else Decimal(capital),
        **extra,
    )


@pytest.fixture
def firms(cast):
    made = [
        firm(cast.park, 1, "430211", "3711", 100),
        firm(cast.park, 2, "430211", "3711", 50),
        firm(cast.park, 3, "430211", "3712", 10),
        firm(cast.other_park, 4, "430202", "3711", 7),
        firm(cast.other_park, 5, "430202", "2614", 1),
        firm(cast.other_park, 6, "430202", "26", 1),  # only a division: not counted at class level
        firm(cast.other_park, 7, "", "3711", 1),  # no county
    ]
    made.append(firm(cast.park, 8, "430211", "3711", 999, merged_into=made[0]))  # a merged duplicate
    return made


def as_dict(frame):
    return {(r.county, r.activity): r.value for r in frame.itertuples()}


def test_firms_per_county_and_class_leave_out_merged_firms_and_missing_codes(firms):
    frame = services.registry_matrix(by="class", measure="firms")
    assert as_dict(frame) == {
        ("430211", "3711"): 2,
        ("430211", "3712"): 1,
        ("430202", "3711"): 1,
        ("430202", "2614"): 1,
    }


def test_registered_capital_per_county_and_division(firms):
    frame = services.registry_matrix(by="division", measure="capital")
    assert as_dict(frame) == {("430211", "37"): 160.0, ("430202", "37"): 7.0, ("430202", "26"): 2.0}


def test_a_park_administrator_builds_the_matrix_from_the_whole_shared_registry(firms, cast):
    frame = services.registry_matrix(by="class", measure="firms", user=cast.outsider)
    assert set(frame["county"]) == {"430202", "430211"}  # every firm, whichever organisation imported it
    assert as_dict(frame) == as_dict(services.registry_matrix(by="class", measure="firms"))


def test_an_unknown_level_or_measure_is_a_domain_error(firms):
    with pytest.raises(InsightError):
        services.registry_matrix(by="province")
    with pytest.raises(InsightError):
        services.registry_matrix(measure="revenue")


def test_the_command_computes_complexity_of_the_registry(cast, tmp_path):
    n = 0
    for county, classes in {
        "430211": ["3711", "3712", "3713"],
        "430202": ["3711", "2614"],
        "430203": ["2614", "3713", "1311"],
        "430204": ["1311", "3712"],
    }.items():
        for code in classes:
            for _ in range(1 + len(code) % 3 + int(code[-1])):
                n += 1
                firm(cast.park, n, county, code, 10)
    out = io.StringIO()
    call_command(
        "insight",
        "registry-complexity",
        "--by",
        "class",
        "-o",
        str(tmp_path / "r.csv"),
        "--json",
        stdout=out,
        stderr=io.StringIO(),
    )
    summary = json.loads(out.getvalue())
    written = pd.read_csv(tmp_path / "r.csv", dtype={"county": str, "activity": str})
    assert summary["locations"] == 4 and summary["activities"] == 5 and summary["rows"] == 20 == len(written)
    assert written["eci"].notna().all()


def test_firms_and_capital_per_county_and_chain_node_leave_out_rejected_placements(firms):
    from zhaoshang.chains.models import Chain, ChainNode, NodeAssignment

    chain = Chain.objects.create(slug="rail", name="轨道交通")
    motor = ChainNode.objects.create(chain=chain, key="motor", name="牵引电机", path="motor")
    bogie = ChainNode.objects.create(chain=chain, key="bogie", name="转向架", path="bogie")
    other = Chain.objects.create(slug="other", name="其他")
    elsewhere = ChainNode.objects.create(chain=other, key="x", name="别的", path="x")
    place = [
        (firms[0], motor, "confirmed"),
        (firms[1], motor, "suggested"),
        (firms[3], motor, "confirmed"),
        (firms[2], bogie, "rejected"),
        (firms[4], elsewhere, "confirmed"),
    ]
    for firm_, node, status in place:
        NodeAssignment.objects.create(enterprise=firm_, node=node, method="manual", status=status)
    frame = services.registry_matrix(by="node", measure="firms", chain="rail")
    assert as_dict(frame) == {("430211", str(motor.pk)): 2, ("430202", str(motor.pk)): 1}
    capital = services.registry_matrix(by="node", measure="capital")
    assert as_dict(capital) == {
        ("430211", str(motor.pk)): 150.0,
        ("430202", str(motor.pk)): 7.0,
        ("430202", str(elsewhere.pk)): 1.0,
    }
