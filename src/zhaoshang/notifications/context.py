"""The bell: the unread count in every page's header (one indexed count query)."""

from __future__ import annotations


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    return {"unread_notifications": user.notifications.filter(read_at__isnull=True).count()}
