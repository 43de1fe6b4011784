"""Economic complexity — RCA, RPOP, presence, diversity, ubiquity, proximity, density, ECI, PCI, COI, COG.

Plain numpy / scipy / pandas, no Django. The definitions, thresholds, normalisation and sign convention are those of
py-ecomplexity 0.5.x (Growth Lab, ``pip install ecomplexity``), read from its source, so that results agree with it
to 1e-9 on the same input:

* per time (each time on its own), locations and activities whose values sum to zero are dropped, the remaining
  ones form a full (rectangular) location × activity matrix ``X`` with absent cells = 0; locations and activities
  are in sorted order;
* ``rca = (X / X.sum(1)) / (X.sum(0) / X.sum())`` (Balassa); ``rpop = (X / pop) / (X.sum(0) / pop.sum())``;
* presence ``mcp = 1 if measure >= threshold`` (NaN counts as 0); ``diversity = mcp.sum(1)``,
  ``ubiquity = mcp.sum(0)``;
* proximity (discrete, symmetric as the Atlas): ``phi[i, j] = co[i, j] / max(u_i, u_j)`` with
  ``co = mcp.T @ mcp``; asymmetric: ``phi[i, j] = co[i, j] / u_i`` (P(has i | has j) read as py-ecomplexity does:
  row ``i`` divided by the ubiquity of ``i``); continuous: ``(1 + corr(rca columns)) / 2``;
* density ``d[c, j] = sum_i mcp[c, i] phi[j, i] / sum_i phi[j, i]`` (with ``rca`` instead of ``mcp`` for
  continuous proximity);
* ECI / PCI: the eigenvector of the second largest eigenvalue of ``Mpp = D_u^-1 M' D_d^-1 M`` (unit length),
  ``kc = D_d^-1 M kp``, both signed so that ECI correlates positively with diversity;
* COI ``= sum_j density[c, j] (1 - mcp[c, j]) kp_j``; COG ``[c, j] = (1 - mcp[c, j]) sum_i (1 - mcp[c, i])
  phi[i, j] kp_i / sum_k phi[i, k]``, with the raw (unit-length) ``kp``;
* normalisation: ``pci = (kp - mean(kc)) / std(kc)``, ``eci = z(kc)``, ``cog /= std(kc)``, ``coi = z(coi)``
  (population standard deviations).

Where every location has a positive diversity and every activity a positive ubiquity (always the case with the
default RCA threshold of 1 and non-negative values), the work is done in the symmetric form: the eigenvector comes
from the symmetric matrix ``A' A`` (``A = D_d^-1/2 M D_u^-1/2``, the smaller side), co-occurrences from one
single-precision product of the 0/1 matrix (exact: integer counts), density and COG from one dense BLAS product
(or a sparse one when the presence matrix is sparse). With a zero diversity or ubiquity the same formulas run as
py-ecomplexity writes them, NaNs included (one such location or activity makes py-ecomplexity's ECI and PCI NaN for
that time, an artefact of its code that :func:`complexity_matrix` reproduces unless ``ecomplexity_compat=False``).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time as _time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg

from zhaoshang.insight.errors import InsightError, InsightNote

Presence = Literal["rca", "rpop", "manual"]
ProximityKind = Literal["symmetric", "asymmetric", "continuous"]

PRESENCE_TESTS: Final = ("rca", "rpop", "manual")
PROXIMITY_KINDS: Final = ("symmetric", "asymmetric", "continuous")
#: Result columns of :func:`complexity_table`, in order (``rpop`` is added after ``rca`` with a population).
RESULT_COLUMNS: Final = ("rca", "mcp", "diversity", "ubiquity", "eci", "pci", "density", "coi", "cog")
#: Below this share of ones the presence matrix is multiplied as a scipy.sparse matrix.
SPARSE_SHARE: Final = 0.02
#: From this many cells on, the dense route runs in two threads with single-threaded BLAS (see :func:`_threads`).
THREADED_CELLS: Final = 100_000
#: Rows of the presence matrix are converted to floating point this many bytes at a time (a buffer reused in cache
#: instead of a full float copy of the matrix: fresh memory costs page faults).
_ROW_BLOCK_BYTES: Final = 4 << 20


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


try:  # one controller for the process: scanning the loaded libraries costs tens of milliseconds
    from threadpoolctl import ThreadpoolController

    _BLAS_CONTROL: ThreadpoolController | None = ThreadpoolController()
except Exception:  # pragma: no cover - threadpoolctl missing or unusable: BLAS keeps its own threads
    _BLAS_CONTROL = None


@contextlib.contextmanager
def _threads(cells: int):
    """Two worker threads with single-threaded BLAS for a large dense matrix, else none.

    The dense route has independent pieces of similar size (co-occurrences | eigenvector, then density and COG of
    each half of the locations): run side by side with one BLAS thread each, they keep both cores busy, where
    multi-threaded BLAS would leave one idle during every non-BLAS step (and spin when the machine is loaded).
    """
    n = min(2, _cores())
    if (
        n < 2
        or cells < THREADED_CELLS
        or _BLAS_CONTROL is None
        or threading.current_thread() is not threading.main_thread()
    ):
        # Only the main thread (the command, a script) changes BLAS's process-wide thread count: OpenBLAS does not
        # reliably take back a count set in another thread, and a server's request threads run side by side.
        yield None
        return
    with _one_blas_thread(), ThreadPoolExecutor(n) as pool:
        yield pool


_BLAS_LOCK = threading.Lock()
_BLAS_USERS = 0
_BLAS_LIMIT: contextlib.ExitStack | None = None


@contextlib.contextmanager
def _one_blas_thread():
    """BLAS held to one thread while any computation of this module needs it (the setting is process-wide:
    counted, so that computations running side by side in a server's threads restore it only once, at the end)."""
    global _BLAS_USERS, _BLAS_LIMIT
    with _BLAS_LOCK:
        if _BLAS_USERS == 0 and _BLAS_CONTROL is not None:
            stack = contextlib.ExitStack()
            stack.enter_context(_BLAS_CONTROL.limit(limits=1, user_api="blas"))
            _BLAS_LIMIT = stack
        _BLAS_USERS += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS_USERS -= 1
            if _BLAS_USERS == 0 and _BLAS_LIMIT is not None:
                _BLAS_LIMIT.close()
                _BLAS_LIMIT = None


class ComplexityError(InsightError):
    """Bad input to the complexity core (a Chinese message; ``code`` for the edges)."""

    code = "complexity_invalid"


@dataclass
class MatrixResult:
    """Everything computed for one location × activity matrix (rows and columns as given, none dropped).

    Vectors are per location (``diversity``, ``eci``, ``coi``) or per activity (``ubiquity``, ``pci``);
    matrices are location × activity; ``proximity`` is activity × activity.
    """

    rca: np.ndarray
    mcp: np.ndarray
    diversity: np.ndarray
    ubiquity: np.ndarray
    eci: np.ndarray
    pci: np.ndarray
    density: np.ndarray
    coi: np.ndarray
    cog: np.ndarray
    proximity: np.ndarray
    rpop: np.ndarray | None = None
    method: str = "fast"


# --------------------------------------------------------------------------------------------- elementary pieces


def rca(values: np.ndarray) -> np.ndarray:
    """Balassa's revealed comparative advantage of a location × activity matrix (py-ecomplexity's operations)."""
    x = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        num = x / np.nansum(x, axis=1)[:, np.newaxis]
        loc_total = np.nansum(x, axis=0)[np.newaxis, :]
        world_total = np.nansum(loc_total, axis=1)[:, np.newaxis]
        den = loc_total / world_total
        num /= den  # in place: the same operations, one temporary less
        return num


def _rca_from_sums(x: np.ndarray, row_sums: np.ndarray, col_sums: np.ndarray) -> np.ndarray:
    """:func:`rca` with the row and column sums given (the same operations on the same numbers)."""
    loc_total = col_sums[np.newaxis, :]
    world_total = np.nansum(loc_total, axis=1)[:, np.newaxis]
    with np.errstate(divide="ignore", invalid="ignore"):
        den = loc_total / world_total
    num = np.empty_like(x)

    def rows(a: int, b: int) -> None:
        with np.errstate(divide="ignore", invalid="ignore"):
            np.divide(x[a:b], row_sums[a:b, np.newaxis], out=num[a:b])
            np.divide(num[a:b], den, out=num[a:b])

    with _threads(x.size) as pool:
        if pool is None:
            rows(0, len(x))
        else:
            cut = len(x) // 2
            for job in [pool.submit(rows, 0, cut), pool.submit(rows, cut, len(x))]:
                job.result()
    return num


def rpop(values: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Revealed per-capita advantage: the location's value per person over the world's value per person."""
    x = np.asarray(values, dtype=float)
    pop = np.asarray(population, dtype=float).reshape(-1, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        num = x / pop
        loc_total = np.nansum(x, axis=0)[np.newaxis, :]
        world_pop_total = np.nansum(pop)
        den = loc_total / world_pop_total
        return num / den


def presence(measure: np.ndarray, threshold: float = 1.0) -> np.ndarray:
    """The 0/1 presence matrix ``M``: 1 where the measure reaches the threshold (NaN counts as absent)."""
    return np.where(np.nan_to_num(measure) >= threshold, 1, 0)


def _presence_int8(measure: np.ndarray, threshold: float) -> np.ndarray:
    """:func:`presence` as int8 without the temporary copies (same result: NaN never reaches a positive threshold)."""
    if threshold > 0:
        with np.errstate(invalid="ignore"):
            return (measure >= threshold).view(np.int8)
    return presence(measure, threshold).astype(np.int8)


def proximity(
    mcp: np.ndarray,
    ubiquity: np.ndarray | None = None,
    kind: ProximityKind = "symmetric",
    measure: np.ndarray | None = None,
) -> np.ndarray:
    """Activity × activity proximity (see the module documentation for the three kinds).

    ``measure`` (RCA or RPOP) is needed for ``continuous``.
    """
    if kind not in PROXIMITY_KINDS:
        raise ComplexityError(
            f"未知的邻近度类型“{kind}”（可选：{'、'.join(PROXIMITY_KINDS)}）",
            code="proximity_kind_unknown",
            kind=kind,
            choices=", ".join(PROXIMITY_KINDS),
        )
    if kind == "continuous":
        if measure is None:
            raise ComplexityError("连续邻近度需要RCA或RPOP矩阵", code="proximity_needs_measure")
        return (1 + np.corrcoef(np.asarray(measure, dtype=float).T)) / 2
    m = np.asarray(mcp)
    u = m.sum(axis=0) if ubiquity is None else np.asarray(ubiquity)
    if np.all(u > 0) and _is_binary(m):
        co = _cooccurrence(m)
        uf = u.astype(float)
        if kind == "symmetric":
            return co / np.maximum(uf[:, None], uf[None, :])
        return co / uf[:, None]
    # literal py-ecomplexity (zero ubiquity gives NaN rows and columns, as there)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = (m.T @ m) / u[np.newaxis, :]
    if kind == "symmetric":
        return np.minimum(phi, phi.T)
    return phi.T


def _is_binary(m: np.ndarray) -> bool:
    return m.dtype == bool or bool(np.all((m == 0) | (m == 1)))


def _cooccurrence(m) -> np.ndarray:
    """``m.T @ m`` for a 0/1 matrix, exactly, in single precision (integer counts below 2**24 are exact)."""
    n_rows = m.shape[0]
    if n_rows >= 1 << 24:  # pragma: no cover - far beyond any real table
        mf = np.asarray(m, dtype=float)
        return mf.T @ mf
    if sp.issparse(m):
        ms = m.astype(np.float32)
        return np.asarray((ms.T @ ms).todense(), dtype=float)
    # ssyrk computes one triangle (half of the work of a general product), summed over blocks of rows converted
    # into one reused single-precision buffer (no full float copy of the matrix)
    blas = scipy.linalg.blas
    m = np.asarray(m)
    n_act = m.shape[1]
    step = max(1, min(n_rows, _ROW_BLOCK_BYTES // (4 * max(1, n_act))))
    buf = np.empty((step, n_act), dtype=np.float32)
    upper = np.zeros((n_act, n_act), dtype=np.float32, order="F")
    for r0 in range(0, n_rows, step):
        block = buf[: min(step, n_rows - r0)]
        np.copyto(block, m[r0 : r0 + len(block)], casting="unsafe")
        # block.T is Fortran-ordered: no copy; the upper triangle accumulates in place
        upper = blas.ssyrk(1.0, block.T, beta=1.0, c=upper, trans=0, lower=0, overwrite_c=1)
    co = np.triu(upper).astype(float)
    co += np.triu(co, 1).T
    return co


def density(mcp_or_measure: np.ndarray, prox: np.ndarray) -> np.ndarray:
    """Density of each location around each activity: ``x @ (phi.T / phi.sum(1))``."""
    den = np.nansum(prox, axis=1)[np.newaxis, :]
    return np.asarray(mcp_or_measure, dtype=float) @ (prox.T / den)


# --------------------------------------------------------------------------------------------- ECI / PCI


def _second_eigenvector(m, d: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(kp, kc)``: ``kp`` the unit eigenvector of ``D_u^-1 M' D_d^-1 M`` for its second largest eigenvalue (sign
    arbitrary), ``kc = D_d^-1 M kp``.

    Symmetric form: ``A = D_d^-1/2 M D_u^-1/2``; the wanted vector is ``D_u^-1/2 w`` with ``w`` the eigenvector of
    the symmetric ``A' A`` for its second largest eigenvalue. The largest (1, vector ``sqrt(u)``) is known and
    deflated, so ``w`` is the top eigenvector of what remains: Lanczos (ARPACK) on the implicit operator
    ``x -> A'(A x)`` with ``A`` as a sparse matrix (a few milliseconds per product), started from the method of
    reflections' first step; a dense symmetric solver takes over for small matrices or if Lanczos does not
    converge.
    """
    n_loc, n_act = m.shape
    d = d.astype(float)
    u = u.astype(float)
    sd = 1.0 / np.sqrt(d)
    su = 1.0 / np.sqrt(u)
    top = np.sqrt(u)
    top /= np.linalg.norm(top)
    ms = m.tocsr() if sp.issparse(m) else sp.csr_matrix(m)
    a = sp.csr_matrix(
        (
            ms.data * sd[np.repeat(np.arange(n_loc), np.diff(ms.indptr))] * su[ms.indices],
            ms.indices,
            ms.indptr,
        ),
        shape=ms.shape,
    )
    at = a.T  # CSC: its products need no conversion

    def deflated(x):
        x = np.asarray(x).ravel()
        y = at @ (a @ x)
        return y - top * (top @ x)

    vec = None
    if n_act > 64:
        # start: mean diversity of each activity's locations (the first reflection), in the symmetric basis
        start = np.asarray(ms.T @ d).ravel() / u / su
        start -= top * (top @ start)
        if np.linalg.norm(start) > 0:
            op = scipy.sparse.linalg.LinearOperator((n_act, n_act), matvec=deflated, dtype=float)
            try:
                vals, vecs = scipy.sparse.linalg.eigsh(
                    op, k=1, which="LA", tol=0, v0=start, ncv=min(n_act - 1, 24), maxiter=20 * n_act
                )
                vec = vecs[:, 0]
                residual = np.linalg.norm(deflated(vec) - vals[0] * vec)
                if not residual <= 1e-11 * max(abs(vals[0]), 1e-3):
                    vec = None
            except scipy.sparse.linalg.ArpackError:
                vec = None
    if vec is None:
        gram = (at @ a).toarray()
        gram -= np.outer(top, top)
        _, vecs = scipy.linalg.eigh(gram, subset_by_index=[n_act - 1, n_act - 1])
        vec = vecs[:, 0]
    kp = vec * su
    kp /= np.linalg.norm(kp)
    kc = np.asarray(ms @ kp).ravel() / d
    return kp, kc


def _eig_general(m: np.ndarray, d: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """py-ecomplexity's own route, operation for operation (general eigen-solver on ``Mpp``).

    Used where the symmetric route cannot give py-ecomplexity's answer: negative values in a manual matrix, and a
    presence matrix whose location–activity graph falls apart in several pieces — the eigenvalue 1 is then
    repeated and which of its eigenvectors comes second is decided by LAPACK's general solver alone.
    """
    mcp1 = m / d[:, np.newaxis]
    mcp2 = m / u[np.newaxis, :]
    mcp2_t = mcp2.T.copy()
    mpp = mcp2_t @ mcp1
    eigvals, eigvecs = np.linalg.eig(mpp)
    eigvecs = np.real(eigvecs)
    kp = eigvecs[:, eigvals.argsort()[-2]]
    return kp, mcp1 @ kp


def _connected(m) -> bool:
    """Is the bipartite location–activity graph of the presence matrix in one piece?

    Breadth-first from the first activity with sparse products (the graph's diameter is small in real tables);
    scipy's connected components for a graph that is still growing after 50 rounds.
    """
    ms = m.tocsr() if sp.issparse(m) else sp.csr_matrix(m)
    ms = ms.astype(np.float64, copy=False)
    n_act = ms.shape[1]
    if n_act == 0:
        return True
    reached = np.zeros(n_act)
    reached[0] = 1.0
    count = 1
    for _ in range(50):
        locs = (ms @ reached) > 0
        reached = ((ms.T @ locs.astype(np.float64)) > 0).astype(np.float64)
        reached[0] = 1.0
        new = int(np.count_nonzero(reached))
        if new == n_act:
            return bool(np.all((ms @ reached) > 0))  # and every location touches them
        if new == count:
            return False
        count = new
    from scipy.sparse.csgraph import connected_components

    graph = sp.bmat([[None, ms], [ms.T, None]], format="csr")
    return connected_components(graph, directed=False, return_labels=False) == 1


def eci_pci_raw(
    mcp: np.ndarray, diversity: np.ndarray, ubiquity: np.ndarray, *, ecomplexity_compat: bool = True
):
    """Unnormalised, signed ``(kc, kp)`` as py-ecomplexity's ``calc_eci_pci`` returns them (NaN where invalid)."""
    n_loc, n_act = mcp.shape
    loc_ok = diversity != 0
    act_ok = ubiquity != 0
    eci = np.full(n_loc, np.nan)
    pci = np.full(n_act, np.nan)
    n_bad_loc, n_bad_act = int((~loc_ok).sum()), int((~act_ok).sum())
    if ecomplexity_compat and (n_bad_loc == 1 or n_bad_act == 1):
        # py-ecomplexity iterates over np.argwhere(...).squeeze(), a 0-d array when exactly one element is zero:
        # the TypeError is caught and ECI and PCI are NaN for the whole time.
        warnings.warn(
            InsightNote(
                "恰有一个地区多样性为0或一个产业普遍性为0：与py-ecomplexity一致，ECI/PCI为空",
                code="complexity_single_empty_location_or_activity",
            ),
            stacklevel=2,
        )
        return eci, pci
    m = mcp[loc_ok][:, act_ok] if (n_bad_loc or n_bad_act) else mcp
    d = diversity[loc_ok].astype(float)
    u = ubiquity[act_ok].astype(float)
    if m.shape[0] < 2 or m.shape[1] < 2:
        return eci, pci
    try:
        nonneg = sp.issparse(m) or bool(np.all(m >= 0))
        if nonneg and np.all(d > 0) and np.all(u > 0) and _connected(m):
            kp, kc = _second_eigenvector(m, d, u)
        else:  # py-ecomplexity's route, on its own integer matrix and integer degrees
            dense = np.asarray(m.toarray()) if sp.issparse(m) else np.asarray(m)  # type: ignore[union-attr]
            if _is_binary(dense):
                kp, kc = _eig_general(
                    dense.astype(np.int64), np.rint(d).astype(np.int64), np.rint(u).astype(np.int64)
                )
            else:
                kp, kc = _eig_general(dense.astype(float), d, u)
    except (np.linalg.LinAlgError, ValueError):  # pragma: no cover - as py-ecomplexity: NaN for this time
        return eci, pci
    with np.errstate(divide="ignore", invalid="ignore"):
        s1 = np.sign(np.corrcoef(d, kc)[0, 1])
    eci[loc_ok] = s1 * kc
    pci[act_ok] = s1 * kp
    return eci, pci


# --------------------------------------------------------------------------------------------- one matrix


def complexity_matrix(
    values: np.ndarray,
    *,
    presence_test: Presence = "rca",
    rca_threshold: float = 1.0,
    rpop_threshold: float = 1.0,
    population: np.ndarray | None = None,
    proximity_kind: ProximityKind = "symmetric",
    proximity_matrix: np.ndarray | None = None,
    ecomplexity_compat: bool = True,
    sparse: bool | None = None,
) -> MatrixResult:
    """All measures for one location × activity value matrix whose rows and columns all have a non-zero sum.

    ``presence_test``: ``rca`` (default), ``rpop`` (needs ``population``, one value per row) or ``manual``
    (``values`` is the presence matrix itself). ``sparse``: force (True) or forbid (False) the scipy.sparse route
    for the presence matrix; by default it is used below :data:`SPARSE_SHARE` ones.
    """
    return _complexity_matrix(
        values,
        None,
        presence_test=presence_test,
        rca_threshold=rca_threshold,
        rpop_threshold=rpop_threshold,
        population=population,
        proximity_kind=proximity_kind,
        proximity_matrix=proximity_matrix,
        ecomplexity_compat=ecomplexity_compat,
        sparse=sparse,
    )


def _complexity_matrix(
    values: np.ndarray,
    sums: tuple[np.ndarray, np.ndarray] | None,
    *,
    presence_test: Presence = "rca",
    rca_threshold: float = 1.0,
    rpop_threshold: float = 1.0,
    population: np.ndarray | None = None,
    proximity_kind: ProximityKind = "symmetric",
    proximity_matrix: np.ndarray | None = None,
    ecomplexity_compat: bool = True,
    sparse: bool | None = None,
) -> MatrixResult:
    """:func:`complexity_matrix`; ``sums``: the row and column sums of ``values`` already taken (np.sum of a
    NaN-free matrix, the same numbers as np.nansum)."""
    if presence_test not in PRESENCE_TESTS:
        raise ComplexityError(
            f"未知的存在性判断“{presence_test}”（可选：{'、'.join(PRESENCE_TESTS)}）",
            code="presence_test_unknown",
            test=presence_test,
            choices=", ".join(PRESENCE_TESTS),
        )
    if proximity_kind not in PROXIMITY_KINDS:
        raise ComplexityError(
            f"未知的邻近度类型“{proximity_kind}”（可选：{'、'.join(PROXIMITY_KINDS)}）",
            code="proximity_kind_unknown",
            kind=proximity_kind,
            choices=", ".join(PROXIMITY_KINDS),
        )
    x = np.ascontiguousarray(values, dtype=float)
    if x.ndim != 2:
        raise ComplexityError("数值必须是“地区×产业”的二维矩阵", code="complexity_matrix_not_2d")
    rpop_m = None
    if presence_test == "manual":
        rca_m = x
        mcp = x
    else:
        rca_m = rca(x) if sums is None else _rca_from_sums(x, *sums)
        if presence_test == "rpop":
            if population is None:
                raise ComplexityError("按人均（RPOP）判断需要人口数据", code="rpop_needs_population")
            pop = np.asarray(population, dtype=float).reshape(-1)
            if pop.shape[0] != x.shape[0]:
                raise ComplexityError("人口数据的地区数与数值矩阵不一致", code="population_regions_mismatch")
            rpop_m = rpop(x, pop)
            mcp = _presence_int8(rpop_m, rpop_threshold)
        else:
            mcp = _presence_int8(rca_m, rca_threshold)
    diversity = np.nansum(mcp, axis=1)
    ubiquity = np.nansum(mcp, axis=0)
    binary = presence_test != "manual" or _is_binary(mcp)
    fast = (
        binary
        and bool(np.all(diversity > 0))
        and bool(np.all(ubiquity > 0))
        and proximity_matrix is None
        and min(x.shape) >= 2
    )
    if fast:
        result = _fast(mcp, diversity, ubiquity, rca_m, rpop_m, presence_test, proximity_kind, sparse)
    else:
        result = _literal(
            mcp,
            diversity,
            ubiquity,
            rca_m,
            rpop_m,
            presence_test,
            proximity_kind,
            proximity_matrix,
            ecomplexity_compat,
        )
    result.rpop = rpop_m
    return result


def _normalise(eci_raw, pci_raw, coi, cog):
    with np.errstate(divide="ignore", invalid="ignore"):
        mean, std = eci_raw.mean(), eci_raw.std()
        pci = (pci_raw - mean) / std
        cog /= std
        eci = (eci_raw - mean) / std
        coi = (coi - coi.mean()) / coi.std()
    return eci, pci, coi, cog


def _csr_bool(mbool: np.ndarray, diversity: np.ndarray) -> sp.csr_matrix:
    """A 0/1 matrix as a float64 CSR matrix, straight from the column positions of its ones (row by row)."""
    n_loc, n_act = mbool.shape
    cols = np.flatnonzero(mbool)
    np.remainder(cols, n_act, out=cols)
    idx = np.int32 if max(len(cols), n_act) < 2**31 - 1 else np.int64
    indptr = np.zeros(n_loc + 1, dtype=idx)
    np.cumsum(diversity, out=indptr[1:])
    return sp.csr_matrix((np.ones(len(cols)), cols.astype(idx, copy=False), indptr), shape=(n_loc, n_act))


def _fast(mcp, diversity, ubiquity, rca_m, rpop_m, presence_test, proximity_kind, sparse) -> MatrixResult:
    n_loc, n_act = mcp.shape
    mbool = mcp.view(bool) if mcp.dtype == np.int8 else mcp.astype(bool)
    share = float(diversity.sum()) / (n_loc * n_act)
    use_sparse = (share < SPARSE_SHARE and n_loc * n_act >= 100_000) if sparse is None else bool(sparse)
    if use_sparse or proximity_kind == "continuous":
        ms = _csr_bool(mbool, diversity)
        eci_raw, pci_raw = eci_pci_raw(ms, diversity, ubiquity)
        left = ms if use_sparse else mbool.astype(np.float64)
        if proximity_kind == "continuous":
            measure = rpop_m if presence_test == "rpop" else rca_m
            prox = proximity(mcp, ubiquity, "continuous", measure=measure)
            dens = density(measure, prox)
            w = prox * (pci_raw / prox.sum(axis=1))[:, None]
        else:
            prox = _discrete_proximity(_cooccurrence(ms), ubiquity, proximity_kind)
            den = prox.sum(axis=1)
            w = prox * (pci_raw / den)[:, None]
            dens = np.asarray(left @ (prox.T / den))  # density: M @ (phi' / rowsum(phi)), as py-ecomplexity
        mw = np.asarray(left @ w)
        # COG = (1 - M) * ((1 - M) @ W) = (1 - M) * (colsum(W) - M @ W)
        np.subtract(w.sum(axis=0)[None, :], mw, out=mw)
        np.copyto(mw, 0.0, where=mbool)
        cog = mw
        coi = np.where(mbool, 0.0, dens) @ pci_raw
        eci, pci, coi, cog = _normalise(eci_raw, pci_raw, coi, cog)
    else:
        with _threads(n_loc * n_act) as pool:
            if pool is None:
                eci_raw, pci_raw = eci_pci_raw(_csr_bool(mbool, diversity), diversity, ubiquity)
                co = _cooccurrence(mbool)
            else:  # the eigenvector (sparse products) beside the co-occurrences (one BLAS thread)
                job = pool.submit(lambda: eci_pci_raw(_csr_bool(mbool, diversity), diversity, ubiquity))
                co = _cooccurrence(mbool)
                eci_raw, pci_raw = job.result()
            prox = _discrete_proximity(co, ubiquity, proximity_kind)
            den = prox.sum(axis=1)
            right = prox.T / den  # density = M @ right, as py-ecomplexity writes it
            with np.errstate(divide="ignore", invalid="ignore"):
                std = eci_raw.std()
                scale = 1.0 / std if np.isfinite(std) and std != 0 else 1.0
                w = prox * (pci_raw / den * scale)[:, None]  # COG's weights, already divided by std(kc)
            colsum_w = w.sum(axis=0)
            dens = np.empty((n_loc, n_act))
            cog = np.empty((n_loc, n_act))
            coi = np.empty(n_loc)
            if pool is None:
                _dense_rows(mbool, right, w, colsum_w, pci_raw, dens, cog, coi, 0, n_loc)
            else:  # each thread: density, COG and COI of half of the locations
                cut = n_loc // 2
                jobs = [
                    pool.submit(_dense_rows, mbool, right, w, colsum_w, pci_raw, dens, cog, coi, a, b)
                    for a, b in ((0, cut), (cut, n_loc))
                ]
                for job in jobs:
                    job.result()
        if scale == 1.0:
            with np.errstate(divide="ignore", invalid="ignore"):
                cog /= std
        eci, pci, coi, _ = _normalise(eci_raw, pci_raw, coi, np.empty(0))
    return MatrixResult(
        rca=rca_m,
        mcp=mcp,
        diversity=diversity,
        ubiquity=ubiquity,
        eci=eci,
        pci=pci,
        density=dens,
        coi=coi,
        cog=cog,
        proximity=prox,
        method="sparse" if use_sparse else "dense",
    )


def _discrete_proximity(co: np.ndarray, ubiquity: np.ndarray, kind: str) -> np.ndarray:
    uf = ubiquity.astype(float)
    if kind == "symmetric":
        return co / np.maximum(uf[:, None], uf[None, :])
    return co / uf[:, None]


def _dense_rows(mbool, right, w, colsum_w, pci_raw, dens, cog, coi, r0: int, r1: int) -> None:
    """Rows ``r0:r1`` of density, COG (unnormalised) and COI (raw), written into the given arrays."""
    if r1 <= r0:
        return
    n_act = mbool.shape[1]
    step = max(1, min(r1 - r0, _ROW_BLOCK_BYTES // (8 * max(1, n_act))))
    buf = np.empty((step, n_act))
    for a in range(r0, r1, step):
        b = min(r1, a + step)
        m_rows = mbool[a:b]
        mf = buf[: b - a]
        np.copyto(mf, m_rows, casting="unsafe")
        np.matmul(mf, right, out=dens[a:b])
        mw = np.matmul(mf, w, out=cog[a:b])
        # COG = (1 - M) * ((1 - M) @ W) = (1 - M) * (colsum(W) - M @ W)
        np.subtract(colsum_w[None, :], mw, out=mw)
        np.copyto(mw, 0.0, where=m_rows)
        # COI = sum_j (1 - M) density pci, as py-ecomplexity: ((density * (1 - M)) * pci).sum(1)
        np.subtract(1.0, mf, out=mf)
        np.multiply(mf, dens[a:b], out=mf)
        np.matmul(mf, pci_raw, out=coi[a:b])


def _literal(
    mcp,
    diversity,
    ubiquity,
    rca_m,
    rpop_m,
    presence_test,
    proximity_kind,
    proximity_matrix,
    ecomplexity_compat,
) -> MatrixResult:
    """py-ecomplexity's formulas as written (zero diversity / ubiquity, a manual non-binary M, a given proximity)."""
    returned_mcp = mcp
    if mcp.dtype.kind in "iub" and mcp.dtype.itemsize < 8:
        mcp = mcp.astype(np.int64)
    eci_raw, pci_raw = eci_pci_raw(
        np.asarray(mcp, dtype=float), diversity, ubiquity, ecomplexity_compat=ecomplexity_compat
    )
    continuous = proximity_kind == "continuous"
    if proximity_matrix is not None:
        prox = np.array(proximity_matrix, dtype=float)
        if prox.shape != (mcp.shape[1], mcp.shape[1]):
            raise ComplexityError("给定的邻近度矩阵大小与产业数不一致", code="proximity_matrix_size_mismatch")
        if np.any(np.isnan(prox)):
            np.fill_diagonal(prox, 1)
            prox[np.isnan(prox)] = 0
    elif not continuous:
        with np.errstate(divide="ignore", invalid="ignore"):
            phi = (mcp.T @ mcp) / ubiquity[np.newaxis, :]
        prox = np.minimum(phi, phi.T) if proximity_kind == "symmetric" else phi.T
    else:
        measure = rpop_m if presence_test == "rpop" else rca_m
        prox = (1 + np.corrcoef(measure.T)) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        if not continuous or presence_test == "manual":
            dens = density(mcp, prox)
        else:
            dens = density(rpop_m if presence_test == "rpop" else rca_m, prox)
        coi = ((dens * (1 - mcp)) * pci_raw).sum(axis=1)
        cog = (1 - mcp) * ((1 - mcp) @ (prox * (pci_raw / prox.sum(axis=1))[:, np.newaxis]))
    eci, pci, coi, cog = _normalise(eci_raw, pci_raw, coi, cog)
    return MatrixResult(
        rca=rca_m,
        mcp=returned_mcp,
        diversity=diversity,
        ubiquity=ubiquity,
        eci=eci,
        pci=pci,
        density=dens,
        coi=coi,
        cog=cog,
        proximity=prox,
        method="literal",
    )


# --------------------------------------------------------------------------------------------- long tables


@dataclass
class TableResult:
    """The long result table and what the ``--json`` summary reports."""

    frame: pd.DataFrame
    locations: int
    activities: int
    times: int
    seconds: float
    methods: list[str] = field(default_factory=list)
    #: CPU time of the process over the same span (every thread; on a shared machine the wall time also holds
    #: the waits for a core)
    cpu_seconds: float = 0.0

    @property
    def rows(self) -> int:
        return len(self.frame)


def complexity_table(
    data: pd.DataFrame,
    *,
    location: str,
    activity: str,
    value: str,
    time: str | None = None,
    population: pd.DataFrame | None = None,
    population_value: str | None = None,
    presence_test: Presence | None = None,
    rca_threshold: float = 1.0,
    rpop_threshold: float = 1.0,
    proximity_kind: ProximityKind = "symmetric",
    ecomplexity_compat: bool = True,
    sparse: bool | None = None,
) -> TableResult:
    """From a long table (time?, location, activity, value) to the long result table, time by time.

    The rows are py-ecomplexity's: for each time, every (location, activity) pair of the locations and
    activities with a non-zero total (absent pairs have value 0), then the input rows of the dropped locations and
    activities with empty results; sorted by time, location, activity. Columns: the key columns and the value
    column as named in ``data``, then ``rca`` (``rpop``), ``mcp``, ``diversity``, ``ubiquity``, ``eci``, ``pci``,
    ``density``, ``coi``, ``cog``. Values that are not numbers count as 0 (callers validate first); a repeated
    (time, location, activity) keeps its first row, as py-ecomplexity does.

    ``population``: a table with the ``location`` column (and ``time`` when given) and the population in
    ``population_value`` (default: its one other column); with it the presence test defaults to ``rpop``.
    """
    with _small_pages():
        return _complexity_table(
            data,
            location=location,
            activity=activity,
            value=value,
            time=time,
            population=population,
            population_value=population_value,
            presence_test=presence_test,
            rca_threshold=rca_threshold,
            rpop_threshold=rpop_threshold,
            proximity_kind=proximity_kind,
            ecomplexity_compat=ecomplexity_compat,
            sparse=sparse,
        )


@contextlib.contextmanager
def _small_pages():
    """numpy's huge-page advice off while the main thread computes (process-wide, given back after).

    A result table of 3.4 million rows writes about 300 MB of new arrays. Huge pages that the kernel must first
    assemble cost far more than plain pages on a first run (measured on the 2-core VM: the first
    ``complexity_table`` of a process 1.11 s CPU with the advice, 0.68 s without; later runs, on pages already
    assembled, the same within noise), and a command's first run is its only one.
    """
    toggle = None
    if threading.current_thread() is threading.main_thread():
        try:
            from numpy._core.multiarray import _set_madvise_hugepage as toggle
        except ImportError:  # pragma: no cover - another numpy layout
            toggle = None
    if toggle is None:
        yield
        return
    before = toggle(False)
    try:
        yield
    finally:
        toggle(before)


def _complexity_table(
    data: pd.DataFrame,
    *,
    location: str,
    activity: str,
    value: str,
    time: str | None,
    population: pd.DataFrame | None,
    population_value: str | None,
    presence_test: Presence | None,
    rca_threshold: float,
    rpop_threshold: float,
    proximity_kind: ProximityKind,
    ecomplexity_compat: bool,
    sparse: bool | None,
) -> TableResult:
    started = _time.perf_counter()
    started_cpu = _time.process_time()
    if presence_test is None:
        presence_test = "rpop" if population is not None else "rca"
    if presence_test == "rpop" and population is None:
        raise ComplexityError("按人均（RPOP）判断需要人口数据", code="rpop_needs_population")
    keys = [c for c in (time, location, activity) if c is not None]
    for col in [*keys, value]:
        if col not in data.columns:
            raise ComplexityError(f"缺少列“{col}”", code="complexity_column_missing", column=col)
        if col in RESULT_COLUMNS or col == "rpop":
            raise ComplexityError(
                f"列名“{col}”与结果列重名，请改名", code="complexity_column_name_taken", column=col
            )
    if len({*keys, value}) != len(keys) + 1:
        raise ComplexityError("时间、地区、产业、数值必须是不同的列", code="complexity_columns_not_distinct")
    vals = pd.to_numeric(data[value], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    # missing values count as 0; as in py-ecomplexity (pandas 3), their value and RCA stay empty in the output
    if time is not None:
        t_codes, t_uniques = _factorize(data[time])
    else:
        t_codes, t_uniques = np.zeros(len(data), dtype=np.intp), pd.Index([0])
    l_codes, l_uniques = _factorize(data[location])
    a_codes, a_uniques = _factorize(data[activity])
    keep = (l_codes >= 0) & (a_codes >= 0) & (t_codes >= 0)
    if not keep.all():
        t_codes, l_codes, a_codes, vals = t_codes[keep], l_codes[keep], a_codes[keep], vals[keep]
    n_t, n_l, n_a = len(t_uniques), len(l_uniques), len(a_uniques)
    cell = l_codes.astype(np.int64) * n_a + a_codes
    lin = cell if n_t == 1 else t_codes.astype(np.int64) * (n_l * n_a) + cell
    if len(lin) and _has_repeats(lin, n_t * n_l * n_a):
        _, first = np.unique(lin, return_index=True)  # the first row of each repeated key
        first.sort()
        warnings.warn(
            InsightNote("有重复的（时间、地区、产业）行：保留第一行", code="complexity_rows_repeated"),
            stacklevel=2,
        )
        t_codes, l_codes, a_codes, vals, cell = (
            t_codes[first],
            l_codes[first],
            a_codes[first],
            vals[first],
            cell[first],
        )

    pop_lookup = _population_lookup(population, population_value, location, time, l_uniques, t_uniques)

    cat_t = t_uniques if time is not None else None
    pieces: list[dict] = []
    methods: list[str] = []
    loc_seen = np.zeros(n_l, dtype=bool)
    act_seen = np.zeros(n_a, dtype=bool)
    for k in range(n_t):
        if n_t == 1:
            lk, ak, vk, ck = l_codes, a_codes, vals, cell
        else:
            sel = t_codes == k
            lk, ak, vk, ck = l_codes[sel], a_codes[sel], vals[sel], cell[sel]
        x = np.zeros((n_l, n_a))
        nan_k = np.isnan(vk)
        x.reshape(-1)[ck] = np.where(nan_k, 0.0, vk) if nan_k.any() else vk
        row_sums = x.sum(axis=1)  # x has no NaN: the same sums as np.nansum (py-ecomplexity's), no copy
        col_sums = x.sum(axis=0)
        ok_l = row_sums != 0
        ok_a = col_sums != 0
        loc_idx = np.flatnonzero(ok_l)
        act_idx = np.flatnonzero(ok_a)
        if len(loc_idx) == 0 or len(act_idx) == 0:
            res = None
        else:
            whole = len(loc_idx) == n_l and len(act_idx) == n_a
            xv = x if whole else x[np.ix_(loc_idx, act_idx)]
            pop_k = pop_lookup[k][loc_idx] if pop_lookup is not None else None
            res = _complexity_matrix(
                xv,
                (row_sums, col_sums) if whole else None,
                presence_test=presence_test,
                rca_threshold=rca_threshold,
                rpop_threshold=rpop_threshold,
                population=pop_k,
                proximity_kind=proximity_kind,
                ecomplexity_compat=ecomplexity_compat,
                sparse=sparse,
            )
            methods.append(res.method)
            loc_seen[loc_idx] = True
            act_seen[act_idx] = True
            piece = _grid_frame(
                k, loc_idx, act_idx, xv, res, with_rpop=presence_test == "rpop", n_t=n_t, n_l=n_l, n_a=n_a
            )
            gone = nan_k & ok_l[lk] & ok_a[ak]
            if gone.any():
                flat = np.searchsorted(loc_idx, lk[gone]) * len(act_idx) + np.searchsorted(act_idx, ak[gone])
                for name in ("_v", "rca", "rpop"):
                    if name in piece:
                        piece[name] = np.array(piece[name], dtype=float)
                        piece[name][flat] = np.nan
            pieces.append(piece)
        dropped = ~(ok_l[lk] & ok_a[ak])
        if dropped.any():
            pieces.append(_dropped_frame(k, lk[dropped], ak[dropped], vk[dropped], presence_test == "rpop"))
    frame = _assemble(
        pieces, time, location, activity, value, cat_t, l_uniques, a_uniques, presence_test == "rpop"
    )
    return TableResult(
        frame=frame,
        locations=int(loc_seen.sum()),
        activities=int(act_seen.sum()),
        times=n_t,
        seconds=_time.perf_counter() - started,
        methods=methods,
        cpu_seconds=_time.process_time() - started_cpu,
    )


def _has_repeats(keys: np.ndarray, n_keys: int) -> bool:
    """Does a non-negative integer key (below ``n_keys``) occur more than once?"""
    if n_keys <= 200_000_000:
        seen = np.zeros(n_keys, dtype=bool)
        seen[keys] = True
        return int(np.count_nonzero(seen)) != len(keys)
    return len(np.unique(keys)) != len(keys)


def _factorize_int(values: np.ndarray) -> tuple[np.ndarray, pd.Index] | None:
    """Codes of an integer column with few distinct values in a narrow range (years), without hashing."""
    low, high = int(values.min()), int(values.max())
    if high - low > 10_000_000:
        return None
    if low == high:
        return np.zeros(len(values), dtype=np.intp), pd.Index(values[:1])
    offset = values - low
    present = np.zeros(high - low + 1, dtype=bool)
    present[offset] = True
    rank = np.cumsum(present, dtype=np.intp) - 1
    return rank[offset], pd.Index(np.flatnonzero(present).astype(values.dtype) + low)


def _factorize(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes and sorted unique values of a key column (categorical columns cost nothing)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cat = column.array
        codes = np.asarray(
            cat.codes
        )  # the categorical's own small integers (no int64 copy: fresh memory is dear)
        categories = cat.categories
        if categories.is_monotonic_increasing:
            return codes, categories
        order = np.argsort(categories.to_numpy(), kind="stable")
        remap = np.empty(len(order) + 1, dtype=codes.dtype)
        remap[order] = np.arange(len(order))
        remap[-1] = -1  # a missing key (code -1) stays missing
        return remap[codes], categories[order]
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu" and len(column):
        found = _factorize_int(column.to_numpy())
        if found is not None:
            return found
    if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
        values = column.to_numpy(dtype=object)
        try:  # pandas' string hash table directly: about 3x faster than pd.factorize on a str Series
            from pandas._libs.hashtable import StringHashTable

            uniques, codes = StringHashTable(max(1024, len(values) // 64)).factorize(values)
        except (ImportError, TypeError, ValueError, AttributeError):
            return pd.factorize(column, sort=True)
        order = np.argsort(uniques, kind="stable")
        remap = np.empty(len(order), dtype=np.int32 if len(order) < 2**31 - 1 else np.intp)
        remap[order] = np.arange(len(order))
        return remap[codes], pd.Index(uniques[order], dtype=object)
    return pd.factorize(column, sort=True)


def _population_lookup(population, population_value, location, time, l_uniques, t_uniques):
    """One array per time: the population of each location code (NaN where the table has none)."""
    if population is None:
        return None
    if location not in population.columns:
        raise ComplexityError(
            f"人口表缺少地区列“{location}”", code="population_region_column_missing", column=location
        )
    if time is not None and time not in population.columns:
        raise ComplexityError(f"人口表缺少时间列“{time}”", code="population_time_column_missing", column=time)
    if population_value is None:
        others = [c for c in population.columns if c not in (location, time)]
        if len(others) != 1:
            raise ComplexityError(
                "人口表除地区（和时间）列外应恰有一列人口数", code="population_value_column_ambiguous"
            )
        population_value = others[0]
    elif population_value not in population.columns:
        raise ComplexityError(
            f"人口表缺少列“{population_value}”", code="population_column_missing", column=population_value
        )
    pops = pd.to_numeric(population[population_value], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    loc_pos = pd.Index(l_uniques).get_indexer(population[location])
    if time is not None:
        t_pos = pd.Index(t_uniques).get_indexer(population[time])
    else:
        t_pos = np.zeros(len(population), dtype=np.intp)
    lookup = [np.full(len(l_uniques), np.nan) for _ in range(len(t_uniques))]
    ok = (loc_pos >= 0) & (t_pos >= 0)
    keys = t_pos[ok].astype(np.int64) * len(l_uniques) + loc_pos[ok]
    if len(np.unique(keys)) != len(keys):
        raise ComplexityError("人口表中同一地区（同一时间）出现了多次", code="population_region_repeated")
    for tp, lp, pv in zip(t_pos[ok], loc_pos[ok], pops[ok], strict=True):
        lookup[tp][lp] = pv
    return lookup


def _code_dtype(n: int):
    return np.int8 if n < 127 else np.int16 if n < 32767 else np.int32 if n < 2**31 - 1 else np.int64


def _by_row(values: np.ndarray, nl: int, na: int, dtype=None) -> np.ndarray:
    """``np.repeat(values, na)`` written by broadcasting (one pass over the new memory)."""
    out = np.empty((nl, na), dtype=dtype or values.dtype)
    out[...] = values[:, None]
    return out.reshape(-1)


def _by_column(values: np.ndarray, nl: int, na: int, dtype=None) -> np.ndarray:
    """``np.tile(values, nl)`` written by broadcasting."""
    out = np.empty((nl, na), dtype=dtype or values.dtype)
    out[...] = values[None, :]
    return out.reshape(-1)


def _grid_frame(k, loc_idx, act_idx, xv, res: MatrixResult, *, with_rpop: bool, n_t, n_l, n_a) -> dict:
    """The result columns of one time's full grid (matrices flattened without copies, vectors spread out)."""
    nl, na = len(loc_idx), len(act_idx)
    spread = {  # the columns written out, in two threads for a large grid (numpy releases the GIL)
        "_l": (_by_row, loc_idx, _code_dtype(n_l)),
        "_a": (_by_column, act_idx, _code_dtype(n_a)),
        "diversity": (_by_row, res.diversity, np.int32),
        "ubiquity": (_by_column, res.ubiquity, np.int32),
        "eci": (_by_row, res.eci, None),
        "pci": (_by_column, res.pci, None),
        "coi": (_by_row, res.coi, None),
    }
    with _threads(nl * na) as pool:
        if pool is None:
            made = {name: f(v, nl, na, dt) for name, (f, v, dt) in spread.items()}
        else:
            jobs = {name: pool.submit(f, v, nl, na, dt) for name, (f, v, dt) in spread.items()}
            made = {name: job.result() for name, job in jobs.items()}
    cols = {
        # zeros come from the allocator already zeroed: the single time's codes cost nothing
        "_t": np.zeros(nl * na, dtype=_code_dtype(n_t)) if k == 0 else np.full(nl * na, k, _code_dtype(n_t)),
        "_l": made["_l"],
        "_a": made["_a"],
        "_v": xv.ravel(),
        "rca": np.asarray(res.rca, dtype=float).ravel(),
    }
    if with_rpop:
        cols["rpop"] = np.asarray(res.rpop, dtype=float).ravel()
    cols.update(
        mcp=np.asarray(res.mcp).ravel(),
        diversity=made["diversity"],
        ubiquity=made["ubiquity"],
        eci=made["eci"],
        pci=made["pci"],
        density=np.asarray(res.density, dtype=float).ravel(),
        coi=made["coi"],
        cog=np.asarray(res.cog, dtype=float).ravel(),
    )
    return cols


def _dropped_frame(k, lk, ak, vk, with_rpop: bool) -> dict:
    n = len(lk)
    cols = {
        "_t": np.full(n, k, dtype=np.int64),
        "_l": lk.astype(np.int64),
        "_a": ak.astype(np.int64),
        "_v": vk,
    }
    for name in ("rca", "rpop", "mcp", "diversity", "ubiquity", "eci", "pci", "density", "coi", "cog"):
        if name == "rpop" and not with_rpop:
            continue
        cols[name] = np.full(n, np.nan)
    return cols


_INT_COLUMNS: Final = ("mcp", "diversity", "ubiquity")


def _categorical(codes: np.ndarray, categories) -> pd.Categorical:
    """Our own codes (all within the categories): no validation pass over millions of them."""
    dtype = pd.CategoricalDtype(pd.Index(categories))
    try:
        return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)
    except TypeError:  # pragma: no cover - pandas < 2.1
        return pd.Categorical.from_codes(codes, dtype=dtype)


def _assemble(
    pieces, time, location, activity, value, t_uniques, l_uniques, a_uniques, with_rpop
) -> pd.DataFrame:
    result_cols = ["rca", *(["rpop"] if with_rpop else []), *RESULT_COLUMNS[1:]]
    key_cols = [*([time] if time is not None else []), location, activity]
    if not pieces:
        return pd.DataFrame({c: [] for c in [*key_cols, value, *result_cols]})
    has_gaps = any(p["mcp"].dtype.kind == "f" for p in pieces)
    if len(pieces) == 1:
        cols = pieces[0]
    else:
        cols = {name: np.concatenate([p[name] for p in pieces]) for name in pieces[0]}
        order = np.lexsort((cols["_a"], cols["_l"], cols["_t"]))
        if not np.all(order[1:] > order[:-1]):
            cols = {name: arr[order] for name, arr in cols.items()}
    out: dict[str, object] = {}
    if time is not None:
        out[time] = _categorical(cols["_t"], t_uniques)
    out[location] = _categorical(cols["_l"], l_uniques)
    out[activity] = _categorical(cols["_a"], a_uniques)
    out[value] = cols["_v"]
    for c in result_cols:
        col = cols[c]
        if c in _INT_COLUMNS and has_gaps:
            out[c] = pd.array(col, dtype="Int64") if col.dtype.kind == "f" else pd.array(col, dtype="Int64")
        else:
            out[c] = col
    return pd.DataFrame(out, copy=False)
