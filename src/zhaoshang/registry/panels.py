"""The registry's workbench panel: how many firms, how many local, what needs checking, the last import.

Counting every firm is the workbench's dearest query (a million rows), and the counts change only when firms do:
they are kept per user until a firm is added or anything audited changes (every change to a firm is audited).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Q

from zhaoshang.accounts.scoping import can, visible
from zhaoshang.core.models import AuditEntry
from zhaoshang.registry.models import DuplicateCandidate, Enterprise, ImportBatch
from zhaoshang.web.workbench import register_panel

#: the longest the counts are kept (a change made outside the product, e.g. in the database, shows after this)
COUNTS_SECONDS = 600


@register_panel(20)
def registry_panel(request):
    user = request.user
    if not can(user, "enterprise", "view"):
        return None
    from zhaoshang.registry.services import home_prefix

    firms = visible(user, Enterprise.objects.filter(merged_into__isnull=True))
    prefix = home_prefix()
    version = (
        Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first(),
        AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first(),
    )
    stats = cache.get_or_set(
        f"registry:panel-counts:{user.pk}:{prefix}:{version[0]}:{version[1]}",
        lambda: firms.aggregate(
            total=Count("id"),
            local=Count("id", filter=Q(region_code__startswith=prefix)),
            flagged=Count("id", filter=~Q(flags=[])),
        ),
        timeout=COUNTS_SECONDS,
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
