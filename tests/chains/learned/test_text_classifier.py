from __future__ import annotations

import pickle

import numpy as np
import pytest

from zhaoshang.chains.analysis.learned import (
    ModelFileError,
    NotFittedError,
    Prediction,
    TextClassifier,
    TrainingDataError,
    normalize_text,
)

from .conftest import make_texts


def accuracy(model: TextClassifier, texts: list[str], labels: list[str], **kw) -> float:
    return float(np.mean([p.label == y for p, y in zip(model.predict(texts, **kw), labels, strict=True)]))


def test_it_predicts_the_industry_of_unseen_short_chinese_descriptions(trained, held_out):
    texts, labels = held_out
    assert accuracy(trained, texts, labels) >= 0.9


def test_scores_are_probabilities_and_the_alternatives_are_in_descending_order(trained, held_out):
    for p in trained.predict(held_out[0]):
        scores = [s for _, s in p.top]
        assert 0.0 <= p.score <= 1.0
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert sum(scores) <= 1.0 + 1e-9
        assert scores == sorted(scores, reverse=True)
        assert (p.label, p.score) == p.top[0]
        assert len(p.top) == 3
        assert len({label for label, _ in p.top}) == 3


def test_the_probabilities_over_all_classes_sum_to_one(trained, held_out):
    labels, proba = trained.predict_proba(held_out[0])
    assert labels == sorted(set(held_out[1]))
    assert np.allclose(proba.sum(axis=1), 1.0)


def test_an_empty_text_gets_an_empty_prediction_with_score_zero(trained):
    predictions = trained.predict(["", "   ", "公司主要生产锂离子电池和正极材料。"])
    assert predictions[0] == Prediction("", 0.0, [])
    assert predictions[1] == Prediction("", 0.0, [])
    assert predictions[2].label == "锂电池"


def test_whitespace_left_by_line_wrapping_inside_chinese_words_is_removed():
    assert normalize_text("提供供水网络维 护等服务 。 ABC  Def") == "提供供水网络维护等服务。 abc def"


def test_a_saved_model_loads_and_gives_identical_predictions(trained, held_out, tmp_path):
    path = tmp_path / "model.pkl"
    trained.save(path)
    loaded = TextClassifier.load(path)
    assert loaded.predict(held_out[0]) == trained.predict(held_out[0])


def test_a_model_file_of_another_format_version_is_refused(trained, tmp_path):
    path = tmp_path / "model.pkl"
    trained.save(path)
    payload = pickle.loads(path.read_bytes())
    payload["version"] = 999
    path.write_bytes(pickle.dumps(payload))
    with pytest.raises(ModelFileError, match="版本"):
        TextClassifier.load(path)


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(b"not a pickle")
    with pytest.raises(ModelFileError):
        TextClassifier.load(path)
    with pytest.raises(ModelFileError, match="不存在"):
        TextClassifier.load(tmp_path / "missing.pkl")


def test_an_untrained_classifier_refuses_to_predict():
    with pytest.raises(NotFittedError, match="尚未训练"):
        TextClassifier().predict(["公司生产芯片"])


def test_training_needs_two_classes_and_matching_lengths():
    with pytest.raises(TrainingDataError, match="两个不同的类别"):
        TextClassifier().fit(["生产芯片", "设计芯片"], ["集成电路", "集成电路"])
    with pytest.raises(TrainingDataError, match="数量不一致"):
        TextClassifier().fit(["生产芯片", "设计芯片"], ["集成电路"])
    with pytest.raises(TrainingDataError, match="没有可用于训练的样本"):
        TextClassifier().fit(["", " "], ["集成电路", "光伏"])


def test_a_cycle_in_the_hierarchy_is_refused(synthetic):
    with pytest.raises(TrainingDataError, match="环"):
        TextClassifier(parents={"光伏": "新能源", "新能源": "光伏"}).fit(*synthetic)


def test_a_class_with_a_single_example_trains_and_can_be_predicted(synthetic):
    texts, labels = synthetic
    texts = texts + ["公司主要经营远洋船舶制造与修理。"]
    labels = labels + ["船舶"]
    model = TextClassifier().fit(texts, labels)
    assert "船舶" in model.classes_
    assert model.predict(["公司从事船舶制造业务。"])[0].label == "船舶"


def test_a_label_known_only_from_its_document_can_be_predicted(synthetic):
    docs = {"船舶": "船舶制造 造船 远洋船舶 船舶修理 海洋工程装备"}
    model = TextClassifier(label_docs=docs).fit(*synthetic)
    assert "船舶" in model.classes_
    assert model.predict(["公司主要从事远洋船舶的制造与修理。"])[0].label == "船舶"


def test_the_hierarchy_lets_it_predict_at_the_parent_level(synthetic, held_out):
    parents = {
        "新能源汽车": "汽车产业",
        "锂电池": "新能源",
        "光伏": "新能源",
        "生物医药": "医药",
        "集成电路": "信息技术",
        "软件服务": "信息技术",
    }
    model = TextClassifier(parents=parents).fit(*synthetic)
    coarse = sorted(set(parents.values()))
    predictions = model.predict(held_out[0], among=coarse)
    assert all(p.label in coarse for p in predictions)
    expected = [parents[y] for y in held_out[1]]
    assert np.mean([p.label == y for p, y in zip(predictions, expected, strict=True)]) >= 0.9
    assert model.classes_ == sorted(parents)


def test_evidence_from_the_rule_layer_decides_a_text_without_industry_words(synthetic):
    texts, labels = synthetic
    marks = {"生物医药": "【医】", "光伏": "【光】"}

    def evidence(text: str) -> dict[str, float]:
        return {label: 1.0 for label, mark in marks.items() if mark in text}

    # In training the rule agrees with the labels, so the model learns to trust it.
    marked = [
        t + marks[y] if y in marks and i % 2 == 0 else t
        for i, (t, y) in enumerate(zip(texts, labels, strict=True))
    ]
    with_rules = TextClassifier(evidence=evidence).fit(marked, labels)
    without_rules = TextClassifier().fit(marked, labels)
    neutral = "公司成立于二〇一〇年，注册地在江苏。"
    assert with_rules.predict([neutral + "【医】"])[0].label == "生物医药"
    assert with_rules.predict([neutral + "【光】"])[0].label == "光伏"
    assert (
        with_rules.predict([neutral + "【医】"])[0].score
        > without_rules.predict([neutral + "【医】"])[0].score
    )


def test_confirmations_correct_a_label_that_was_mispredicted_on_held_out_texts(synthetic):
    texts, labels = synthetic
    # Held-out 光伏 texts speak of wafers and slicing, which the training set only knows from chip makers.
    new_words = ["单晶硅片切割", "硅棒拉晶", "硅片金刚线切片"]
    held = [
        f"{p}公司主要从事{a}和{b}。"
        for p, a, b in [
            ("江苏", new_words[0], new_words[1]),
            ("浙江", new_words[1], new_words[2]),
            ("四川", new_words[2], new_words[0]),
            ("安徽", new_words[0], new_words[2]),
        ]
    ]
    chip_texts = [f"公司从事{w}及晶圆制造业务。" for w in new_words]
    model = TextClassifier().fit(texts + chip_texts, labels + ["集成电路"] * 3)
    before = accuracy(model, held, ["光伏"] * 4)
    confirmed = [
        ("宁夏某公司为光伏组件厂供应单晶硅片切割与硅棒拉晶服务。", "光伏"),
        ("该公司生产光伏用硅片，采用金刚线切片和单晶硅片切割工艺。", "光伏"),
        ("公司主营光伏硅棒拉晶、硅片金刚线切片。", "光伏"),
    ]
    model.refit_with(confirmed)
    after = accuracy(model, held, ["光伏"] * 4)
    assert before <= 0.25
    assert after == 1.0


def test_confirmed_examples_passed_to_fit_weigh_more_than_ordinary_ones(synthetic):
    texts, labels = synthetic
    pair = ("公司主营氢燃料电池。", "新能源汽车")
    ordinary = TextClassifier(calibration_folds=0).fit(texts + [pair[0]], labels + [pair[1]])
    confirmed = TextClassifier(calibration_folds=0).fit(texts, labels, confirmed=[pair])
    probe = ["氢燃料电池"]
    assert confirmed.predict(probe)[0].label == "新能源汽车"
    score = dict(confirmed.predict(probe, top=6)[0].top)["新能源汽车"]
    assert score > dict(ordinary.predict(probe, top=6)[0].top)["新能源汽车"]


def test_unknown_candidate_labels_are_refused(trained):
    from zhaoshang.chains.analysis.learned import LearnedError

    with pytest.raises(LearnedError, match="候选标签不在模型中"):
        trained.predict(["公司生产芯片"], among=["不存在的类"])


def test_more_training_data_of_the_same_kind_is_learned_consistently():
    texts = make_texts("光伏", 3, 5) + make_texts("软件服务", 3, 5)
    labels = ["光伏"] * 3 + ["软件服务"] * 3
    model = TextClassifier().fit(texts, labels)  # too few for inner folds: fixed weights
    assert model.predict(["公司生产光伏组件和逆变器。"])[0].label == "光伏"


def test_boilerplate_words_of_company_descriptions_do_not_change_the_prediction(trained):
    one = "江苏股份有限公司提供锂离子电池正极材料。该公司从事其他业务。"
    other = "江苏有限责任公司经营锂离子电池正极材料。公司提供其他服务。"
    assert np.allclose(trained.predict_proba([one])[1], trained.predict_proba([other])[1])
    assert trained.predict([one])[0].label == "锂电池"


def test_the_nearest_training_texts_vote_for_their_label_and_its_ancestors(synthetic):
    texts, labels = synthetic
    parents = {"光伏": "新能源", "锂电池": "新能源"}
    model = TextClassifier(parents=parents, calibration_folds=0).fit(texts, labels)
    X = model._features.transform([texts[labels.index("光伏")]])
    votes = model._neighbours(X, model._models)[0]
    index = model._node_index
    assert votes[index["新能源"]] == pytest.approx(votes[index["光伏"]] + votes[index["锂电池"]])
    assert votes[index["光伏"]] > 0.5 and votes.max() <= 1.0 + 1e-9
