"""The learned layer of firm classification: Chinese business description → label.

Plain Python, no Django. The Django side passes texts and labels (chain nodes or industries) and, when it
has them, the knowledge the project writes itself:

* ``label_docs`` — a short document per label (name, aliases, keywords, card text). Each document is added
  as a pseudo-training example of its label (so a label with a document but no example can still be
  predicted) and its TF-IDF cosine with the text is a feature.
* ``parents`` — the hierarchy (label → parent label). One linear model is trained per depth of the tree on
  the labels mapped to their ancestor at that depth; a node's score at each depth is its ancestor's score
  (coarser depths), its own score, or the best of its descendants' scores (finer depths). Coarse models
  pool the examples of sibling classes, fine models keep coarse classes that are mixtures apart.
* ``evidence`` — the rule layer, a function text → {label: score}, used as one more feature.

How the features are weighed, and the softmax temperature that turns them into probabilities, are fitted
together by an inner K-fold on the training set only (a conditional logit over out-of-fold features), so
``score`` is a calibrated probability and the weights are never tuned on what is later predicted.
With too few examples for the inner folds (or classes with a single example) fixed weights are used.

* nearest neighbours — for each node, the similarity-weighted share of the text's 10 most similar training
  texts (cosine of the TF-IDF rows, squared) whose label lies under the node: one more feature.

Features: TF-IDF of character 1–3-grams plus TF-IDF of jieba word unigrams and bigrams, computed after blanking
boilerplate words (legal forms such as 股份有限公司, and 该公司 / 提供 / 从事 / 业务 / 服务 …, present in nearly every
description); models: ``LinearSVC`` with balanced class weights, one per depth.
"""

from __future__ import annotations

import logging
import pickle
import re
import threading
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import minimize
from scipy.special import logsumexp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import KFold
from sklearn.svm import LinearSVC

from zhaoshang.chains.analysis.errors import ChainAnalysisError, ChainAnalysisWarning

__all__ = [
    "FORMAT_VERSION",
    "LearnedError",
    "ModelFileError",
    "NotFittedError",
    "Prediction",
    "TextClassifier",
    "TrainingDataError",
    "normalize_text",
]

logger = logging.getLogger(__name__)

FORMAT_VERSION = 2
_FORMAT_NAME = "zhaoshang.chains.learned.TextClassifier"

Evidence = Callable[[str], Mapping[str, float]]


class LearnedError(ChainAnalysisError):
    """Base error of the learned layer."""


class TrainingDataError(LearnedError):
    """The training data cannot train a model."""


class NotFittedError(LearnedError):
    """The classifier is used before it has been trained."""


class ModelFileError(LearnedError):
    """A saved model cannot be read by this version."""


@dataclass(frozen=True)
class Prediction:
    """The best label, its calibrated probability, and the best alternatives in descending order.

    For an empty text: ``label == ""``, ``score == 0.0`` and ``top == []``.
    """

    label: str
    score: float
    top: list[tuple[str, float]]


# --- text ---------------------------------------------------------------------------------------------

_CJK = r"\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"^[\W_]+$")


def normalize_text(text: str) -> str:
    """NFKC, lower case, and drop whitespace between Chinese characters (line-wrap debris such as "维 护")."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _SPACE_BETWEEN_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()


_jieba_lock = threading.Lock()
_jieba_ready = False


def _jieba() -> Any:
    """The jieba module, initialised once and quietly (its dictionary load takes about a second)."""
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        with _jieba_lock:
            if not _jieba_ready:
                jieba.setLogLevel(logging.WARNING)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    jieba.initialize()
                _jieba_ready = True
    return jieba


def _words(text: str) -> list[str]:
    """jieba word unigrams and bigrams of a normalised text, punctuation and spaces left out."""
    tokens = [w for w in _jieba().lcut(text) if w.strip() and not _PUNCT.match(w)]
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


#: Words that say a text is about a company, not what the company does (legal forms, "该公司提供…服务").
_BOILERPLATE = re.compile(
    r"股份有限公司|有限责任公司|有限公司|股份公司|集团|控股|该公司|公司|提供|从事|经营|业务|服务|产品|及其他|和其他|其他"
)


def _strip_boilerplate(text: str) -> str:
    return _BOILERPLATE.sub(" ", text)


class _Features:
    """Character 1–3-gram TF-IDF beside jieba word 1–2-gram TF-IDF, each row L2-normalised per block.

    Boilerplate words are blanked first: they occur in nearly every description and only add noise.
    """

    def __init__(self) -> None:
        self.chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        self.words = TfidfVectorizer(analyzer=_words, sublinear_tf=True)

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        texts = [_strip_boilerplate(t) for t in texts]
        return sparse.hstack([self.chars.fit_transform(texts), self.words.fit_transform(texts)]).tocsr()

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        texts = [_strip_boilerplate(t) for t in texts]
        return sparse.hstack([self.chars.transform(texts), self.words.transform(texts)]).tocsr()


# --- hierarchy ----------------------------------------------------------------------------------------


def _root_path(label: str, parents: Mapping[str, str]) -> tuple[str, ...]:
    """(root, ..., label). Raises on a cycle."""
    path = [label]
    seen = {label}
    while (parent := parents.get(path[-1])) not in (None, ""):
        parent = str(parent)
        if parent in seen:
            cycle = " → ".join(path + [parent])
            raise TrainingDataError(f"层级关系中有环：{cycle}", code="label_hierarchy_cycle", cycle=cycle)
        path.append(parent)
        seen.add(parent)
    return tuple(reversed(path))


def _at_depth(path: tuple[str, ...], depth: int) -> str:
    """The ancestor at ``depth``; a label shallower than ``depth`` stands for itself."""
    return path[min(depth, len(path) - 1)]


@dataclass
class _Levels:
    """What one training run fits: a model per depth, and the rows the nearest-neighbour feature votes with."""

    models: list[LinearSVC | None]
    X: sparse.csr_matrix
    members: sparse.csr_matrix


# --- the classifier -----------------------------------------------------------------------------------


class TextClassifier:
    """Text classifier for Chinese firm descriptions with calibrated scores and top alternatives.

    ``fit(texts, labels)`` then ``predict(texts)``. ``confirmed`` examples (labels confirmed by cadres)
    weigh ``confirmed_weight`` times an ordinary example; ``refit_with`` retrains with more of them.
    """

    def __init__(
        self,
        *,
        label_docs: Mapping[str, str] | None = None,
        parents: Mapping[str, str] | None = None,
        evidence: Evidence | None = None,
        C: float = 1.0,
        class_weight: str | None = "balanced",
        doc_weight: float = 1.0,
        confirmed_weight: float = 3.0,
        calibration_folds: int = 3,
        neighbours: int = 10,
        top_k: int = 3,
        random_state: int = 0,
    ) -> None:
        if C <= 0:
            raise LearnedError(f"正则化参数 C 必须大于 0，收到 {C}", code="classifier_c_not_positive", C=C)
        if top_k < 1:
            raise LearnedError(
                f"top_k 至少为 1，收到 {top_k}", code="classifier_top_k_too_small", top_k=top_k
            )
        self.label_docs = {str(k): str(v) for k, v in (label_docs or {}).items() if str(v).strip()}
        self.parents = {str(k): str(v) for k, v in (parents or {}).items() if v not in (None, "")}
        self.evidence = evidence
        self.C = C
        self.class_weight = class_weight
        self.doc_weight = doc_weight
        self.confirmed_weight = confirmed_weight
        self.calibration_folds = calibration_folds
        self.neighbours = neighbours
        self.top_k = top_k
        self.random_state = random_state
        self._fitted = False

    # ----- training -------------------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        sample_weight: Sequence[float] | None = None,
        confirmed: Iterable[tuple[str, str]] | None = None,
    ) -> TextClassifier:
        """Train on ``texts``/``labels``, plus ``confirmed`` (text, label) pairs at a higher weight."""
        texts = list(texts)
        labels = [str(label) for label in labels]
        if len(texts) != len(labels):
            raise TrainingDataError(
                f"文本有 {len(texts)} 条，标签有 {len(labels)} 条，数量不一致",
                code="texts_labels_count_mismatch",
                texts=len(texts),
                labels=len(labels),
            )
        weights = [1.0] * len(texts) if sample_weight is None else [float(w) for w in sample_weight]
        if len(weights) != len(texts):
            raise TrainingDataError(
                f"样本权重有 {len(weights)} 个，文本有 {len(texts)} 条，数量不一致",
                code="weights_texts_count_mismatch",
                weights=len(weights),
                texts=len(texts),
            )
        for text, label in confirmed or ():
            texts.append(text)
            labels.append(str(label))
            weights.append(self.confirmed_weight)
        keep = [
            i
            for i, (t, y, w) in enumerate(zip(texts, labels, weights, strict=True))
            if normalize_text(str(t or "")) and y.strip() and w > 0
        ]
        if len(keep) < len(texts):
            logger.info("训练时跳过了 %d 条空文本、空标签或零权重的样本", len(texts) - len(keep))
        self._train_texts = [normalize_text(str(texts[i])) for i in keep]
        self._train_labels = [labels[i] for i in keep]
        self._train_weights = np.asarray([weights[i] for i in keep], dtype=float)
        if not self._train_texts:
            raise TrainingDataError("没有可用于训练的样本（文本或标签全为空）", code="training_no_samples")
        if len(set(self._train_labels) | set(self.label_docs)) < 2:
            raise TrainingDataError("至少需要两个不同的类别才能训练分类器", code="training_one_label")
        self._build()
        return self

    def refit_with(self, confirmed: Iterable[tuple[str, str]]) -> TextClassifier:
        """Retrain on everything seen so far plus newly confirmed (text, label) pairs."""
        self._check_fitted()
        confirmed = list(confirmed)
        self._train_texts += [normalize_text(str(t)) for t, _ in confirmed]
        self._train_labels += [str(y) for _, y in confirmed]
        self._train_weights = np.concatenate(
            [self._train_weights, np.full(len(confirmed), self.confirmed_weight, dtype=float)]
        )
        self._build()
        return self

    incremental = refit_with

    def _build(self) -> None:
        texts, labels, weights = self._train_texts, self._train_labels, self._train_weights
        known = set(labels) | set(self.label_docs)
        self._paths = {}
        for node in sorted(known | set(self.parents) | set(self.parents.values())):
            self._paths[node] = _root_path(node, self.parents)
        self.nodes_ = sorted({n for path in self._paths.values() for n in path})
        self._node_index = {n: i for i, n in enumerate(self.nodes_)}
        has_child = {path[-2] for path in self._paths.values() if len(path) > 1}
        label_set = set(labels)
        self.classes_ = sorted(label_set | {n for n in self.label_docs if n not in has_child})
        self._depth = max(len(self._paths[y]) for y in label_set) - 1 if label_set else 0
        self._has_evidence = self.evidence is not None

        doc_labels = sorted(self.label_docs)
        self._doc_texts = [normalize_text(self.label_docs[n]) for n in doc_labels]
        self._doc_nodes = doc_labels

        self._features = _Features()
        X_all = self._features.fit_transform(texts + self._doc_texts)
        X, X_docs = X_all[: len(texts)], X_all[len(texts) :]
        self._doc_matrix = X_docs
        y_paths = [self._paths[y] for y in labels]

        # Combination weights and temperature from an inner K-fold on the real examples.
        self._theta = self._default_theta()
        folds = self._inner_folds(len(texts), labels)
        if folds:
            F_parts, y_parts, w_parts = [], [], []
            for train, test in folds:
                models = self._fit_levels(X[train], [y_paths[i] for i in train], weights[train], X_docs)
                F_parts.append(self._node_features(X[test], [texts[i] for i in test], models))
                y_parts.append([self._node_index[labels[i]] for i in test])
                w_parts.append(weights[test])
            cand = np.array([self._node_index[c] for c in self.classes_])
            self._theta = self._fit_theta(
                np.concatenate(F_parts)[:, cand, :],
                self._positions(cand, y_parts),
                np.concatenate(w_parts),
            )
        self._models = self._fit_levels(X, y_paths, weights, X_docs)
        self._fitted = True

    @staticmethod
    def _positions(cand: np.ndarray, y_parts: list[list[int]]) -> np.ndarray:
        where = {int(c): i for i, c in enumerate(cand)}
        return np.array([where[int(y)] for part in y_parts for y in part])

    def _inner_folds(self, n: int, labels: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        k = self.calibration_folds
        if k < 2 or n < 10 * k:
            logger.info("样本太少（%d 条），使用默认的特征权重与温度", n)
            return []
        splits = list(KFold(k, shuffle=True, random_state=self.random_state).split(np.zeros(n)))
        # A fold whose training part has a single class cannot train a model.
        if any(len({labels[i] for i in train}) < 2 for train, _ in splits):
            return []
        return splits

    def _fit_levels(
        self,
        X: sparse.csr_matrix,
        paths: list[tuple[str, ...]],
        weights: np.ndarray,
        X_docs: sparse.csr_matrix,
    ) -> _Levels:
        """One LinearSVC per depth 0..max, on labels mapped to their ancestor at that depth."""
        models: list[LinearSVC | None] = []
        doc_paths = [self._paths[n] for n in self._doc_nodes]
        for depth in range(self._depth + 1):
            y = [_at_depth(p, depth) for p in paths]
            # A document of a node joins the levels at or above the node's own depth.
            docs = [i for i, p in enumerate(doc_paths) if len(p) - 1 >= depth]
            y_all = y + [_at_depth(doc_paths[i], depth) for i in docs]
            if len(set(y_all)) < 2:
                models.append(None)
                continue
            X_level = sparse.vstack([X, X_docs[docs]]).tocsr() if docs else X
            w_all = np.concatenate([weights, np.full(len(docs), self.doc_weight)])
            model = LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.random_state)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # convergence chatter on tiny sets
                model.fit(X_level, y_all, sample_weight=w_all)
            models.append(model)
        # Nearest neighbours: the training rows and, per row, the nodes on its label's path.
        members = np.zeros((len(paths), len(self.nodes_)), dtype=np.float32)
        for i, p in enumerate(paths):
            members[i, [self._node_index[n] for n in p]] = 1.0
        return _Levels(models, X, sparse.csr_matrix(members))

    # ----- features per (text, node) --------------------------------------------------------------

    def _n_features(self) -> int:
        return self._depth + 1 + 3

    def _default_theta(self) -> np.ndarray:
        theta = np.ones(self._n_features())
        theta[: self._depth + 1] = 3.0 / (self._depth + 1)
        return theta

    def _node_features(self, X: sparse.csr_matrix, texts: Sequence[str], fitted: _Levels) -> np.ndarray:
        """F[i, node, f]: the depth scores of each node, then label-document cosine, then rule evidence,
        then the share of the text's nearest training examples that lie under the node."""
        n, n_nodes = X.shape[0], len(self.nodes_)
        F = np.zeros((n, n_nodes, self._n_features()))
        F[:, :, self._depth + 3] = self._neighbours(X, fitted)
        for depth, model in enumerate(fitted.models):
            if model is None:
                continue
            scores = model.decision_function(X)
            if scores.ndim == 1:
                scores = np.stack([-scores, scores], axis=1)
            col = {c: j for j, c in enumerate(model.classes_)}
            level = np.full((n, n_nodes), np.nan)
            for node, path in self._paths.items():
                node_depth = len(path) - 1
                if node_depth <= depth:
                    cols = [col[node]] if node in col else []
                    if node_depth < depth:
                        # Finer depth: the best of this node's descendants (or itself, kept as a class).
                        cols = [j for c, j in col.items() if node in self._paths.get(c, (c,))]
                else:
                    anc = path[depth]
                    cols = [col[anc]] if anc in col else []
                if cols:
                    level[:, self._node_index[node]] = scores[:, cols].max(axis=1)
            floor = np.nanmin(np.where(np.isnan(level), np.inf, level), axis=1, keepdims=True) - 1.0
            F[:, :, depth] = np.where(np.isnan(level), floor, level)
        if self._doc_nodes:
            sims = (X @ self._doc_matrix.T).toarray() / 2.0  # two L2-normalised blocks → cosine in [0, 1]
            idx = [self._node_index[n] for n in self._doc_nodes]
            F[:, idx, self._depth + 1] = sims
        if self.evidence is not None:
            for i, text in enumerate(texts):
                for label, value in (self.evidence(text) or {}).items():
                    j = self._node_index.get(str(label))
                    if j is not None:
                        F[i, j, self._depth + 2] = float(value)
        return F

    def _neighbours(self, X: sparse.csr_matrix, fitted: _Levels) -> np.ndarray:
        """Similarity-weighted share of the ``neighbours`` most similar training texts under each node."""
        k = min(self.neighbours, fitted.X.shape[0])
        if k < 1:
            return np.zeros((X.shape[0], len(self.nodes_)))
        S = (X @ fitted.X.T).toarray() / 2.0
        top = np.argpartition(-S, k - 1, axis=1)[:, :k]
        rows = np.repeat(np.arange(S.shape[0]), k)
        W = sparse.csr_matrix((S[rows, top.ravel()] ** 2, (rows, top.ravel())), shape=S.shape)
        votes = np.asarray((W @ fitted.members).todense())
        total = np.asarray(W.sum(axis=1)).ravel()
        return votes / np.where(total > 0, total, 1.0)[:, None]

    @staticmethod
    def _fit_theta(F: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Conditional logit: weights θ ≥ 0 maximising Σ w·log softmax(F·θ)[y], lightly L2-regularised."""
        rows = np.arange(len(y))
        F_true = F[rows, y, :]
        lam = 1e-3 * w.sum()

        def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
            z = F @ theta
            lse = logsumexp(z, axis=1)
            p = np.exp(z - lse[:, None])
            nll = -(w * (z[rows, y] - lse)).sum() + lam * theta @ theta
            grad = -(w[:, None] * (F_true - np.einsum("nk,nkf->nf", p, F))).sum(axis=0) + 2 * lam * theta
            return float(nll), grad

        start = np.ones(F.shape[2])
        result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * F.shape[2])
        return np.asarray(result.x)

    # ----- prediction -----------------------------------------------------------------------------

    def predict_proba(
        self, texts: Sequence[str], *, among: Iterable[str] | None = None
    ) -> tuple[list[str], np.ndarray]:
        """(candidate labels, probabilities n × candidates). Rows of empty texts are all zero.

        ``among`` restricts the candidates, e.g. to the nodes of one level of the hierarchy
        (a coarse node's score is its ancestors', own and best descendants' scores).
        """
        self._check_fitted()
        if isinstance(texts, str):
            raise LearnedError("predict 需要文本的列表，而不是单个字符串", code="predict_needs_a_list")
        candidates = self.classes_ if among is None else [str(c) for c in among]
        unknown = [c for c in candidates if c not in self._node_index]
        if unknown:
            raise LearnedError(
                f"候选标签不在模型中：{'、'.join(unknown[:5])}",
                code="predict_unknown_labels",
                labels=", ".join(unknown[:5]),
            )
        if not candidates:
            raise LearnedError("候选标签为空", code="predict_no_labels")
        normalized = [normalize_text(str(t or "")) for t in texts]
        filled = [i for i, t in enumerate(normalized) if t]
        proba = np.zeros((len(normalized), len(candidates)))
        if filled:
            sub = [normalized[i] for i in filled]
            F = self._node_features(self._features.transform(sub), sub, self._models)
            cand = [self._node_index[c] for c in candidates]
            z = F[:, cand, :] @ self._theta
            proba[filled] = np.exp(z - logsumexp(z, axis=1, keepdims=True))
        return list(candidates), proba

    def predict(
        self, texts: Sequence[str], *, among: Iterable[str] | None = None, top: int | None = None
    ) -> list[Prediction]:
        """The best label per text with its probability and the ``top`` (default ``top_k``) alternatives."""
        labels, proba = self.predict_proba(texts, among=among)
        k = self.top_k if top is None else top
        out = []
        for row in proba:
            if not row.any():
                out.append(Prediction("", 0.0, []))
                continue
            order = np.argsort(-row, kind="stable")[:k]
            ranked = [(labels[j], float(row[j])) for j in order]
            out.append(Prediction(ranked[0][0], ranked[0][1], ranked))
        return out

    def _check_fitted(self) -> None:
        if not self._fitted:
            raise NotFittedError("分类器尚未训练，请先调用 fit", code="classifier_not_fitted")

    # ----- persistence ----------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Pickle the model with a format version. The evidence function is not saved: pass it to load."""
        self._check_fitted()
        state = dict(self.__dict__)
        state["evidence"] = None
        payload = {"format": _FORMAT_NAME, "version": FORMAT_VERSION, "state": state}
        with open(path, "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: str | Path, *, evidence: Evidence | None = None) -> TextClassifier:
        """Read a model written by ``save``; only load files you trust (pickle)."""
        try:
            with open(path, "rb") as fh:
                payload = pickle.load(fh)
        except FileNotFoundError as exc:
            raise ModelFileError(
                f"模型文件不存在：{path}", code="model_file_missing", path=str(path)
            ) from exc
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            raise ModelFileError(
                f"模型文件无法读取：{path}（{exc}）",
                code="model_file_unreadable",
                path=str(path),
                error=str(exc),
            ) from exc
        if not isinstance(payload, dict) or payload.get("format") != _FORMAT_NAME:
            raise ModelFileError(
                f"不是本系统的分类模型文件：{path}", code="model_file_foreign", path=str(path)
            )
        if payload.get("version") != FORMAT_VERSION:
            raise ModelFileError(
                f"模型文件版本为 {payload.get('version')}，当前程序需要版本 {FORMAT_VERSION}，请重新训练：{path}",
                code="model_file_version",
                version=payload.get("version"),
                needed=FORMAT_VERSION,
                path=str(path),
            )
        model = cls.__new__(cls)
        model.__dict__.update(payload["state"])
        model.evidence = evidence
        if model._has_evidence and evidence is None:
            warnings.warn(
                ChainAnalysisWarning(
                    "该模型训练时使用了规则证据，加载时未提供，证据特征按 0 计", code="model_evidence_missing"
                ),
                stacklevel=2,
            )
        return model
