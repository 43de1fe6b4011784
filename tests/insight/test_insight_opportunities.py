"""What to attract next: the ranking, its presets and weights, and the explanation of every rank."""

from __future__ import annotations

import numpy as np
import pytest
from tests.insight.conftest import long_table

from zhaoshang.insight.complexity import complexity_matrix
from zhaoshang.insight.errors import InsightError
from zhaoshang.insight.opportunities import PRESETS, rank_opportunities, resolve_weights

ACTS = ["a", "b", "c", "d", "e"]
MCP = np.array([1, 1, 0, 0, 0])
DENSITY = np.array([0.9, 0.8, 0.7, 0.2, 0.4])
PCI = np.array([-1.0, 0.0, -0.5, 2.0, 0.5])
COG = np.array([0.0, 0.0, 0.1, 0.9, 0.3])
PROX = np.array(
    [
        [1.0, 0.5, 0.6, 0.1, 0.3],
        [0.5, 1.0, 0.4, 0.05, 0.35],
        [0.6, 0.4, 1.0, 0.2, 0.1],
        [0.1, 0.05, 0.2, 1.0, 0.3],
        [0.3, 0.35, 0.1, 0.3, 1.0],
    ]
)


def ranked(**options):
    return rank_opportunities(
        activities=ACTS, mcp=MCP, density=DENSITY, pci=PCI, cog=COG, proximity=PROX, eci=0.2, **options
    )


def test_only_the_activities_the_location_lacks_are_ranked():
    assert sorted(o.activity for o in ranked()) == ["c", "d", "e"]


def test_low_hanging_fruit_favours_density_and_long_jumps_favour_complexity():
    assert ranked(preset="low_hanging")[0].activity == "c"  # the closest
    assert ranked(preset="long_jumps")[0].activity == "d"  # the most complex, the largest outlook gain


def test_user_weights_replace_the_preset_and_are_normalised():
    only_density = ranked(weights={"density": 2})
    assert [o.activity for o in only_density] == ["c", "e", "d"]
    assert resolve_weights(weights={"density": 2, "pci": 2}) == {
        "density": 0.5,
        "pci": 0.5,
        "cog": 0.0,
        "chain": 0.0,
    }
    with pytest.raises(InsightError):
        resolve_weights(weights={"density": -1})
    with pytest.raises(InsightError):
        resolve_weights(weights={"size": 1})
    with pytest.raises(InsightError):
        resolve_weights(preset="greedy")
    assert abs(sum(PRESETS["balanced"].values()) - 1) < 1e-12


def test_a_missing_key_node_of_the_chain_lifts_an_activity():
    without = [o.activity for o in ranked(weights={"density": 1, "chain": 2})]
    with_need = ranked(
        weights={"density": 1, "chain": 2}, chain_need={"d": 1.0}, chain_links={"d": ["节点: 牵引电机"]}
    )
    assert without[0] == "c" and with_need[0].activity == "d"
    assert with_need[0].chain_links == ["节点: 牵引电机"] and "fills_chain_gap" in with_need[0].reasons


def test_each_rank_is_explained_by_its_contributions_and_its_closest_present_neighbours():
    top = ranked(preset="balanced")
    for o in top:
        assert sum(o.contributions.values()) == pytest.approx(o.score)
    c = next(o for o in top if o.activity == "c")
    assert [n.activity for n in c.neighbours] == ["a", "b"]  # proximities 0.6 and 0.4
    assert c.neighbours[0].proximity == 0.6
    d = next(o for o in top if o.activity == "d")
    assert d.adds_complexity and not c.adds_complexity  # PCI 2.0 and -0.5 against an ECI of 0.2


def test_ranking_from_real_complexity_results():
    data = long_table(30, 80, years=(2000,), seed=31)
    x = data.pivot_table(index="origin", columns="hs92", values="export_val", fill_value=0).to_numpy()
    res = complexity_matrix(x)
    home = int(np.argmin(res.diversity))
    out = rank_opportunities(
        activities=[str(i) for i in range(x.shape[1])],
        mcp=res.mcp[home],
        density=res.density[home],
        pci=res.pci,
        cog=res.cog[home],
        proximity=res.proximity,
        eci=float(res.eci[home]),
        preset="low_hanging",
        limit=5,
    )
    assert len(out) == 5 and [o.rank for o in out] == [1, 2, 3, 4, 5]
    assert all(res.mcp[home][int(o.activity)] == 0 for o in out)
    assert out[0].score >= out[-1].score


def test_the_opportunities_command_ranks_and_explains_for_the_home_location(tmp_path):
    import io
    import json

    from django.core.management import CommandError, call_command

    data = long_table(30, 80, years=(2019, 2020), seed=33)
    path = tmp_path / "t.csv"
    data.to_csv(path, index=False)
    out = io.StringIO()
    args = [
        "insight",
        "opportunities",
        str(path),
        "--location",
        "origin",
        "--activity",
        "hs92",
        "--value",
        "export_val",
        "--time",
        "year",
        "--home",
        "c005",
        "--top",
        "7",
        "--json",
    ]
    call_command(*args, stdout=out, stderr=io.StringIO())
    result = json.loads(out.getvalue())
    ranks = result["opportunities"]
    assert [r["rank"] for r in ranks] == list(range(1, 8))
    assert all(abs(sum(r["contributions"].values()) - r["score"]) < 1e-9 for r in ranks)
    out = io.StringIO()
    call_command(*args[:-3], "--weights", "density=1", "--json", stdout=out, stderr=io.StringIO())
    by_density = [r["values"]["density"] for r in json.loads(out.getvalue())["opportunities"]]
    assert by_density == sorted(by_density, reverse=True)
    with pytest.raises(CommandError, match="c999"):
        call_command(*args[:-5], "--home", "c999", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="density=0.5"):
        call_command(*args, "--weights", "density", stdout=io.StringIO(), stderr=io.StringIO())
