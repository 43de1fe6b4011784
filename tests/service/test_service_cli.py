"""`zhaoshang service rates` and `service clusters` print only JSON with the documented keys."""

from __future__ import annotations

import json
from datetime import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from zhaoshang.service import services as s

pytestmark = pytest.mark.django_db


def cli(*args) -> dict:
    out = StringIO()
    call_command("service", *args, stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_rates_print_the_four_rates_and_their_counts(desk):
    with time_machine.travel(datetime(2025, 3, 3, 2), tick=False):  # 10:00 in Shanghai
        a = s.receive_appeal(
            desk.service, channel="phone", firm_name="甲", content="用地", category=desk.land
        )
        s.accept_appeal(desk.handler, a)
        s.close_appeal(desk.handler, a, result="solved")
        s.receive_appeal(desk.service, channel="phone", firm_name="乙", content="治安")
    data = cli("rates", "--from", "2025-03-01", "--to", "2025-03-31", "--json")
    assert (data["response_rate"], data["solve_rate"], data["on_time_rate"]) == (0.5, 1.0, 1.0)
    assert data["satisfaction_rate"] is None and data["rated"] == 0
    assert (data["received"], data["responded_in_time"], data["closed"], data["solved"]) == (2, 1, 1, 1)
    by_dept = cli("rates", "--from", "2025-03-01", "--to", "2025-03-31", "--org", desk.dept.code, "--json")
    assert by_dept["received"] == 1 and by_dept["response_rate"] == 1.0


def test_clusters_list_the_appeals_with_their_tickets(desk):
    for text in ("园区路灯不亮", "路灯坏了不亮", "晚上路灯一直不亮", "施工许可太慢", "招工难"):
        s.receive_appeal(desk.service, channel="phone", firm_name=f"{text}公司", content=text)
    today = datetime.now().date().isoformat()
    data = cli("clusters", "--from", "2020-01-01", "--to", today, "--json")
    assert len(data["clusters"]) == 1
    cluster = data["clusters"][0]
    assert "路灯" in cluster["label"]
    assert len(cluster["appeals"]) == 3
    assert all(set(a) >= {"id", "ticket"} and a["ticket"] is None for a in cluster["appeals"])
