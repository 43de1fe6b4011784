"""Ten demo policies of 株洲 (示例): realistic in kind and shape, NOT the text of real documents.

Plain data (no Django): the demo builds them through the services, the benchmark reads their clauses.
"""

from __future__ import annotations

ZZ = "4302"

POLICIES = [
    {
        "code": "ZZ-DEMO-2025-01",
        "title": "株洲市支持先进制造业高质量发展若干政策（示例）",
        "issuer": "株洲市人民政府（示例）",
        "valid_from": "2025-01-01",
        "valid_to": "2027-12-31",
        "clauses": [
            {
                "number": "第三条",
                "title": "新升规工业企业奖励",
                "text": "对首次纳入规模以上工业企业统计、注册地在本市的制造业企业，给予一次性奖励10万元。",
                "benefit": "一次性奖励10万元",
                "amount_wan": 10,
                "no_application": True,
                "conditions": [
                    {"kind": "region", "in": [ZZ]},
                    {"kind": "industry", "in": ["C"]},
                    {"kind": "qualification", "any": ["规上"]},
                ],
            },
            {
                "number": "第五条",
                "title": "技术改造补助",
                "text": "制造业企业实施技术改造，设备投资500万元以上的，按设备投资额的8%给予补助，最高500万元。",
                "benefit": "设备投资额8%，最高500万元",
                "amount_wan": 500,
                "no_application": False,
                "conditions": [
                    {"kind": "region", "in": [ZZ]},
                    {"kind": "industry", "in": ["C"]},
                    {"kind": "project_investment", "min": 500},
                ],
            },
        ],
    },
    {
        "code": "ZZ-DEMO-2025-02",
        "title": "株洲市高新技术企业培育奖励办法（示例）",
        "issuer": "株洲市科学技术局（示例）",
        "valid_from": "2025-03-01",
        "valid_to": "2027-02-28",
        "clauses": [
            {
                "number": "第四条",
                "title": "首次认定高新技术企业奖励",
                "text": "对首次认定为国家高新技术企业的本市企业，给予20万元奖励。",
                "benefit": "奖励20万元",
                "amount_wan": 20,
                "no_application": True,
                "conditions": [
                    {"kind": "region", "in": [ZZ]},
                    {"kind": "qualification", "any": ["高新技术企业"]},
                ],
            },
            {
                "number": "第六条",
                "title": "研发投入后补助",
                "text": "高新技术企业上年度研发投入占营业收入比例不低于5%、营业收入不低于2000万元的，按研发投入增量的10%给予补助。",
                "benefit": "研发投入增量10%",
                "amount_wan": 100,
                "no_application": True,
                "conditions": [
                    {"kind": "region", "in": [ZZ]},
                    {"kind": "qualification", "any": ["高新技术企业"]},
                    {"kind": "rd_ratio", "min": 5},
                    {"kind": "revenue", "min": 2000},
                ],
            },
        ],
    },
    {
        "code": "ZZ-DEMO-2025-03",
        "title": "株洲市专精特新中小企业梯度培育措施（示例）",
        "issuer": "株洲市工业和信息化局（示例）",
        "valid_from": "2025-01-01",
        "valid_to": "2026-12-31",
        "clauses": [
            {
                "number": "第二条",
                "title": "专精特新中小企业奖励",
                "text": '对新认定的省级专精特新中小企业给予10万元奖励；国家级专精特新"小巨人"企业给予50万元奖励。',
                "benefit": "10万元/50万元",
                "amount_wan": 10,
                "no_application": True,
                "conditions": [
                    {"kind": "region", "in": [ZZ]},
                    {"kind": "qualification", "any": ["专精特新", "小巨人"]},
                    {"kind": "employees", "max": 1000},
                ],
            },
        ],
    },
    {
        "code": "ZZ-DEMO-2025-04",
        "title": "株洲市轨道交通装备产业链扶持政策（示例）",
        "issuer": "株洲市轨道交通装备产业链链长办（示例）",
        "valid_from": "2025-06-01",
        "valid_to": "2028-05-31",
        "clauses": [
            {
                "number": "第三条",
                "title": "链上配套企业落地奖励",
                "text": "轨道交通装备产业链上的配套企业新落户本市、固定资产投资1亿元以上的，按实际投资额的3%给予奖励。",
                "benefit": "实际投资额3%",
                "amount_wan": 1000,
                "no_application": False,
                "conditions": [
                    {"kind": "chain_node", "in": ["轨道交通装备"]},
                    {"kind": "project_investment", "min": 10000},
                    {"kind": "project_stage", "in": ["signed", "registered", "construction", "production"]},
                ],
            },
            {
                "number": "第五条",
                "title": "本地配套采购奖励",
                "text": "链上企业年营业收入5000万元以上的，对其采购本地配套产品给予采购额1%奖励。",
                "benefit": "本地采购额1%",
                "amount_wan": 200,
                "no_application": True,
                "conditions": [
                    {"kind": "region", "in": [ZZ]},
                    {"kind": "chain_node", "in": ["轨道交通装备"]},
                    {"kind": "revenue", "min": 5000},
                ],
            },
        ],
    },
    {
        "code": "ZZ-DEMO-2025-05",
        "title": "株洲市稳岗就业支持政策（示例）",
        "issuer": "株洲市人力资源和社会保障局（示例）",
        "valid_from": "2025-01-01",
        "valid_to": "2025-12-31",
        "clauses": [
            {
                "number": "第一条",
                "title": "稳岗返还",
                "text": "上年度未裁员或裁员率不高于5.5%、参保职工30人以上的企业，按上年度实际缴纳失业保险费的60%返还。",
                "benefit": "失业保险费60%返还",
                "amount_wan": 5,
                "no_application": True,
                "conditions": [{"kind": "region", "in": [ZZ]}, {"kind": "employees", "min": 30}],
            },
        ],
    },
    {
        "code": "ZZ-DEMO-2025-06",
        "title": "株洲市初创科技型企业扶持办法（示例）",
        "issuer": "株洲市科学技术局（示例）",
        "valid_from": "2025-01-01",
        "valid_to": "2027-12-31",
        "clauses": [
            {
                "number": "第三条",
                "title": "初创企业房租减免",
                "text": '成立不满3年、入驻本市孵化载体的科技型企业，三年内房租"两免一减半"。',
                "benefit": "房租两免一减半",
                "amount_wan": 15,
                "no_application": False,
                "conditions": [
                    {"kind": "region", "in": [ZZ]},
                    {"kind": "firm_age", "max": 3},
                    {"kind": "industry", "in": ["I", "M"]},
                ],
            },
        ],
    },
    {
        "code": "ZZ-DEMO-2025-07",
        "title": "株洲市制造业企业研发费用补助（示例）",
        "issuer": "株洲市财政局（示例）",
        "valid_from": "2025-01-01",
        "valid_to": "2026-12-31",
        "clauses": [
            {
                "number": "第二条",
                "title": "研发费用加计扣除后补助",
                "text": "享受研发费用加计扣除、研发投入占比3%以上、上年纳税100万元以上的制造业企业，按加计扣除额的5%补助。",
                "benefit": "加计扣除额5%",
                "amount_wan": 50,
                "no_application": True,
                "conditions": [
                    {"kind": "region", "in": [ZZ]},
                    {"kind": "industry", "in": ["C"]},
                    {"kind": "rd_ratio", "min": 3},
                    {"kind": "tax", "min": 100},
                ],
            },
        ],
    },
    {
        "code": "ZZ-DEMO-2025-08",
        "title": "株洲市重大项目招商引资奖励办法（示例）",
        "issuer": "株洲市商务局（示例）",
        "valid_from": "2025-01-01",
        "valid_to": "2027-12-31",
        "clauses": [
            {
                "number": "第四条",
                "title": "重大项目开工奖励",
                "text": "计划投资5亿元以上的产业项目，在签约后6个月内开工的，给予项目引进单位和投资方奖励。",
                "benefit": "按投资额分档奖励",
                "amount_wan": 300,
                "no_application": False,
                "conditions": [
                    {"kind": "project_investment", "min": 50000},
                    {"kind": "project_stage", "in": ["construction", "production"]},
                ],
            },
            {
                "number": "第六条",
                "title": "注册资本到位奖励",
                "text": "新设立、注册资本5000万元以上且实缴到位的企业，给予注册资本1%的奖励。",
                "benefit": "注册资本1%",
                "amount_wan": 100,
                "no_application": True,
                "conditions": [
                    {"kind": "region", "in": [ZZ]},
                    {"kind": "capital", "min": 5000},
                    {"kind": "firm_age", "max": 2},
                ],
            },
        ],
    },
    {
        "code": "ZZ-DEMO-2025-09",
        "title": "醴陵市陶瓷产业转型升级扶持政策（示例）",
        "issuer": "醴陵市人民政府（示例）",
        "valid_from": "2025-01-01",
        "valid_to": "2026-12-31",
        "clauses": [
            {
                "number": "第三条",
                "title": "陶瓷企业智能化改造补贴",
                "text": "醴陵市陶瓷企业实施窑炉智能化改造的，按投资额的10%给予补贴，最高200万元。",
                "benefit": "投资额10%，最高200万元",
                "amount_wan": 200,
                "no_application": False,
                "conditions": [{"kind": "region", "in": ["430281"]}, {"kind": "industry", "in": ["307"]}],
            },
        ],
    },
    {
        "code": "ZZ-DEMO-2025-10",
        "title": "株洲高新区企业上市挂牌奖励（示例）",
        "issuer": "株洲高新技术产业开发区管委会（示例）",
        "valid_from": "2025-01-01",
        "valid_to": "2027-12-31",
        "clauses": [
            {
                "number": "第二条",
                "title": "股改奖励",
                "text": "注册在高新区、营业收入1亿元以上并完成股份制改造的企业，给予50万元奖励。",
                "benefit": "奖励50万元",
                "amount_wan": 50,
                "no_application": True,
                "conditions": [{"kind": "region", "in": ["430211"]}, {"kind": "revenue", "min": 10000}],
            },
        ],
    },
]
