from __future__ import annotations

import copy
from datetime import date

import pytest

from zhaoshang.pipeline.core.stages import (
    DEFAULT_STAGE_MODEL,
    DEFAULT_STAGES_CONFIG,
    StageConfigError,
    UnknownStage,
    check_transition,
    load_stage_model,
)

NEGOTIATING = {
    "first_contact_date": date(2026, 1, 5),
    "visit_date": date(2026, 1, 20),
    "planned_investment_wan": 50000,
}
SIGNED = {**NEGOTIATING, "signed_date": date(2026, 3, 2), "signed_amount_wan": 48000, "carrier_id": 17}


def test_the_default_stages_run_from_lead_to_production_in_order():
    names = [s.name_zh for s in DEFAULT_STAGE_MODEL.main_stages]
    assert names == ["线索", "接洽", "考察", "洽谈", "签约", "注册", "开工", "投产"]
    assert DEFAULT_STAGE_MODEL.stage_of_kind("on_hold").name_zh == "暂缓"
    assert DEFAULT_STAGE_MODEL.stage_of_kind("dropped").name_zh == "终止"


def test_signing_without_date_and_amount_says_exactly_what_is_missing():
    check = check_transition("negotiation", "signed", {**NEGOTIATING, "location": "高新区北园"})
    assert not check.ok
    assert check.missing == [("signed_date", "签约日期"), ("signed_amount_wan", "签约金额（万元）")]
    assert check.message_zh == "进入「签约」阶段还需要：签约日期、签约金额（万元）"


def test_signing_accepts_a_location_in_place_of_a_carrier():
    fields = {
        **NEGOTIATING,
        "signed_date": date(2026, 3, 2),
        "signed_amount_wan": 100,
        "location": "高新区北园",
    }
    assert check_transition("negotiation", "signed", fields).ok
    without_either = {k: v for k, v in fields.items() if k != "location"}
    check = check_transition("negotiation", "signed", without_either)
    assert check.missing == [("carrier_id", "落户载体或地点")]


def test_blank_text_and_none_do_not_count_as_filled_in():
    check = check_transition("lead", "contact", {"first_contact_date": "  "})
    assert check.missing == [("first_contact_date", "首次接洽日期")]
    assert not check_transition("lead", "contact", {"first_contact_date": None}).ok


def test_a_complete_forward_step_is_allowed_with_a_confirming_message():
    check = check_transition("negotiation", "signed", SIGNED)
    assert check.ok and check.missing == []
    assert check.message_zh == "可以进入「签约」阶段"


def test_skipping_stages_also_needs_the_requirements_of_every_skipped_stage():
    check = check_transition("lead", "negotiation", {"planned_investment_wan": 3000})
    assert not check.ok
    assert check.missing == [("first_contact_date", "首次接洽日期"), ("visit_date", "考察日期")]
    assert check.message_zh == "进入「洽谈」阶段还需要：首次接洽日期、考察日期"
    assert check_transition("lead", "negotiation", NEGOTIATING).ok


def test_going_back_needs_a_reason_and_does_not_recheck_requirements():
    refused = check_transition("signed", "negotiation", {})
    assert not refused.ok
    assert refused.missing == [("reason", "原因")]
    assert refused.message_zh == "从「签约」退回「洽谈」阶段需要填写原因"
    allowed = check_transition("signed", "negotiation", {}, reason="投资方要求重新谈判用地条件")
    assert allowed.ok


def test_a_move_to_the_current_stage_is_refused():
    check = check_transition("visit", "visit", NEGOTIATING)
    assert not check.ok
    assert check.message_zh == "项目已处于「考察」阶段"


def test_dropping_a_project_needs_the_drop_reason():
    refused = check_transition("negotiation", "dropped", NEGOTIATING)
    assert refused.missing == [("drop_reason", "终止原因")]
    assert refused.message_zh == "进入「终止」阶段还需要：终止原因"
    assert check_transition("negotiation", "dropped", {**NEGOTIATING, "drop_reason": "投资方资金链断裂"}).ok


def test_putting_on_hold_needs_the_hold_reason_and_resuming_needs_the_stage_requirements():
    assert check_transition("visit", "on_hold", {"hold_reason": ""}).missing == [("hold_reason", "暂缓原因")]
    assert check_transition("visit", "on_hold", {"hold_reason": "等待集团董事会决策"}).ok
    resume = check_transition("on_hold", "negotiation", {"first_contact_date": date(2026, 1, 5)})
    assert resume.missing == [("visit_date", "考察日期"), ("planned_investment_wan", "计划投资额（万元）")]
    assert check_transition("on_hold", "negotiation", NEGOTIATING).ok


def test_a_dropped_project_comes_back_only_to_a_pipeline_stage_and_with_a_reason():
    assert not check_transition("dropped", "on_hold", {"hold_reason": "x"}).ok
    no_reason = check_transition("dropped", "visit", NEGOTIATING)
    assert not no_reason.ok
    assert no_reason.missing == [("reason", "原因")]
    assert no_reason.message_zh == "将「终止」的项目恢复到「考察」阶段还需要：原因"
    assert check_transition("dropped", "visit", NEGOTIATING, reason="投资方重新联系").ok


def test_reactivating_a_dropped_project_also_needs_the_target_stage_requirements():
    check = check_transition("dropped", "signed", NEGOTIATING, reason="恢复合作")
    assert [label for _, label in check.missing] == ["签约日期", "签约金额（万元）", "落户载体或地点"]


def test_an_unknown_stage_code_is_an_error_in_chinese():
    with pytest.raises(UnknownStage, match="未知的阶段「won」"):
        check_transition("negotiation", "won", {})


def test_a_custom_stage_config_loads_from_plain_data_with_requirements_as_a_mapping():
    model = load_stage_model(
        {
            "stages": [
                {"code": "lead", "name_zh": "线索", "name_en": "Lead", "order": 1},
                {
                    "code": "signed",
                    "name_zh": "签约",
                    "name_en": "Signed",
                    "order": 2,
                    "requirements": {"signed_date": "签约日期"},
                    "points": 8,
                    "max_quiet_days": 20,
                },
            ]
        }
    )
    assert model.get("signed").points == 8
    check = check_transition("lead", "signed", {}, model=model)
    assert check.message_zh == "进入「签约」阶段还需要：签约日期"


def _config_with(index: int, **changes: object) -> list[dict]:
    config = copy.deepcopy(DEFAULT_STAGES_CONFIG)
    config[index].update(changes)
    return config


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (_config_with(2, code="contact"), "第 3 个阶段（contact）：阶段代码重复"),
        (_config_with(3, order=10), "第 4 个阶段（negotiation）：顺序号 10 与「lead」重复"),
        (_config_with(1, max_quiet_days=0), "第 2 个阶段（contact）：max_quiet_days 必须是正整数或留空"),
        (_config_with(4, points=-1), "第 5 个阶段（signed）：points 必须是非负整数"),
        (_config_with(0, kind="paused"), "第 1 个阶段（lead）：kind 必须是"),
        (_config_with(0, colour="red"), "第 1 个阶段（lead）：未知的配置项 colour"),
        (_config_with(5, name_zh=""), "第 6 个阶段（registered）：缺少或无效的 name_zh"),
        (
            _config_with(4, requirements=[{"field": "signed_date"}]),
            "第 5 个阶段（signed）的第 1 项要求（signed_date）：缺少中文名称",
        ),
        (_config_with(8, kind="dropped"), "类型为 dropped 的阶段只能有一个"),
        ([], "阶段配置必须是非空列表"),
    ],
)
def test_a_bad_stage_config_is_rejected_naming_the_bad_entry(config, message):
    with pytest.raises(StageConfigError, match=message):
        load_stage_model(config)


def test_stage_config_errors_are_value_errors():
    assert issubclass(StageConfigError, ValueError)
    assert issubclass(UnknownStage, ValueError)
