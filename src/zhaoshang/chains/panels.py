"""The chains workbench panel: suggestions waiting for review and the home region's rail/IC/notebook coverage."""

from __future__ import annotations

from zhaoshang.accounts.scoping import can, visible
from zhaoshang.chains.models import Chain, NodeAssignment
from zhaoshang.web.workbench import register_panel


@register_panel(30)
def chains_panel(request):
    user = request.user
    if not can(user, "chain", "view"):
        return None
    pending = 0
    if can(user, "chain_assignment", "change"):
        pending = visible(user, NodeAssignment.objects.filter(status=NodeAssignment.Status.SUGGESTED)).count()
    return {
        "template": "chains/panel.html",
        "chains": list(Chain.objects.values("slug", "name")),
        "pending": pending,
    }
