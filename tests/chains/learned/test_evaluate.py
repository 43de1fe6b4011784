from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.shared_data import SHARED_DATA, absent

from zhaoshang.chains.analysis.evaluate import (
    ClassifyError,
    classify_csv,
    cross_validate,
    stratified_folds,
)
from zhaoshang.chains.analysis.learned import TextClassifier

LISTED = SHARED_DATA / "classify/listed_firms_labeled.csv"


@pytest.fixture
def train_csv(tmp_path, synthetic) -> Path:
    texts, labels = synthetic
    path = tmp_path / "train.csv"
    pd.DataFrame({"简介": texts, "行业": labels}).to_csv(path, index=False, encoding="utf-8-sig")
    return path


@pytest.fixture
def input_csv(tmp_path, held_out) -> Path:
    texts, labels = held_out
    order = np.random.RandomState(3).permutation(len(texts))
    frame = pd.DataFrame(
        {
            "编号": [f"E{i:03d}" for i in range(len(texts))],
            "简介": [texts[i] for i in order],
            "真实": [labels[i] for i in order],
        }
    )
    frame.loc[5, "简介"] = ""
    path = tmp_path / "input.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


def test_classify_csv_keeps_the_input_rows_in_order_with_their_columns(train_csv, input_csv, tmp_path):
    out = tmp_path / "out.csv"
    calls = []
    summary = classify_csv(
        train_csv,
        input_csv,
        out,
        text_column="简介",
        label_column="行业",
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    source = pd.read_csv(input_csv, dtype=str, keep_default_na=False)
    result = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(result.columns) == [*source.columns, "predicted", "score", "top3"]
    assert result["编号"].tolist() == source["编号"].tolist()
    assert result["简介"].tolist() == source["简介"].tolist()
    filled = result[result["简介"] != ""]
    assert (filled["predicted"] == filled["真实"]).mean() >= 0.9
    assert all(0 <= float(s) <= 1 and len(s.split(".")[1]) == 4 for s in filled["score"])
    first = filled["top3"].iloc[0].split("|")
    assert len(first) == 3 and first[0] == f"{filled['predicted'].iloc[0]}:{filled['score'].iloc[0]}"
    assert calls[0] == ("train", 0, 1) and calls[-1] == ("predict", len(source), len(source))
    assert (
        summary.input_rows == len(source) and summary.empty_text == 1 and summary.predicted == len(source) - 1
    )


def test_a_row_with_empty_text_is_predicted_empty_with_score_zero(train_csv, input_csv, tmp_path):
    out = tmp_path / "out.csv"
    classify_csv(train_csv, input_csv, out, text_column="简介", label_column="行业")
    row = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig").iloc[5]
    assert (row["predicted"], row["score"], row["top3"]) == ("", "0.0000", "")


def test_a_missing_column_is_named_with_its_file(train_csv, input_csv, tmp_path):
    out = tmp_path / "out.csv"
    with pytest.raises(ClassifyError, match=r"训练文件 .*train\.csv 中没有“类别”列"):
        classify_csv(train_csv, input_csv, out, text_column="简介", label_column="类别")
    with pytest.raises(ClassifyError, match=r"待分类文件 .*input\.csv 中没有“描述”列"):
        pd.DataFrame({"描述": ["a"], "行业": ["x"]}).to_csv(tmp_path / "t2.csv", index=False)
        classify_csv(tmp_path / "t2.csv", input_csv, out, text_column="描述", label_column="行业")
    assert not out.exists()


def test_an_empty_or_missing_file_is_refused_with_its_name(train_csv, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    header_only = tmp_path / "header.csv"
    header_only.write_text("简介,行业\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    with pytest.raises(ClassifyError, match="待分类文件是空的.*empty.csv"):
        classify_csv(train_csv, empty, out, text_column="简介", label_column="行业")
    with pytest.raises(ClassifyError, match="训练文件没有数据行.*header.csv"):
        classify_csv(header_only, train_csv, out, text_column="简介", label_column="行业")
    with pytest.raises(ClassifyError, match="训练文件不存在"):
        classify_csv(tmp_path / "nope.csv", train_csv, out, text_column="简介", label_column="行业")


def test_stratified_folds_test_every_example_of_large_classes_once_and_never_the_small_ones():
    labels = ["甲"] * 12 + ["乙"] * 9 + ["丙"] * 2
    folds = stratified_folds(labels, folds=5, seed=0)
    tested = np.concatenate([te for _, te in folds])
    assert sorted(tested.tolist()) == list(range(21))
    for train, test in folds:
        assert {21, 22} <= set(train.tolist())
        assert not set(train.tolist()) & set(test.tolist())


def test_cross_validate_reports_each_fold_and_the_mean(synthetic):
    texts, labels = synthetic
    result = cross_validate(
        texts + ["远洋船舶制造"],
        labels + ["船舶"],
        folds=3,
        make_model=lambda: TextClassifier(calibration_folds=0),
    )
    assert len(result["folds"]) == 3
    assert result["accuracy"] == pytest.approx(np.mean([f["accuracy"] for f in result["folds"]]))
    assert result["accuracy"] >= 0.9 and 0 < result["macro_f1"] <= 1
    assert result["train_only_classes"] == ["船舶"]


@pytest.mark.skipif(absent(LISTED), reason="shared listed-firms file is absent")
def test_on_real_listed_firms_it_beats_the_majority_class_by_a_wide_margin():
    frame = pd.read_csv(LISTED, dtype=str, keep_default_na=False).sample(300, random_state=0)
    texts = (frame["name"] + "。" + frame["description"]).tolist()
    labels = frame["cics1"].tolist()
    train, test = slice(0, 240), slice(240, 300)
    model = TextClassifier().fit(texts[train], labels[train])
    predicted = [p.label for p in model.predict(texts[test])]
    accuracy = np.mean([p == y for p, y in zip(predicted, labels[test], strict=True)])
    majority = max(labels[train], key=labels[train].count)
    majority_accuracy = np.mean([y == majority for y in labels[test]])
    assert accuracy >= majority_accuracy + 0.25
