"""The rule layer of firm → chain node classification: keywords, names and industry codes, each explained.

:class:`RuleClassifier` compiles the keywords, aliases and names of every node of one or more chains into one
Aho–Corasick automaton, so a firm's text is scanned once whatever the number of words, and indexes the nodes'
GB/T 4754 industry codes by prefix. ``classify`` returns, for one firm, the nodes it belongs to with a score and
the evidence (:class:`Reason`: which word, in which field at which position, or which industry code).

Rules, in the order they apply:

1. **Matching.** Texts and words are compared after mapping full-width letters/digits to half-width and
   lower-casing (``ＩＧＢＴ`` matches ``igbt``). A node's ``keywords`` give ``kind='keyword'`` evidence; its
   ``name`` and ``aliases`` give ``kind='name'`` evidence. When two words of the same node overlap in the same
   field and one lies inside the other (``电池`` inside ``锂电池``), only the longer counts. A word that starts
   (ends) with a Latin letter or digit only matches where the text has no Latin letter or digit just before
   (after) it: ``ATO`` matches "ATO系统" but not "Integrator", ``LED`` does not match inside "OLED"; Chinese
   characters are no boundary problem ("IGBT模块" matches ``IGBT``).
2. **Industry codes.** A firm's code (``3714``, ``C3714``; any level) agrees with a node's code when the node's
   code is a prefix of it (node ``371`` covers firm ``3714``); a node code that is a 门类 letter covers every
   division of that section. Agreement gives ``kind='industry_code'`` evidence, and alone is enough to assign —
   but only as a *prior* (an industry says a firm is in the trade, not that it makes this part; see
   :mod:`.evidence`). A node's ``decisive_codes`` (a chain-file field, e.g. ``3711`` 高铁车组制造 on 动车组) are
   codes that by themselves determine the node: agreement with one gives ``kind='decisive_code'`` instead.
3. **Exclusions.** A node's ``exclude`` words veto that node when they occur anywhere in the firm's text — the
   name, the business scope and the description together, not only the field where the keyword was found:
   "不含锂电池回收" in the description should stop a scope match on 锂电池 as much as a name match. The veto
   applies to the node it is written on, not to its ancestors or descendants (each node states its own).
4. **Most specific node.** When a node and one of its ancestors both have evidence, the firm is assigned to
   the node only, and the ancestor's evidence is added to it (its reasons carry the ancestor's ``node_key``).
5. **Score**, in [0, 1], a noisy-OR of independent pieces of evidence::

       score = 1 − (1 − 0.3·[industry code agrees]) · Π over distinct words (1 − w(field))

   with ``w(name) = 0.6``, ``w(scope) = 0.4``, ``w(description) = 0.2``; a word found in several fields
   counts once, with its best field. So one scope keyword scores 0.40, two 0.64, a keyword in the firm's name
   0.60, an industry code alone 0.30, one scope keyword plus an agreeing code 0.58.

For millions of firms use :meth:`RuleClassifier.classify_many` (chunked, optional worker processes) or
:meth:`RuleClassifier.classify_frame` (a long DataFrame, one row per assignment).
"""

from __future__ import annotations

import math
import multiprocessing
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, NamedTuple

import ahocorasick

from .errors import AnalysisInputError
from .spec import ChainSpec

__all__ = [
    "CODE_WEIGHT",
    "FIELD_WEIGHTS",
    "Assignment",
    "Reason",
    "RuleClassifier",
    "describe_reasons",
    "section_of",
]

FIELDS = ("name", "scope", "description")
FIELD_WEIGHTS: dict[str, float] = {"name": 0.6, "scope": 0.4, "description": 0.2}
CODE_WEIGHT = 0.3
FIELD_LABELS = {"name": "企业名称", "scope": "经营范围", "description": "简介", "industry_code": "行业代码"}

# GB/T 4754-2017: 门类 letter of each 大类 (2-digit division).
_SECTIONS = (
    ("A", 1, 5),
    ("B", 6, 12),
    ("C", 13, 43),
    ("D", 44, 46),
    ("E", 47, 50),
    ("F", 51, 52),
    ("G", 53, 60),
    ("H", 61, 62),
    ("I", 63, 65),
    ("J", 66, 69),
    ("K", 70, 70),
    ("L", 71, 72),
    ("M", 73, 75),
    ("N", 76, 79),
    ("O", 80, 82),
    ("P", 83, 83),
    ("Q", 84, 85),
    ("R", 86, 90),
    ("S", 91, 97),
    ("T", 98, 98),
)
_DIVISION_SECTION = {f"{d:02d}": letter for letter, lo, hi in _SECTIONS for d in range(lo, hi + 1)}
_CODE_RE = re.compile(r"^([A-Ta-t])?\s*(\d{2,4})?$")

# Full-width letters and digits → half-width (length-preserving, so positions stay true).
_FULLWIDTH = {
    **{c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)},
    **{c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)},
    **{c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)},
}
_FULLWIDTH_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")  # texts and words are lower-cased first


class Reason(NamedTuple):
    """One piece of evidence. ``word`` is the word as written in the chain file (or the node's industry
    code); ``position`` is the character offset in ``field`` (-1 for industry codes); ``node_key`` is the
    node whose rule fired — the assigned node, or an ancestor whose evidence was merged into it."""

    kind: str  # 'keyword' | 'name' | 'industry_code' | 'decisive_code'
    word: str
    field: str  # 'name' | 'scope' | 'description' | 'industry_code'
    position: int
    node_key: str = ""


class Assignment(NamedTuple):
    chain_slug: str
    node_key: str
    score: float
    reasons: list[Reason]


def _normalise(text: str) -> str:
    if _FULLWIDTH_RE.search(text):
        text = text.translate(_FULLWIDTH)
    return text.lower()


def section_of(code: str) -> str | None:
    """The 门类 letter of a GB/T 4754 code (``"3714"`` → ``"C"``), or None when unknown."""
    code = code.strip().upper()
    if code[:1].isalpha():
        return code[:1]
    return _DIVISION_SECTION.get(code[:2])


def _firm_code(value: Any) -> tuple[str | None, str]:
    """(section letter, digits) of a firm's industry code; ('', '') parts when absent or unreadable."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, ""
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    m = _CODE_RE.match(text)
    if not m or not text:
        return None, ""
    letter, digits = m.group(1), m.group(2) or ""
    section = letter.upper() if letter else _DIVISION_SECTION.get(digits[:2])
    return section, digits


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value if isinstance(value, str) else str(value)


def describe_reasons(reasons: Sequence[Reason]) -> str:
    """Chinese one-line explanation: ``经营范围含「锂电池」（第 12 字）；行业代码相符（3841）``."""
    parts: list[str] = []
    for r in reasons:
        if r.kind == "industry_code":
            parts.append(f"行业代码相符（{r.word}）")
        elif r.kind == "decisive_code":
            parts.append(f"行业代码{r.word}直接决定该环节")
        else:
            what = "节点名称" if r.kind == "name" else "关键词"
            parts.append(
                f"{FIELD_LABELS.get(r.field, r.field)}含{what}「{r.word}」（第 {r.position + 1} 字）"
            )
    return "；".join(parts)


class RuleClassifier:
    """Keyword, name and industry-code rules of one or more chains, compiled once.

    Pickles (the automaton included), so it can be shipped to worker processes.
    """

    def __init__(self, spec_or_specs: ChainSpec | Iterable[ChainSpec], *, code_only: bool = True) -> None:
        """``code_only=False`` stops an agreeing industry code from assigning a firm on its own (it then only
        adds to the score of nodes that matched by words)."""
        specs = [spec_or_specs] if isinstance(spec_or_specs, ChainSpec) else list(spec_or_specs)
        if not specs:
            raise AnalysisInputError("没有可用于分类的产业链", code="classify_no_chains")
        slugs = [s.slug for s in specs]
        if len(set(slugs)) != len(slugs):
            twice = sorted({s for s in slugs if slugs.count(s) > 1})
            raise AnalysisInputError(
                f"产业链标识重复：{'、'.join(twice)}",
                code="classify_duplicate_chain_slugs",
                slugs=", ".join(twice),
            )
        self.code_only = code_only
        self.nodes: list[tuple[str, str]] = []  # index -> (chain slug, node key)
        self.ancestors: list[tuple[int, ...]] = []
        self.n_words = 0
        index: dict[tuple[str, str], int] = {}
        for spec in specs:
            for key in spec.nodes:
                index[(spec.slug, key)] = len(self.nodes)
                self.nodes.append((spec.slug, key))
            for key in spec.nodes:
                self.ancestors.append(tuple(index[(spec.slug, a)] for a in spec.ancestors(key)))

        words: dict[str, tuple[list[tuple[int, str, str]], list[int]]] = {}

        def add(word: str, node: int, kind: str) -> None:
            norm = _normalise(word.strip())
            if not norm:
                return
            hits, excl = words.setdefault(norm, ([], []))
            if kind == "exclude":
                if node not in excl:
                    excl.append(node)
            elif not any(h[0] == node for h in hits):  # a word listed twice on a node counts once
                hits.append((node, kind, word.strip()))

        self.codes: dict[str, list[tuple[int, str]]] = {}
        self.decisive: dict[int, frozenset[str]] = {}
        for spec in specs:
            for key, n in spec.nodes.items():
                i = index[(spec.slug, key)]
                decisive = frozenset(
                    str(c).strip().upper() for c in (n.extra.get("decisive_codes") or ()) if str(c).strip()
                )
                if decisive:
                    self.decisive[i] = decisive
                    for c in decisive - {x.upper() for x in n.industry_codes}:
                        self.codes.setdefault(c, []).append((i, c))
                for w in n.keywords:
                    add(w, i, "keyword")
                for w in (n.name, *n.aliases):
                    add(w, i, "name")
                for w in n.exclude:
                    add(w, i, "exclude")
                for c in n.industry_codes:
                    self.codes.setdefault(c.upper(), []).append((i, c))
        self.automaton = ahocorasick.Automaton()
        for norm, (hits, excl) in words.items():
            key = norm.encode().decode("latin-1")  # see classify: the automaton works on UTF-8 bytes
            bounded = (key[0] in _ALNUM, key[-1] in _ALNUM)  # Latin edges must not touch Latin text
            self.automaton.add_word(key, (len(key), tuple(hits), tuple(excl), bounded))
        self.n_words = len(words)
        if words:
            self.automaton.make_automaton()
        self._code_cache: dict[str, dict[int, str]] = {}  # firm code -> {node: agreeing node code}

    def _nodes_for_code(self, industry_code: Any) -> dict[int, str]:
        section, digits = _firm_code(industry_code)
        probes = [digits[:n] for n in (2, 3, 4) if len(digits) >= n]
        if section:
            probes.append(section)
        coded: dict[int, str] = {}
        for probe in probes:
            for node, code in self.codes.get(probe, ()):
                if len(code) > len(coded.get(node, "")):  # keep the most precise agreeing code
                    coded[node] = code
        return coded

    # ------------------------------------------------------------------------------------------------
    def classify(
        self,
        name: Any = "",
        scope: Any = "",
        description: Any = "",
        industry_code: Any = None,
    ) -> list[Assignment]:
        """The nodes one firm belongs to, best score first, each with its reasons. Missing values (None,
        NaN, "") are fine."""
        # node -> occurrences (field, start, end, word, kind)
        found: dict[int, list[tuple[str, int, int, str, str]]] = {}
        vetoed: set[int] = set()
        if self.n_words:
            # One scan over the UTF-8 bytes of "name␀scope␀description", seen as latin-1 text (one char per
            # byte): pyahocorasick looks up a trie node's children linearly, and the root of a Chinese word
            # list has hundreds of first characters but only a few dozen first bytes — 2–3× faster. UTF-8 is
            # self-synchronising, so byte matches are exactly character matches; words never contain ␀, so
            # no match crosses fields. Character positions are recovered for the few matches found.
            nb = _normalise(_text(name)).encode()
            sb = _normalise(_text(scope)).encode()
            db = _normalise(_text(description)).encode()
            b1 = len(nb)
            b2 = b1 + 1 + len(sb)
            text = (nb + b"\0" + sb + b"\0" + db).decode("latin-1")
            last = len(text) - 1
            for end, (length, hits, excl, (left, right)) in self.automaton.iter(text):
                if (left and end >= length and text[end - length] in _ALNUM) or (
                    right and end < last and text[end + 1] in _ALNUM
                ):
                    continue  # a Latin word inside a longer Latin word ("ato" in "integrator")
                if excl:
                    vetoed.update(excl)
                if not hits:
                    continue
                start = end - length + 1
                if end < b1:
                    occ_fld, raw_field, base = "name", nb, 0
                elif end < b2:
                    occ_fld, raw_field, base = "scope", sb, b1 + 1
                else:
                    occ_fld, raw_field, base = "description", db, b2 + 1
                cstart = len(raw_field[: start - base].decode())
                cend = cstart + len(hits[0][2])
                for node, kind, word in hits:
                    occ = (occ_fld, cstart, cend, word, kind)
                    got = found.get(node)
                    if got is None:
                        found[node] = [occ]
                    else:
                        got.append(occ)
        coded: dict[int, str] = {}
        if self.codes:
            if isinstance(industry_code, str):
                got_codes = self._code_cache.get(industry_code)
                if got_codes is None:
                    if len(self._code_cache) > 100_000:
                        self._code_cache.clear()
                    got_codes = self._code_cache[industry_code] = self._nodes_for_code(industry_code)
                coded = got_codes
            elif industry_code is not None:
                coded = self._nodes_for_code(industry_code)
        if not found and not coded:
            return []
        matched = (found.keys() | (coded.keys() if self.code_only else coded.keys() & found.keys())) - vetoed
        if not matched:
            return []
        ancestors = self.ancestors
        covered: set[int] = set()
        for node in matched:
            for a in ancestors[node]:
                if a in matched:
                    covered.add(a)
        out: list[Assignment] = []
        for node in matched:
            if node in covered:
                continue
            chain, key = self.nodes[node]
            sources = [node, *(a for a in ancestors[node] if a in matched)]
            occs = [(*o, src) for src in sources for o in found.get(src, ())]
            if len(occs) > 1:
                occs = _outermost(occs)
            reasons: list[Reason] = []
            seen: set[tuple[str, str]] = set()
            best: dict[str, float] = {}
            for fld, start, _end, word, kind, src in occs:
                if (word, fld) in seen:
                    continue
                seen.add((word, fld))
                reasons.append(Reason(kind, word, fld, start, self.nodes[src][1]))
                w = FIELD_WEIGHTS[fld]
                if w > best.get(word, 0.0):
                    best[word] = w
            code_src = next((src for src in sources if src in coded), None)
            miss = 1.0
            if code_src is not None:
                miss = 1.0 - CODE_WEIGHT
                code = coded[code_src]
                kind = "decisive_code" if code.upper() in self.decisive.get(code_src, ()) else "industry_code"
                reasons.append(Reason(kind, code, "industry_code", -1, self.nodes[code_src][1]))
            for w in best.values():
                miss *= 1.0 - w
            out.append(Assignment(chain, key, round(1.0 - miss, 6), reasons))
        out.sort(key=lambda a: (-a.score, a.chain_slug, a.node_key))
        return out

    # ------------------------------------------------------------------------------------------------
    def classify_many(
        self,
        records: Iterable[Sequence[Any]],
        *,
        workers: int = 1,
        chunk_size: int = 20_000,
    ) -> Iterator[list[Assignment]]:
        """Classify ``(name, scope, description, industry_code)`` tuples lazily, in input order.

        ``workers > 1`` spreads chunks of ``chunk_size`` records over that many processes (fork where the
        platform has it, so the automaton is not copied; it is pickled otherwise). Memory stays bounded:
        at most ``2 × workers`` chunks are in flight.
        """
        chunks = _chunks(records, chunk_size)
        if workers <= 1:
            for chunk in chunks:
                yield from self._classify_chunk(chunk)
            return
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with ctx.Pool(workers, initializer=_init_worker, initargs=(self,)) as pool:
            pending: list[Any] = []
            for chunk in chunks:
                pending.append(pool.apply_async(_work, (chunk,)))
                if len(pending) >= 2 * workers:
                    yield from pending.pop(0).get()
            for job in pending:
                yield from job.get()

    def _classify_chunk(self, chunk: list[Sequence[Any]]) -> list[list[Assignment]]:
        classify = self.classify
        try:
            return [classify(*record) for record in chunk]
        except TypeError as exc:
            raise AnalysisInputError(
                f"每条记录应为（企业名称, 经营范围, 简介, 行业代码）四项，实际出错：{exc}",
                code="classify_record_shape",
                error=str(exc),
            ) from exc

    def classify_frame(
        self,
        frame: Any,
        *,
        name: str = "name",
        scope: str = "scope",
        description: str = "description",
        industry_code: str = "industry_code",
        workers: int = 1,
        chunk_size: int = 20_000,
    ) -> Any:
        """Classify a DataFrame; absent columns count as empty. Returns one row per assignment with columns
        ``row`` (the input's index label), ``chain_slug``, ``node_key``, ``score``, ``reasons`` (list of
        :class:`Reason`) and ``words`` (matched words joined by "；")."""
        import pandas as pd

        n = len(frame)
        cols = []
        for c in (name, scope, description, industry_code):
            cols.append(frame[c].tolist() if c in frame.columns else [None] * n)
        if not any(c in frame.columns for c in (name, scope, description, industry_code)):
            raise AnalysisInputError(
                f"表格中没有可分类的列（需要 {name}、{scope}、{description} 或 {industry_code}）",
                code="classify_no_text_columns",
                columns=", ".join((name, scope, description)),
                industry_code=industry_code,
            )
        rows: list[Any] = []
        chains: list[str] = []
        keys: list[str] = []
        scores: list[float] = []
        reasons: list[list[Reason]] = []
        labels = frame.index.tolist()
        results = self.classify_many(zip(*cols, strict=True), workers=workers, chunk_size=chunk_size)
        for label, assignments in zip(labels, results, strict=True):
            for a in assignments:
                rows.append(label)
                chains.append(a.chain_slug)
                keys.append(a.node_key)
                scores.append(a.score)
                reasons.append(a.reasons)
        out = pd.DataFrame({"row": rows, "chain_slug": chains, "node_key": keys, "score": scores})
        out["reasons"] = pd.Series(reasons, dtype=object)
        out["words"] = [
            "；".join(dict.fromkeys(r.word for r in rs if r.kind not in ("industry_code", "decisive_code")))
            for rs in reasons
        ]
        return out


def _outermost(occs: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Drop occurrences lying inside a longer matched word in the same field (电池 inside 锂电池); keep
    field order, then text order."""
    occs.sort(key=lambda o: (FIELDS.index(o[0]), o[1], -o[2]))
    kept: list[tuple[Any, ...]] = []
    cur: str | None = None
    max_end = -1
    max_span: tuple[int, int] | None = None
    for o in occs:
        fld, start, end = o[0], o[1], o[2]
        if fld != cur:
            cur, max_end, max_span = fld, -1, None
        if end <= max_end and (start, end) != max_span:
            continue
        kept.append(o)
        if end > max_end:
            max_end, max_span = end, (start, end)
    return kept


def _chunks(records: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


_WORKER: RuleClassifier | None = None


def _init_worker(classifier: RuleClassifier) -> None:
    global _WORKER
    _WORKER = classifier


def _work(chunk: list[Sequence[Any]]) -> list[list[Assignment]]:
    assert _WORKER is not None  # set by the pool initializer; not user input
    return _WORKER._classify_chunk(chunk)
