"""Classify a CSV with the learned layer, and cross-validate a classifier. Plain Python, no Django.

``classify_csv`` backs ``zhaoshang classify --train TRAIN.csv --text-column COL --label-column COL
INPUT.csv -o OUT.csv``; the CLI wrapper turns :class:`ClassifyError` into one line and a non-zero exit.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from .learned import LearnedError, Prediction, TextClassifier

__all__ = [
    "ClassifyError",
    "ClassifySummary",
    "classify_csv",
    "cross_validate",
    "fold_metrics",
    "stratified_folds",
]

logger = logging.getLogger(__name__)


#: progress(stage, done, total), stage is "train" or "predict".
Progress = Callable[[str, int, int], None]


class ClassifyError(LearnedError):
    """A CSV cannot be classified (missing file or column, empty file, no usable training row)."""


class _Model(Protocol):
    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> Any: ...

    def predict(self, texts: Sequence[str]) -> Sequence[Any]: ...


@dataclass(frozen=True)
class ClassifySummary:
    train_rows: int
    train_rows_used: int
    classes: int
    input_rows: int
    predicted: int
    empty_text: int
    out_csv: Path


# A file's role in the user's words: Chinese for the message, and the ``role`` parameter of the English one.
_ROLES = {"train": ("训练", "training"), "input": ("待分类", "input")}


def _read_csv(path: str | Path, which: str) -> pd.DataFrame:
    path = Path(path)
    role, role_en = _ROLES[which]
    if not path.is_file():
        raise ClassifyError(
            f"{role}文件不存在：{path}", code="classify_csv_missing", role=role_en, path=str(path)
        )
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError as exc:
        raise ClassifyError(
            f"{role}文件是空的：{path}", code="classify_csv_empty", role=role_en, path=str(path)
        ) from exc
    except UnicodeDecodeError as exc:
        raise ClassifyError(
            f"{role}文件不是 UTF-8 编码，请另存为 UTF-8 CSV：{path}",
            code="classify_csv_not_utf8",
            role=role_en,
            path=str(path),
        ) from exc
    except pd.errors.ParserError as exc:
        raise ClassifyError(
            f"{role}文件不是有效的 CSV：{path}（{exc}）",
            code="classify_csv_invalid",
            role=role_en,
            path=str(path),
            error=str(exc),
        ) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise ClassifyError(
            f"{role}文件没有数据行：{path}", code="classify_csv_no_rows", role=role_en, path=str(path)
        )
    return frame


def _require(frame: pd.DataFrame, column: str, path: str | Path, which: str) -> None:
    if column not in frame.columns:
        role, role_en = _ROLES[which]
        have = "、".join(frame.columns[:20])
        raise ClassifyError(
            f"{role}文件 {path} 中没有“{column}”列（现有列：{have}）",
            code="classify_csv_column_missing",
            role=role_en,
            path=str(path),
            column=column,
            columns=", ".join(frame.columns[:20]),
        )


def classify_csv(
    train_csv: str | Path,
    input_csv: str | Path,
    out_csv: str | Path,
    *,
    text_column: str,
    label_column: str,
    progress: Progress | None = None,
    model: TextClassifier | None = None,
    chunk_size: int = 500,
) -> ClassifySummary:
    """Train on TRAIN, classify every INPUT row, write INPUT's columns + predicted, score, top3 in order.

    Rows of TRAIN with an empty text or label are skipped. INPUT rows with an empty text get an empty
    ``predicted``, ``score`` 0 and an empty ``top3``. ``model`` (unfitted) replaces the default
    :class:`TextClassifier`, e.g. one built with the chain's label documents and hierarchy.
    The output is UTF-8 with a BOM so that Excel opens it correctly.
    """
    train = _read_csv(train_csv, "train")
    _require(train, text_column, train_csv, "train")
    _require(train, label_column, train_csv, "train")
    data = _read_csv(input_csv, "input")
    _require(data, text_column, input_csv, "input")

    texts = train[text_column].str.strip()
    labels = train[label_column].str.strip()
    usable = (texts != "") & (labels != "")
    if usable.sum() == 0:
        raise ClassifyError(
            f"训练文件 {train_csv} 没有同时填写“{text_column}”和“{label_column}”的行",
            code="classify_no_training_rows",
            path=str(train_csv),
            text_column=text_column,
            label_column=label_column,
        )
    if labels[usable].nunique() < 2:
        raise ClassifyError(
            f"训练文件 {train_csv} 的“{label_column}”列至少需要两个不同的类别",
            code="classify_one_training_label",
            path=str(train_csv),
            label_column=label_column,
        )
    if progress:
        progress("train", 0, 1)
    classifier = model if model is not None else TextClassifier()
    classifier.fit(texts[usable].tolist(), labels[usable].tolist())
    if progress:
        progress("train", 1, 1)

    inputs = data[text_column].tolist()
    predictions: list[Prediction] = []
    for start in range(0, len(inputs), chunk_size):
        predictions += classifier.predict(inputs[start : start + chunk_size])
        if progress:
            progress("predict", min(start + chunk_size, len(inputs)), len(inputs))

    out = data.copy()
    out["predicted"] = [p.label for p in predictions]
    out["score"] = [f"{p.score:.4f}" for p in predictions]
    out["top3"] = ["|".join(f"{label}:{score:.4f}" for label, score in p.top[:3]) for p in predictions]
    out_path = Path(out_csv)
    out.to_csv(out_path, index=False, encoding="utf-8-sig")
    empty = sum(1 for p in predictions if not p.label)
    summary = ClassifySummary(
        train_rows=len(train),
        train_rows_used=int(usable.sum()),
        classes=int(labels[usable].nunique()),
        input_rows=len(data),
        predicted=len(data) - empty,
        empty_text=empty,
        out_csv=out_path,
    )
    logger.info("分类完成：%s", summary)
    return summary


# --- cross-validation ---------------------------------------------------------------------------------


def stratified_folds(
    labels: Sequence[str], *, folds: int = 5, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified K-fold (train, test) index pairs.

    A class with fewer than ``folds`` examples cannot appear in every test fold; its examples are put in
    the training part of every fold and never tested (they still teach the model). Every example of the
    other classes is tested exactly once.
    """
    if folds < 2:
        raise LearnedError(f"折数至少为 2，收到 {folds}", code="cv_too_few_folds", folds=folds)
    y = np.asarray([str(v) for v in labels])
    counts = Counter(y)
    small = np.array([counts[v] < folds for v in y], dtype=bool)
    tested = np.flatnonzero(~small)
    always_train = np.flatnonzero(small)
    if len({y[i] for i in tested}) < 2:
        raise LearnedError(
            f"每类至少 {folds} 条样本的类别不足两个，无法做 {folds} 折交叉验证",
            code="cv_too_few_classes",
            folds=folds,
        )
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return [
        (np.sort(np.concatenate([tested[tr], always_train])), tested[te])
        for tr, te in splitter.split(tested, y[tested])
    ]


def fold_metrics(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Accuracy and macro-F1 (over the classes present in truth or prediction)."""
    return {
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_f1": float(f1_score(truth, predicted, average="macro", zero_division=0)),
    }


def _labels_of(predictions: Sequence[Any]) -> list[str]:
    return [p.label if isinstance(p, Prediction) else str(p) for p in predictions]


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    folds: int = 5,
    seed: int = 0,
    make_model: Callable[[], _Model] = TextClassifier,
) -> dict[str, Any]:
    """Stratified K-fold CV (see :func:`stratified_folds` for classes smaller than K).

    ``make_model()`` returns a fresh model with ``fit(texts, labels)`` and ``predict(texts)`` (labels or
    :class:`Prediction`). Returns ``{"folds": [{"accuracy", "macro_f1", "n_test", "seconds"}, ...],
    "accuracy": mean, "macro_f1": mean, "train_only_classes": [...]}``.
    """
    texts = list(texts)
    y = [str(v) for v in labels]
    if len(texts) != len(y):
        raise LearnedError(
            f"文本有 {len(texts)} 条，标签有 {len(y)} 条，数量不一致",
            code="texts_labels_count_mismatch",
            texts=len(texts),
            labels=len(y),
        )
    results = []
    for train, test in stratified_folds(y, folds=folds, seed=seed):
        started = time.perf_counter()
        model = make_model()
        model.fit([texts[i] for i in train], [y[i] for i in train])
        predicted = _labels_of(model.predict([texts[i] for i in test]))
        row = fold_metrics([y[i] for i in test], predicted)
        row.update(n_test=len(test), seconds=time.perf_counter() - started)
        results.append(row)
    counts = Counter(y)
    return {
        "folds": results,
        "accuracy": float(np.mean([r["accuracy"] for r in results])),
        "macro_f1": float(np.mean([r["macro_f1"] for r in results])),
        "train_only_classes": sorted(c for c, n in counts.items() if n < folds),
    }
