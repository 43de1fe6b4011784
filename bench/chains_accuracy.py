"""Accuracy of the learned layer against a char-n-gram LinearSVC baseline on the listed-firms file.

    .venv/bin/python bench/chains_accuracy.py [--csv PATH] [--folds 5] [--levels 1,2,3,4]

At each CICS level: the same stratified 5-fold split for both (classes with fewer than 5 firms are in
every training part and never tested). Text = name + "。" + description.

Baseline: TfidfVectorizer(char, 1–3, sublinear, min_df=2) + LinearSVC(C=0.5), trained on that level.
Ours: TextClassifier trained on the finest level (cics4) with the CICS tree as ``parents`` and each class
name (with its descendants' names) as a label document, predicting among the nodes of the level asked.
The tree and the names come from the training part of each fold only; so do the vectorisers, the models, the
nearest-neighbour rows and the combination weights (inner 3-fold on the training part). Figures and what was
tried: docs/CHAINS.md, "Learned-layer accuracy".
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zhaoshang.chains.analysis.evaluate import fold_metrics, stratified_folds  # noqa: E402
from zhaoshang.chains.analysis.learned import TextClassifier  # noqa: E402

DEFAULT_CSV = Path(__file__).resolve().parents[2] / "shared/data/classify/listed_firms_labeled.csv"


def _labels(frame: pd.DataFrame, level: int) -> np.ndarray:
    # Codes keep names that repeat across levels (公用事业, 能源, 半导体 …) apart.
    return (frame[f"cics{level}_code"].astype(str) + " " + frame[f"cics{level}"].astype(str)).to_numpy()


def _knowledge(frame: pd.DataFrame, rows: np.ndarray) -> tuple[dict[str, str], dict[str, str]]:
    """parents and label documents from the CICS tree of the training rows."""
    parents: dict[str, str] = {}
    names: dict[str, set[str]] = defaultdict(set)
    paths = np.stack([_labels(frame, k)[rows] for k in (1, 2, 3, 4)], axis=1)
    for path in paths:
        for k in range(1, 4):
            parents[path[k]] = path[k - 1]
        for k in range(4):
            for finer in path[k:]:
                names[path[k]].add(finer.split(" ", 1)[1])
    docs = {node: " ".join([node.split(" ", 1)[1], *sorted(names[node])]) for node in names}
    return parents, docs


def run(csv: Path, folds: int, levels: list[int]) -> list[dict[str, float]]:
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    texts = np.array((frame["name"] + "。" + frame["description"]).tolist(), dtype=object)
    leaves = _labels(frame, 4)
    rows = []
    for level in levels:
        y = _labels(frame, level)
        candidates = sorted(set(y))
        base_m, ours_m, base_t, ours_t = [], [], 0.0, 0.0
        for train, test in stratified_folds(y, folds=folds, seed=0):
            started = time.perf_counter()
            baseline = make_pipeline(
                TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2),
                LinearSVC(C=0.5),
            ).fit(texts[train], y[train])
            base_m.append(fold_metrics(y[test], baseline.predict(texts[test])))
            base_t += time.perf_counter() - started

            started = time.perf_counter()
            parents, docs = _knowledge(frame, train)
            ours = TextClassifier(parents=parents, label_docs=docs).fit(texts[train].tolist(), leaves[train])
            predicted = [p.label for p in ours.predict(texts[test].tolist(), among=candidates)]
            ours_m.append(fold_metrics(y[test], predicted))
            ours_t += time.perf_counter() - started
        row = {
            "level": level,
            "classes": len(candidates),
            "base_acc": float(np.mean([m["accuracy"] for m in base_m])),
            "ours_acc": float(np.mean([m["accuracy"] for m in ours_m])),
            "base_f1": float(np.mean([m["macro_f1"] for m in base_m])),
            "ours_f1": float(np.mean([m["macro_f1"] for m in ours_m])),
            "base_s": base_t,
            "ours_s": ours_t,
        }
        rows.append(row)
        _print_row(row)
    return rows


def _print_row(r: dict[str, float]) -> None:
    print(
        f"cics{r['level']:<2} {r['classes']:>7} {r['base_acc']:>9.4f} {r['ours_acc']:>9.4f} "
        f"{100 * (r['ours_acc'] - r['base_acc']):>+7.2f} {r['base_f1']:>8.4f} {r['ours_f1']:>8.4f} "
        f"{r['base_s']:>7.1f}s {r['ours_s']:>7.1f}s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--levels", default="1,2,3,4")
    args = parser.parse_args()
    print(f"{args.folds}-fold CV on {args.csv.name}; accuracy and macro-F1 are means over folds")
    print("level  classes  base_acc  ours_acc  +points  base_F1  ours_F1  base_time ours_time")
    run(args.csv, args.folds, [int(x) for x in args.levels.split(",")])


if __name__ == "__main__":
    main()
