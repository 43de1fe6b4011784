from __future__ import annotations

import random

from zhaoshang.registry.core.names import clean_name, fuzzy_candidates, name_key


def test_full_width_and_half_width_brackets_give_the_same_key() -> None:
    assert name_key("华为技术（深圳）有限公司") == name_key("华为技术(深圳)有限公司") == "华为技术深圳"
    assert name_key("华为技术【深圳】有限公司") == "华为技术深圳"


def test_bracketed_regions_that_differ_keep_firms_apart() -> None:
    assert name_key("华为技术（深圳）有限公司") != name_key("华为技术（上海）有限公司")


def test_punctuation_whitespace_and_width_are_ignored() -> None:
    assert name_key(" 长沙市 畅映文化传播有限公司 ") == name_key("长沙市畅映文化传播有限公司")
    assert name_key("ＡＢＣ科技有限公司") == name_key("abc科技有限公司") == "abc科技"
    assert name_key("深圳市·彦泽科技有限公司") == "深圳市彦泽科技"


def test_common_legal_forms_are_stripped_from_the_key() -> None:
    assert name_key("安徽中视网络科技股份有限公司") == "安徽中视网络科技"
    assert name_key("安徽中视网络科技有限责任公司") == "安徽中视网络科技"
    assert name_key("安徽中视网络科技有限公司") == "安徽中视网络科技"
    assert name_key("深圳前海合伙投资企业（有限合伙）") == "深圳前海合伙投资企业"


def test_a_group_keeps_the_word_group_so_it_does_not_merge_with_its_operating_company() -> None:
    assert name_key("三一集团有限公司") == "三一集团"
    assert name_key("三一集团有限公司") != name_key("三一有限公司")


def test_a_branch_is_never_stripped_to_its_parent() -> None:
    branch = name_key("平安银行股份有限公司深圳分行")
    assert branch == "平安银行深圳分行"
    assert branch != name_key("平安银行股份有限公司")
    assert name_key("中建三局集团有限公司北京分公司").endswith("分公司")


def test_english_legal_suffixes_are_stripped() -> None:
    assert name_key("Acme Co., Ltd.") == name_key("ACME Limited") == name_key("Acme Inc.") == "acme"
    assert name_key("Visa") == "visa"


def test_a_name_that_is_only_a_legal_form_keeps_something() -> None:
    assert name_key("有限公司") == "有限公司"


def test_clean_name_collapses_spaces_and_uses_full_width_brackets_around_chinese() -> None:
    assert clean_name("  华为技术(深圳)有限公司 ") == "华为技术（深圳）有限公司"
    assert clean_name("Acme (China)  Co., Ltd.") == "Acme (China) Co., Ltd."


def test_fuzzy_candidates_find_the_same_firm_under_different_spellings() -> None:
    names = [
        "长沙市畅映文化传播有限公司",
        "深圳彦泽科技有限公司",
        "长沙市畅映文化传播股份有限公司",
        "郑州万国汽车进出口有限公司",
        "深圳市彦泽科技有限公司",
        "上海兔小二科技有限公司",
    ]
    pairs = fuzzy_candidates(names, threshold=85)
    found = {(i, j) for i, j, _ in pairs}
    assert (0, 2) in found  # same key: score 100
    assert (1, 4) in found  # 深圳 / 深圳市
    assert all(i < j for i, j, _ in pairs)
    assert (0, 3) not in found
    assert pairs[0][2] == 100.0


def test_fuzzy_candidates_split_large_blocks_and_still_find_pairs() -> None:
    rng = random.Random(7)
    chars = "华兴盛达鑫源恒泰宏信嘉瑞博远创新智联天成德润中科金辉安康明志顺发景豪凯越永利佳和汇通正道海川"
    names = [f"深圳市{''.join(rng.choices(chars, k=4))}科技有限公司" for _ in range(3000)]
    names.append(names[10].replace("科技", "科枝"))
    pairs = fuzzy_candidates(names, threshold=85, max_block=200)
    assert (10, 3000) in {(i, j) for i, j, _ in pairs}
