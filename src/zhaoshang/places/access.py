"""Walking access along a street network: snapping, bounded shortest paths and counts by category.

Plain Python (numpy, scipy's KD-tree and numba), no Django. Data in, data out:

- :func:`build_graph` turns nodes (lon/lat) and undirected edges with lengths in metres into a compact
  CSR :class:`Graph` (parallel edges keep the shortest, self-loops are dropped).
- :class:`Snapper` snaps points to the nearest network node: a KD-tree on locally projected coordinates
  proposes candidates and the great-circle distance picks among them (the same nearest node as OSMnx's
  haversine search on an unprojected graph).
- :func:`distances_from` runs a multi-source Dijkstra bounded by a distance; :func:`counts_from` counts the
  POIs of each category within each limit of a park's origin nodes.
- :func:`all_node_counts` gives, for every node, the number of POIs of each category within each limit
  (the heat map). It runs one bounded Dijkstra per *distinct POI node* instead of one per network node:
  the walking network is undirected, so d(node, poi) = d(poi, node), and every node reached from a POI
  within a limit gets that POI's counts. All of it is compiled with numba (a binary heap with lazy
  deletion, distances reset only where touched).

Definitions (docs/PLACES.md repeats them):

- The distance between a park and a POI is the network distance between the node the park is snapped to
  and the node the POI is snapped to; the snapping offsets are not added. For a park with several origin
  nodes (a polygon's boundary vertices or its gates) it is the minimum over the origins.
- A POI counts within a limit when its distance is **less than or equal to** the limit: a POI at exactly
  400 m is within 5 minutes at 80 m/min. Comparisons allow ``EPSILON_M`` (one micrometre) for the order in
  which floating-point lengths are summed.
- Walking speed is 80 m/min unless configured: limits are ``minutes × speed`` metres.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
from scipy.spatial import cKDTree

from zhaoshang.core.errors import DomainError

EARTH_RADIUS_M = 6_371_009.0  # the mean radius OSMnx uses for great-circle lengths
DEFAULT_SPEED_M_PER_MIN = 80.0
DEFAULT_MINUTES: tuple[int, ...] = (5, 10, 15)
EPSILON_M = 1e-6


class AccessError(DomainError):
    """Bad input to the access core; ``code`` names the problem for the edges to translate."""

    def __init__(self, message: str, code: str = "invalid", **params: Any):
        super().__init__(message, code=code, **params)


def limits_for(
    minutes: Sequence[int] = DEFAULT_MINUTES, speed_m_per_min: float = DEFAULT_SPEED_M_PER_MIN
) -> np.ndarray:
    """Distance limits in metres for walking times in minutes (5/10/15 min at 80 m/min = 400/800/1,200 m)."""
    if not (speed_m_per_min > 0 and math.isfinite(speed_m_per_min)):
        raise AccessError(
            f"步行速度必须为正数，收到 {speed_m_per_min}", code="bad_speed", speed=speed_m_per_min
        )
    if not minutes or any(m <= 0 for m in minutes) or list(minutes) != sorted(set(minutes)):
        raise AccessError("分钟数必须为递增的正整数", code="walk_minutes_not_increasing")
    return np.array([m * speed_m_per_min for m in minutes], dtype=np.float64)


def haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres (OSMnx's formula and Earth radius); vectorised."""
    y1 = np.deg2rad(lat1)
    y2 = np.deg2rad(lat2)
    dy = y2 - y1
    dx = np.deg2rad(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    h = np.sin(dy / 2) ** 2 + np.cos(y1) * np.cos(y2) * np.sin(dx / 2) ** 2
    h = np.minimum(1.0, h)
    return 2 * np.arcsin(np.sqrt(h)) * EARTH_RADIUS_M


@dataclass(frozen=True)
class Graph:
    """An undirected street network in CSR form; node ``i`` has coordinates ``lon[i]``, ``lat[i]``."""

    lon: np.ndarray  # float64 (n,)
    lat: np.ndarray  # float64 (n,)
    indptr: np.ndarray  # int64 (n + 1,)
    indices: np.ndarray  # int32 (2m,)
    weights: np.ndarray  # float64 (2m,) metres

    @property
    def n_nodes(self) -> int:
        return int(self.lon.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.indices.shape[0] // 2)


def build_graph(lon, lat, edge_u, edge_v, edge_length) -> Graph:
    """CSR graph from node coordinates and undirected edges ``(u, v, length)`` given as node indexes."""
    lon = np.ascontiguousarray(lon, dtype=np.float64)
    lat = np.ascontiguousarray(lat, dtype=np.float64)
    n = lon.shape[0]
    if lat.shape[0] != n:
        raise AccessError("经度与纬度数量不一致", code="network_coordinates_mismatch")
    u = np.asarray(edge_u, dtype=np.int64)
    v = np.asarray(edge_v, dtype=np.int64)
    w = np.asarray(edge_length, dtype=np.float64)
    if not (u.shape == v.shape == w.shape):
        raise AccessError("边的起点、终点与长度数量不一致", code="network_edges_mismatch")
    if u.size and (min(u.min(), v.min()) < 0 or max(u.max(), v.max()) >= n):
        raise AccessError("边引用了不存在的节点", code="network_edge_unknown_node")
    if w.size and (not np.all(np.isfinite(w)) or w.min() < 0):
        raise AccessError("边长必须是非负有限数", code="network_edge_bad_length")
    keep = u != v
    u, v, w = u[keep], v[keep], w[keep]
    lo = np.minimum(u, v)
    hi = np.maximum(u, v)
    # Parallel edges: keep the shortest (sort by pair, then keep the minimum length of each pair).
    key = lo * np.int64(max(n, 1)) + hi
    order = np.argsort(key)
    indptr, dst, ww = _csr_from_sorted_pairs(n, key[order], lo[order], hi[order], w[order])
    return Graph(lon, lat, indptr, dst, ww)


@numba.njit(cache=True, nogil=True)
def _csr_from_sorted_pairs(n, key, lo, hi, w):
    """CSR arrays (both directions) from undirected pairs sorted by key, keeping the shortest of duplicates."""
    m = key.shape[0]
    keep = np.zeros(m, dtype=np.bool_)
    best = np.empty(m, dtype=np.float64)
    last = -1
    for i in range(m):
        if i == 0 or key[i] != key[i - 1]:
            last = i
            keep[i] = True
            best[i] = w[i]
        elif w[i] < best[last]:
            best[last] = w[i]
    degree = np.zeros(n + 1, dtype=np.int64)
    for i in range(m):
        if keep[i]:
            degree[lo[i] + 1] += 1
            degree[hi[i] + 1] += 1
    for i in range(n):
        degree[i + 1] += degree[i]
    indptr = degree.copy()
    fill = degree[:n].copy()
    total = indptr[n]
    dst = np.empty(total, dtype=np.int32)
    ww = np.empty(total, dtype=np.float64)
    for i in range(m):
        if keep[i]:
            a = lo[i]
            b = hi[i]
            dst[fill[a]] = b
            ww[fill[a]] = best[i]
            fill[a] += 1
            dst[fill[b]] = a
            ww[fill[b]] = best[i]
            fill[b] += 1
    return indptr, dst, ww


class Snapper:
    """Nearest network node for points: KD-tree on projected coordinates, great-circle tie-break."""

    CANDIDATES = 8

    def __init__(self, lon: np.ndarray, lat: np.ndarray):
        if len(lon) == 0:
            raise AccessError("路网没有节点，无法吸附", code="empty_network")
        self.lon = np.asarray(lon, dtype=np.float64)
        self.lat = np.asarray(lat, dtype=np.float64)
        self.lat0 = float(np.deg2rad(np.mean(self.lat)))
        self.tree = cKDTree(self._project(self.lon, self.lat))

    def _project(self, lon, lat) -> np.ndarray:
        lon = np.asarray(lon, dtype=np.float64)
        lat = np.asarray(lat, dtype=np.float64)
        x = np.deg2rad(lon) * math.cos(self.lat0) * EARTH_RADIUS_M
        y = np.deg2rad(lat) * EARTH_RADIUS_M
        return np.column_stack([x, y])

    def snap(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """Indexes of the nearest nodes and the great-circle snapping offsets in metres."""
        lon = np.atleast_1d(np.asarray(lon, dtype=np.float64))
        lat = np.atleast_1d(np.asarray(lat, dtype=np.float64))
        if lon.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        if not (np.all(np.isfinite(lon)) and np.all(np.isfinite(lat))):
            raise AccessError("坐标必须是有限数", code="snap_coordinates_not_finite")
        k = min(self.CANDIDATES, len(self.lon))
        _, idx = self.tree.query(self._project(lon, lat), k=k)
        idx = idx.reshape(lon.size, k)
        d = haversine_m(lon[:, None], lat[:, None], self.lon[idx], self.lat[idx])
        # Ties in distance: the lowest node index wins, so results do not depend on the tree's order.
        d_round = np.round(d, 9)
        pick = np.lexsort((idx, d_round), axis=1)[:, 0]
        rows = np.arange(lon.size)
        return idx[rows, pick].astype(np.int64), d[rows, pick]


# --- compiled kernels -------------------------------------------------------------------------------------


@numba.njit(cache=True, nogil=True)
def _heap_push(keys, vals, size, key, val):
    i = size
    keys[i] = key
    vals[i] = val
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= keys[i]:
            break
        keys[parent], keys[i] = keys[i], keys[parent]
        vals[parent], vals[i] = vals[i], vals[parent]
        i = parent
    return size + 1


@numba.njit(cache=True, nogil=True)
def _heap_pop(keys, vals, size):
    key = keys[0]
    val = vals[0]
    size -= 1
    keys[0] = keys[size]
    vals[0] = vals[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        child = left
        right = left + 1
        if right < size and keys[right] < keys[left]:
            child = right
        if keys[i] <= keys[child]:
            break
        keys[child], keys[i] = keys[i], keys[child]
        vals[child], vals[i] = vals[i], vals[child]
        i = child
    return key, val, size


@numba.njit(cache=True, nogil=True)
def _bounded_dijkstra(indptr, indices, weights, sources, limit, dist, settled, touched, hkeys, hvals):
    """Multi-source Dijkstra up to ``limit``; fills ``dist`` for touched nodes; returns how many were touched.

    ``dist`` must be +inf and ``settled`` False everywhere on entry; the caller resets the touched entries.
    """
    size = 0
    n_touched = 0
    for s in sources:
        if dist[s] > 0.0:
            if dist[s] == np.inf:
                touched[n_touched] = s
                n_touched += 1
            dist[s] = 0.0
            size = _heap_push(hkeys, hvals, size, 0.0, s)
    while size > 0:
        d, u, size = _heap_pop(hkeys, hvals, size)
        if settled[u] or d > dist[u]:
            continue
        settled[u] = True
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            nd = d + weights[e]
            if nd <= limit and nd < dist[v]:
                if dist[v] == np.inf:
                    touched[n_touched] = v
                    n_touched += 1
                dist[v] = nd
                size = _heap_push(hkeys, hvals, size, nd, v)
    return n_touched


@numba.njit(cache=True, nogil=True)
def _distances_from(indptr, indices, weights, sources, limit):
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    settled = np.zeros(n, dtype=np.bool_)
    touched = np.empty(n, dtype=np.int64)
    cap = indices.shape[0] + sources.shape[0] + 1
    hkeys = np.empty(cap, dtype=np.float64)
    hvals = np.empty(cap, dtype=np.int64)
    k = _bounded_dijkstra(indptr, indices, weights, sources, limit, dist, settled, touched, hkeys, hvals)
    nodes = touched[:k].copy()
    return nodes, dist[nodes]


@numba.njit(cache=True, nogil=True)
def _counts_chunk(indptr, indices, weights, poi_nodes, ptr, cats, cnts, limits, eps, first, stop, out):
    """Bounded searches from POI nodes ``first..stop-1``; adds each POI node's counts to ``out[v, band, cat]``."""
    n = indptr.shape[0] - 1
    n_limits = limits.shape[0]
    dist = np.full(n, np.inf)
    settled = np.zeros(n, dtype=np.bool_)
    touched = np.empty(n, dtype=np.int64)
    cap = indices.shape[0] + 2
    hkeys = np.empty(cap, dtype=np.float64)
    hvals = np.empty(cap, dtype=np.int64)
    src = np.empty(1, dtype=np.int64)
    top = limits[n_limits - 1] + eps
    for p in range(first, stop):
        src[0] = poi_nodes[p]
        k = _bounded_dijkstra(indptr, indices, weights, src, top, dist, settled, touched, hkeys, hvals)
        for t in range(k):
            v = touched[t]
            d = dist[v]
            b = 0
            while d > limits[b] + eps:
                b += 1
            for j in range(ptr[p], ptr[p + 1]):
                out[v, b, cats[j]] += cnts[j]
            dist[v] = np.inf
            settled[v] = False


@numba.njit(cache=True, parallel=True)
def _all_node_counts(indptr, indices, weights, poi_nodes, ptr, cats, cnts, limits, eps, n_cat, n_threads):
    """For each node: POIs of each category within each limit, by a bounded search from every POI node.

    The POI nodes are split into ``n_threads`` chunks searched in parallel, each into its own table.
    """
    n = indptr.shape[0] - 1
    n_limits = limits.shape[0]
    outs = np.zeros((n_threads, n, n_limits, n_cat), dtype=np.int32)
    m = poi_nodes.shape[0]
    for t in numba.prange(n_threads):
        first = m * t // n_threads
        stop = m * (t + 1) // n_threads
        _counts_chunk(indptr, indices, weights, poi_nodes, ptr, cats, cnts, limits, eps, first, stop, outs[t])
    out = outs[0]
    for t in range(1, n_threads):
        out += outs[t]
    # From "in band b" to "within limit b".
    for b in range(1, n_limits):
        for v in range(n):
            for c in range(n_cat):
                out[v, b, c] += out[v, b - 1, c]
    return out


# --- public API -------------------------------------------------------------------------------------------


def distances_from(graph: Graph, sources: Iterable[int], limit: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes within ``limit`` metres of the nearest of ``sources`` and their distances (multi-source)."""
    src = np.unique(
        np.asarray(list(sources) if not isinstance(sources, np.ndarray) else sources, dtype=np.int64)
    )
    if src.size == 0:
        raise AccessError("没有起点节点", code="access_no_origin")
    if src.min() < 0 or src.max() >= graph.n_nodes:
        raise AccessError("起点节点不在路网中", code="access_origin_off_network")
    return _distances_from(graph.indptr, graph.indices, graph.weights, src, float(limit) + EPSILON_M)


def _poi_table(poi_nodes: np.ndarray, poi_categories: np.ndarray, n_categories: int):
    """Distinct POI nodes and, per node, how many POIs of each category snapped to it."""
    poi_nodes = np.asarray(poi_nodes, dtype=np.int64)
    poi_categories = np.asarray(poi_categories, dtype=np.int64)
    if poi_nodes.shape != poi_categories.shape:
        raise AccessError("POI 节点与类别数量不一致", code="access_poi_categories_mismatch")
    if poi_categories.size and (poi_categories.min() < 0 or poi_categories.max() >= n_categories):
        raise AccessError("POI 类别超出范围", code="access_poi_category_out_of_range")
    uniq, inverse = np.unique(poi_nodes, return_inverse=True)
    counts = np.zeros((uniq.size, n_categories), dtype=np.int32)
    np.add.at(counts, (inverse, poi_categories), 1)
    return uniq, counts


def counts_from(
    graph: Graph,
    origins: Iterable[int],
    poi_nodes: np.ndarray,
    poi_categories: np.ndarray,
    n_categories: int,
    limits: np.ndarray,
) -> np.ndarray:
    """POIs of each category within each limit of the origins: an int array ``(len(limits), n_categories)``."""
    limits = np.asarray(limits, dtype=np.float64)
    nodes, dist = distances_from(graph, origins, float(limits[-1]))
    node_dist = np.full(graph.n_nodes, np.inf)
    node_dist[nodes] = dist
    poi_nodes = np.asarray(poi_nodes, dtype=np.int64)
    poi_categories = np.asarray(poi_categories, dtype=np.int64)
    d = node_dist[poi_nodes] if poi_nodes.size else np.zeros(0)
    out = np.zeros((limits.size, n_categories), dtype=np.int64)
    for b, limit in enumerate(limits):
        within = d <= limit + EPSILON_M
        out[b] = np.bincount(poi_categories[within], minlength=n_categories)[:n_categories]
    return out


def all_node_counts(
    graph: Graph,
    poi_nodes: np.ndarray,
    poi_categories: np.ndarray,
    n_categories: int,
    limits: np.ndarray,
    threads: int | None = None,
) -> np.ndarray:
    """For every node, POIs of each category within each limit: int32 ``(n_nodes, len(limits), n_categories)``."""
    limits = np.ascontiguousarray(limits, dtype=np.float64)
    if limits.size == 0 or np.any(np.diff(limits) <= 0) or limits[0] < 0:
        raise AccessError("距离上限必须为递增的非负数", code="access_limits_not_increasing")
    uniq, counts = _poi_table(poi_nodes, poi_categories, n_categories)
    if uniq.size and (uniq.min() < 0 or uniq.max() >= graph.n_nodes):
        raise AccessError("POI 节点不在路网中", code="access_poi_off_network")
    # Sparse per POI node: (category, count) pairs, so a search adds one or two numbers per reached node.
    rows, cols = np.nonzero(counts)
    ptr = np.zeros(uniq.size + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=uniq.size), out=ptr[1:])
    cats = cols.astype(np.int64)
    cnts = counts[rows, cols].astype(np.int32)
    if threads is None:
        threads = 1 if uniq.size < 64 else min(numba.get_num_threads(), 2)
    return _all_node_counts(
        graph.indptr,
        graph.indices,
        graph.weights,
        uniq,
        ptr,
        cats,
        cnts,
        limits,
        EPSILON_M,
        n_categories,
        max(1, int(threads)),
    )


def reachable_edges(
    graph: Graph, origins: Iterable[int], limit: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Street segments fully reachable within ``limit``: ``(u, v, minutes_bucket_distance)`` for the isochrone.

    A segment is returned when both ends are reached and the farther end's distance is at most ``limit``;
    the third array is that farther distance (metres), which the map colours by minutes.
    """
    nodes, dist = distances_from(graph, origins, limit)
    node_dist = np.full(graph.n_nodes, np.inf)
    node_dist[nodes] = dist
    us, vs, ds = [], [], []
    for u in nodes:
        for e in range(graph.indptr[u], graph.indptr[u + 1]):
            v = int(graph.indices[e])
            if v <= u or not np.isfinite(node_dist[v]):
                continue
            us.append(int(u))
            vs.append(v)
            ds.append(max(node_dist[u], node_dist[v]))
    return np.array(us, dtype=np.int64), np.array(vs, dtype=np.int64), np.array(ds, dtype=np.float64)


def warm_up() -> None:
    """Compile the kernels on a tiny graph (numba caches them on disk afterwards)."""
    g = build_graph([0.0, 0.001], [0.0, 0.0], [0], [1], [100.0])
    all_node_counts(g, np.array([1]), np.array([0]), 1, np.array([50.0, 150.0]))
    distances_from(g, [0], 150.0)


def grid_cells(
    lon: np.ndarray, lat: np.ndarray, cell_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """Square cells of ``cell_m`` metres (local equirectangular frame at the nodes' south-west corner).

    Returns ``(cell_of_node, cell_col, cell_row, lon0, lat0)``: the index of each node's cell among the
    occupied cells (sorted by row, then column), and each occupied cell's column and row; a cell's
    south-west corner is ``lon0 + col · cell_m / kx``, ``lat0 + row · cell_m / ky`` with
    ``kx = cos(lat0) · 111,320`` and ``ky = 110,540`` metres per degree.
    """
    if not cell_m > 0:
        raise AccessError("网格边长必须为正数", code="grid_cell_not_positive")
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if lon.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, 0.0, 0.0
    lon0, lat0 = float(lon.min()), float(lat.min())
    kx, ky = metres_per_degree(lat0)
    col = np.floor((lon - lon0) * kx / cell_m).astype(np.int64)
    row = np.floor((lat - lat0) * ky / cell_m).astype(np.int64)
    key = row * (int(col.max()) + 1) + col
    cells, cell_of_node = np.unique(key, return_inverse=True)
    width = int(col.max()) + 1
    return cell_of_node.astype(np.int64), cells % width, cells // width, lon0, lat0


def metres_per_degree(lat0: float) -> tuple[float, float]:
    """Metres per degree of longitude and latitude near ``lat0`` (the maps' local frame)."""
    return math.cos(math.radians(lat0)) * 111_320.0, 110_540.0


def cell_stats(cell_of_node: np.ndarray, values: np.ndarray, n_cells: int) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: the mean and the maximum of ``values`` (one per node) over the cell's nodes."""
    values = np.asarray(values, dtype=np.float64)
    nodes = np.bincount(cell_of_node, minlength=n_cells)
    mean = np.bincount(cell_of_node, weights=values, minlength=n_cells) / np.maximum(nodes, 1)
    top = np.zeros(n_cells)
    if values.size:
        order = np.argsort(cell_of_node, kind="stable")
        ordered = cell_of_node[order]
        occupied = np.unique(ordered)
        starts = np.searchsorted(ordered, occupied)
        top[occupied] = np.maximum.reduceat(values[order], starts)
    return mean, top
