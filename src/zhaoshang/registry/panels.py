"""The registry's workbench panel: how many firms, how many local, what needs checking, the last import."""

from __future__ import annotations

from django.db.models import Count, Q

from zhaoshang.accounts.scoping import can, visible
from zhaoshang.registry.models import DuplicateCandidate, Enterprise, ImportBatch
from zhaoshang.web.workbench import register_panel


@register_panel(20)
def registry_panel(request):
    user = request.user
    if not can(user, "enterprise", "view"):
        return None
    from zhaoshang.registry.services import home_prefix

    firms = visible(user, Enterprise.objects.filter(merged_into__isnull=True))
    stats = firms.aggregate(
        total=Count("id"),
        local=Count("id", filter=Q(region_code__startswith=home_prefix())),
        flagged=Count("id", filter=~Q(flags=[])),
    )
    duplicates = 0
    if can(user, "enterprise", "change"):
        duplicates = visible(
            user, DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN), "change"
        ).count()
    last = None
    if can(user, "import_batch", "view"):
        last = visible(user, ImportBatch.objects.defer("issues", "mapping")).first()
    return {"template": "registry/_panel.html", "stats": stats, "duplicates": duplicates, "last_import": last}
