"""The demo's approval cases, promises and policies (示例): one fast case, one slow, one overdue promise, ten
policies with a 免申即享 list."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_fast_and_a_slow_case_an_overdue_promise_and_ten_policies():
    from zhaoshang.approvals import services
    from zhaoshang.approvals.models import ApprovalCase, Promise
    from zhaoshang.demo import build_demo
    from zhaoshang.policies.models import Policy, Push

    build_demo()
    fast = ApprovalCase.objects.get(project__name="功率半导体器件产线")
    slow = ApprovalCase.objects.get(project__name="航空发动机精密零件项目")
    assert fast.is_demo and slow.is_demo
    fast_summary, slow_summary = services.case_summary(fast), services.case_summary(slow)
    assert fast_summary["days"]["licence"] is not None and fast_summary["days"]["licence"] <= 35
    assert (
        slow_summary["trips"]["trips"] >= 10
        and slow_summary["trips"]["trips"] > 3 * fast_summary["trips"]["trips"]
    )
    assert services.case_timeline(slow).late_items
    overdue = services.overdue_promises(Promise.objects.all())
    assert overdue.count() == 1 and overdue.get().is_demo
    assert Policy.objects.filter(is_demo=True).count() == 10 == Policy.objects.count()
    assert Push.objects.filter(is_demo=True).exists() and Push.objects.filter(state="paid").count() == 1
