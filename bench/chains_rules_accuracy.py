"""Precision and recall of the rule layer on the hand-labelled listed firms.

    .venv/bin/python bench/chains_rules_accuracy.py [--csv PATH] [--labels PATH]

    .venv/bin/python bench/chains_rules_accuracy.py --misses   # also list every firm the rules got wrong

Labels: tests/chains/fixtures/listed_firm_labels.csv (stock_code, chain, node_key): listed firms placed by hand
on the three shipped chains from their business descriptions (one row per position; a firm may hold several),
plus firms checked by hand and found on none of them (chain ``none``, node empty: hard negatives such as
railway operators, car-brake makers, LED and smart-card firms). Texts: name + description from the shared
listed-firms file, with the line-wrap spaces of its descriptions (``航天信 息``) removed between CJK characters.

Measured on the labelled firms only (a firm's true positions are its label rows; a ``none`` firm has none, so
every prediction on it is a false positive and it adds nothing to the recall denominators):
* chain level — pairs (firm, chain): precision = correct predicted pairs / predicted pairs, recall = labelled
  pairs predicted / labelled pairs;
* node level, exact — pairs (firm, node) the same way;
* node level, top-1 — the best-scoring node of each firm: precision over firms with a prediction, recall over
  all labelled firms;
* node level, lineage — a predicted node counts when it is the labelled node, one of its ancestors or descendants.
And, as a false-positive check, the share of the file's other (unlabelled) firms that the rules put on some chain
(not all of them are truly off-chain, so this is an upper bound on the false-positive rate).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zhaoshang.chains.analysis.rules import RuleClassifier  # noqa: E402
from zhaoshang.chains.analysis.spec import load_directory  # noqa: E402

DEFAULT_CSV = ROOT.parent / "shared/data/classify/listed_firms_labeled.csv"
DEFAULT_LABELS = ROOT / "tests/chains/fixtures/listed_firm_labels.csv"


_WRAP = re.compile(r"(?<=[\u3400-\u9fff\uff0c\u3001\u3002])\s+(?=[\u3400-\u9fff\uff0c\u3001\u3002])")


def unwrap(text: str) -> str:
    """Remove whitespace between CJK characters (the file's descriptions were hard-wrapped with a space)."""
    return _WRAP.sub("", text)


def _pr(tp_p: int, n_pred: int, tp_r: int, n_true: int) -> dict[str, float]:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_r / n_true if n_true else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "predicted": n_pred,
        "true": n_true,
    }


def measure(
    csv: Path = DEFAULT_CSV, labels: Path = DEFAULT_LABELS, misses: list[str] | None = None
) -> dict[str, dict[str, float]]:
    """The figures; when ``misses`` is a list, one line per labelled firm the rules got wrong is appended."""
    specs = {s.slug: s for s in load_directory()}
    clf = RuleClassifier(list(specs.values()))
    firms = (
        pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        .drop_duplicates("stock_code")
        .set_index("stock_code")
    )
    truth = pd.read_csv(labels, dtype=str, keep_default_na=False)
    truth = truth[truth["stock_code"].isin(firms.index)]
    true_nodes: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in truth.itertuples(index=False):
        true_nodes[row.stock_code]  # a "none" firm is labelled with no position
        if row.chain != "none":
            true_nodes[row.stock_code].add((row.chain, row.node_key))
    predicted = {
        code: clf.classify(name=firms.at[code, "name"], description=unwrap(firms.at[code, "description"]))
        for code in firms.index
    }

    def lineage(chain: str, a: str, b: str) -> bool:
        spec = specs[chain]
        return a == b or a in spec.ancestors(b) or b in spec.ancestors(a)

    chain_tp = chain_pred = chain_hit = chain_true = 0
    node_tp = node_pred = node_hit = node_true = 0
    lin_tp = lin_hit = 0
    top_tp = top_pred = 0
    for code, true in true_nodes.items():
        preds = predicted[code]
        pc = {a.chain_slug for a in preds}
        tc = {c for c, _ in true}
        chain_tp += len(pc & tc)
        chain_pred += len(pc)
        chain_hit += len(tc & pc)
        chain_true += len(tc)
        pn = {(a.chain_slug, a.node_key) for a in preds}
        node_tp += len(pn & true)
        node_pred += len(pn)
        node_hit += len(true & pn)
        node_true += len(true)
        lin_tp += sum(any(c == tc_ and lineage(c, k, tk) for tc_, tk in true) for c, k in pn)
        lin_hit += sum(any(c == pc_ and lineage(c, k, pk) for pc_, pk in pn) for c, k in true)
        if preds:
            top_pred += 1
            top_tp += (preds[0].chain_slug, preds[0].node_key) in true
        if misses is not None and pn != true:
            got = (
                "、".join(
                    f"{c}/{k}({a.score:.2f}:{'|'.join(r.word for r in a.reasons)})"
                    for a in preds
                    for c, k in [(a.chain_slug, a.node_key)]
                )
                or "—"
            )
            want = "、".join(f"{c}/{k}" for c, k in sorted(true)) or "none"
            misses.append(f"{code} {firms.at[code, 'name']}: labelled {want}; rules {got}")
    others = [code for code in firms.index if code not in true_nodes]
    off = sum(1 for code in others if predicted[code])
    return {
        "chain": _pr(chain_tp, chain_pred, chain_hit, chain_true),
        "node_exact": _pr(node_tp, node_pred, node_hit, node_true),
        "node_top1": _pr(top_tp, top_pred, top_tp, sum(1 for t in true_nodes.values() if t)),
        "node_lineage": _pr(lin_tp, node_pred, lin_hit, node_true),
        "unlabelled_on_some_chain": {"share": off / len(others) if others else 0.0, "firms": len(others)},
        "labels": {
            "chain_firms": sum(1 for t in true_nodes.values() if t),
            "none_firms": sum(1 for t in true_nodes.values() if not t),
            "positions": sum(len(t) for t in true_nodes.values()),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--misses", action="store_true", help="list every labelled firm the rules got wrong")
    args = parser.parse_args()
    started = time.perf_counter()
    misses: list[str] | None = [] if args.misses else None
    result = measure(args.csv, args.labels, misses)
    lab = result["labels"]
    print(
        f"labels: {lab['chain_firms']} chain firms ({lab['positions']} positions), {lab['none_firms']} firms on no chain"
    )
    print(f"{'level':<16}{'precision':>10}{'recall':>10}{'F1':>8}{'predicted':>11}{'true':>7}")
    for level, m in result.items():
        if "precision" in m:
            print(
                f"{level:<16}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>8.3f}{m['predicted']:>11}{m['true']:>7}"
            )
    o = result["unlabelled_on_some_chain"]
    print(f"unlabelled firms the rules put on some chain: {o['share']:.1%} of {o['firms']}")
    print(f"({time.perf_counter() - started:.1f} s)")
    for line in misses or ():
        print(line)


if __name__ == "__main__":
    main()
