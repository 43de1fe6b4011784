"""Throttle failed logins per IP address across usernames (django-axes counts each username + IP pair).

One password tried against many accounts from one address is the spray that a per-pair limit never slows. This
backend runs before axes: when an address has ``LOGIN_IP_FAILURE_LIMIT`` failed logins (any usernames) within the
cool-off time, it refuses the login and marks the request locked out, so that axes' middleware answers with its
lockout page. Failures are counted from axes' own records, so the count is shared by every server process.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.utils import timezone


def ip_failures(ip_address: str) -> int:
    """Failed logins from ``ip_address`` within the cool-off time, whatever the username."""
    from axes.models import AccessAttempt

    since = timezone.now() - timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return int(total or 0)


class IpThrottleBackend:
    """An authentication backend that authenticates no one: it only refuses addresses over the limit."""

    def authenticate(self, request, **credentials):  # noqa: ANN001, ANN201 - Django's backend protocol
        if request is None or not getattr(settings, "AXES_ENABLED", True):
            return None
        from axes.helpers import get_client_ip_address

        ip_address = get_client_ip_address(request)
        if ip_address and ip_failures(ip_address) >= settings.LOGIN_IP_FAILURE_LIMIT:
            request.axes_locked_out = True
            raise PermissionDenied("too many failed logins from this address")
        return None

    # No get_user: this backend never logs anyone in (and Django's test client skips it for force_login).
