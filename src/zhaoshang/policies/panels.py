"""Workbench panel: the 免申即享 pushes assigned to me that are not paid yet."""

from __future__ import annotations

from zhaoshang.accounts.scoping import can, visible
from zhaoshang.policies.models import Push
from zhaoshang.web.workbench import register_panel

LIMIT = 12


@register_panel(50)
def pushes_panel(request):
    user = request.user
    if not can(user, "policy_push", "change"):
        return None
    pushes = visible(
        user, Push.objects.filter(assignee=user).exclude(state__in=[Push.State.PAID, Push.State.DECLINED])
    )
    rows = list(pushes.select_related("enterprise", "clause__policy").order_by("eligible_on", "id")[:LIMIT])
    if not rows:
        return None
    return {"template": "policies/panel_pushes.html", "pushes": rows}
