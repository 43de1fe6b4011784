"""Synthetic appeal texts for the service benchmarks (seeded): recurring problems told in many wordings + noise."""

from __future__ import annotations

import random

PROBLEMS = [
    (
        "路灯",
        [
            "园区路灯不亮",
            "路灯坏了不亮",
            "晚上路灯一直不亮",
            "厂区外路灯不亮很久了",
            "路灯晚上不亮员工下班危险",
        ],
    ),
    ("积水", ["门口道路积水严重", "下雨后道路积水无法通行", "厂区道路积水车辆进不来", "道路积水排水不畅"]),
    (
        "电费补贴",
        ["电费补贴一直没到账", "电费补贴何时兑现", "希望兑现去年电费补贴", "电费补贴申报后没有兑现"],
    ),
    ("焊工", ["招不到熟练焊工", "焊工缺口很大", "技术焊工招聘困难", "熟练焊工流失严重"]),
    ("施工许可", ["施工许可证迟迟办不下来", "施工许可审批太慢", "办理施工许可材料反复补正"]),
    ("班车", ["员工通勤班车太少", "希望增开园区通勤班车", "通勤班车线路不合理"]),
    ("天然气", ["天然气压力不足影响生产", "天然气供应不稳定", "天然气管道压力低"]),
    ("入学", ["员工子女入学难", "外地员工子女入学没有学位", "子女入学需要积分太高"]),
]
PLACES = ["高新区", "经开区", "醴陵", "天元区", "荷塘区", "芦淞区", "石峰区", "渌口区", "攸县", "茶陵"]
FILLER = ["请尽快解决", "谢谢", "已反映多次", "影响正常生产", "希望相关部门协调", "", "", "麻烦跟进一下"]
NOISE_CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"


def appeal_texts(n: int, *, recurring_share: float = 0.15, seed: int = 12) -> list[str]:
    """n texts: ``recurring_share`` of them tell one of the planted problems (each in several wordings), the rest
    are one-off problems; every text carries a place name, a made-up firm name and, often, boilerplate, as real
    12345 texts do — so place names and boilerplate are common to all texts, not to one problem."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        if rng.random() < recurring_share:
            _key, variants = rng.choice(PROBLEMS)
            name = "".join(rng.choice(NOISE_CHARS) for _ in range(rng.randint(2, 4)))
            text = f"{rng.choice(PLACES)}{name}公司：{rng.choice(variants)}{rng.choice(FILLER)}"
        else:  # a one-off problem: random words
            name = "".join(rng.choice(NOISE_CHARS) for _ in range(rng.randint(2, 4)))
            words = "".join(rng.choice(NOISE_CHARS) for _ in range(rng.randint(8, 30)))
            text = f"{rng.choice(PLACES)}{name}公司：{words}{rng.choice(FILLER)}"
        out.append(text)
    return out
