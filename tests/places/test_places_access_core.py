"""The access core against networkx on generated networks (no Django)."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from zhaoshang.places import access as core


def random_network(seed: int, n: int = 300, radius: float = 0.09):
    rng = np.random.default_rng(seed)
    lon = 113.0 + rng.uniform(0, 0.03, n)
    lat = 28.0 + rng.uniform(0, 0.03, n)
    g = nx.random_geometric_graph(
        n, radius, seed=seed, pos={i: ((lon[i] - 113) * 33, (lat[i] - 28) * 33) for i in range(n)}
    )
    u, v, w = [], [], []
    for a, b in g.edges():
        length = float(core.haversine_m(lon[a], lat[a], lon[b], lat[b]))
        g[a][b]["length"] = length
        u.append(a)
        v.append(b)
        w.append(length)
    return g, core.build_graph(lon, lat, u, v, w)


def grid_network(side: int, spacing: float):
    """A square grid whose edges are exactly ``spacing`` metres (lengths given, not computed)."""
    idx = np.arange(side * side).reshape(side, side)
    u = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    v = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    w = np.full(u.size, spacing)
    lon = 113.0 + (idx % side).ravel() * spacing / 100_000
    lat = 28.0 + (idx // side).ravel() * spacing / 111_000
    g = nx.Graph()
    g.add_weighted_edges_from(zip(u.tolist(), v.tolist(), w.tolist(), strict=False), weight="length")
    return g, core.build_graph(lon, lat, u, v, w)


def nx_counts(g, sources, poi_nodes, poi_cats, n_cat, limits):
    dist = nx.multi_source_dijkstra_path_length(g, set(int(s) for s in sources), weight="length")
    out = np.zeros((len(limits), n_cat), dtype=int)
    for b, limit in enumerate(limits):
        for node, cat in zip(poi_nodes, poi_cats, strict=False):
            if dist.get(int(node), math.inf) <= limit:
                out[b, cat] += 1
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_all_node_counts_equal_networkx_on_random_geometric_networks(seed):
    g, graph = random_network(seed)
    rng = np.random.default_rng(seed + 100)
    poi_nodes = rng.integers(0, graph.n_nodes, 250)
    poi_cats = rng.integers(0, 5, 250)
    limits = core.limits_for()
    counts = core.all_node_counts(graph, poi_nodes, poi_cats, 5, limits)
    assert counts.shape == (graph.n_nodes, 3, 5)
    assert counts.sum() > 0
    for node in range(0, graph.n_nodes, 5):
        assert (counts[node] == nx_counts(g, [node], poi_nodes, poi_cats, 5, limits)).all(), node


def test_counts_from_several_origins_equal_networkx_multi_source_dijkstra():
    g, graph = random_network(7)
    rng = np.random.default_rng(8)
    poi_nodes = rng.integers(0, graph.n_nodes, 200)
    poi_cats = rng.integers(0, 4, 200)
    limits = core.limits_for()
    for _ in range(10):
        origins = rng.integers(0, graph.n_nodes, 4)
        got = core.counts_from(graph, origins, poi_nodes, poi_cats, 4, limits)
        assert (got == nx_counts(g, origins, poi_nodes, poi_cats, 4, limits)).all()


def test_a_poi_at_exactly_the_limit_counts_and_one_step_beyond_does_not():
    g, graph = grid_network(21, 100.0)  # 400 m = 4 blocks exactly
    centre = 10 * 21 + 10
    on_limit = 10 * 21 + 14  # 4 blocks east: exactly 400 m
    beyond = 10 * 21 + 15  # 500 m
    counts = core.counts_from(
        graph, [centre], np.array([on_limit, beyond]), np.array([0, 0]), 1, core.limits_for()
    )
    assert counts[:, 0].tolist() == [1, 2, 2]
    heat = core.all_node_counts(graph, np.array([on_limit, beyond]), np.array([0, 0]), 1, core.limits_for())
    assert heat[centre, :, 0].tolist() == [1, 2, 2]


def test_all_node_counts_equal_networkx_on_a_grid_with_ties_on_every_limit():
    g, graph = grid_network(30, 50.0)
    rng = np.random.default_rng(5)
    poi_nodes = rng.integers(0, graph.n_nodes, 150)
    poi_cats = rng.integers(0, 3, 150)
    limits = core.limits_for()
    counts = core.all_node_counts(graph, poi_nodes, poi_cats, 3, limits)
    for node in range(0, graph.n_nodes, 11):
        assert (counts[node] == nx_counts(g, [node], poi_nodes, poi_cats, 3, limits)).all()


def test_walking_speed_sets_the_limits():
    assert core.limits_for().tolist() == [400.0, 800.0, 1200.0]
    assert core.limits_for((5, 10, 15), 60).tolist() == [300.0, 600.0, 900.0]
    with pytest.raises(core.AccessError):
        core.limits_for((5, 10), 0)
    with pytest.raises(core.AccessError):
        core.limits_for((10, 5), 80)


def test_parallel_edges_keep_the_shortest_and_self_loops_are_dropped():
    graph = core.build_graph(
        [0, 0.001, 0.002], [0, 0, 0], [0, 1, 0, 2], [1, 0, 0, 1], [100.0, 70.0, 5.0, 90.0]
    )
    assert graph.n_edges == 2
    nodes, dist = core.distances_from(graph, [0], 1000)
    assert dict(zip(nodes.tolist(), dist.tolist(), strict=False)) == {0: 0.0, 1: 70.0, 2: 160.0}


def test_a_node_on_another_component_is_never_reached():
    graph = core.build_graph([0, 0.001, 0.01, 0.011], [0, 0, 0, 0], [0, 2], [1, 3], [50.0, 50.0])
    nodes, _ = core.distances_from(graph, [0], 10_000)
    assert sorted(nodes.tolist()) == [0, 1]


def test_snapping_picks_the_great_circle_nearest_node():
    rng = np.random.default_rng(3)
    lon = 113 + rng.uniform(0, 0.05, 2000)
    lat = 28 + rng.uniform(0, 0.05, 2000)
    snapper = core.Snapper(lon, lat)
    qlon = 113 + rng.uniform(-0.01, 0.06, 300)
    qlat = 28 + rng.uniform(-0.01, 0.06, 300)
    nodes, offsets = snapper.snap(qlon, qlat)
    for i in range(300):
        d = core.haversine_m(qlon[i], qlat[i], lon, lat)
        assert nodes[i] == int(np.argmin(d))
        assert offsets[i] == pytest.approx(d.min())


def test_haversine_matches_a_known_distance():
    # One degree of latitude on OSMnx's sphere (R = 6,371,009 m) is R·π/180.
    assert float(core.haversine_m(0, 0, 0, 1)) == pytest.approx(6_371_009 * math.pi / 180)


def test_bad_edges_are_refused():
    with pytest.raises(core.AccessError):
        core.build_graph([0, 1], [0, 0], [0], [5], [1.0])
    with pytest.raises(core.AccessError):
        core.build_graph([0, 1], [0, 0], [0], [1], [-1.0])
    with pytest.raises(core.AccessError):
        core.distances_from(core.build_graph([0, 1], [0, 0], [0], [1], [1.0]), [], 10)


def test_reachable_edges_cover_the_isochrone_with_the_farther_ends_distance():
    g, graph = grid_network(11, 100.0)
    u, v, d = core.reachable_edges(graph, [60], 200.0)
    assert len(u) > 0
    dist = nx.single_source_dijkstra_path_length(g, 60, weight="length")
    for a, b, far in zip(u, v, d, strict=False):
        assert far == max(dist[int(a)], dist[int(b)]) <= 200.0


def test_one_and_two_threads_give_the_same_all_node_counts():
    _, graph = random_network(11, n=400)
    rng = np.random.default_rng(12)
    poi_nodes = rng.integers(0, graph.n_nodes, 300)
    poi_cats = rng.integers(0, 13, 300)
    limits = core.limits_for()
    one = core.all_node_counts(graph, poi_nodes, poi_cats, 13, limits, threads=1)
    two = core.all_node_counts(graph, poi_nodes, poi_cats, 13, limits, threads=2)
    assert one.sum() > 0 and (one == two).all()
