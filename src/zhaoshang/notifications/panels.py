"""Workbench panel: the user's latest unread notifications (every role)."""

from __future__ import annotations

from zhaoshang.web.workbench import register_panel

LIMIT = 5


@register_panel(5)
def notifications_panel(request):
    unread = list(
        request.user.notifications.filter(read_at__isnull=True).order_by("-day", "-created_at")[: LIMIT + 1]
    )
    if not unread:
        return None
    return {"template": "notifications/panel.html", "notes": unread[:LIMIT], "more": len(unread) > LIMIT}
