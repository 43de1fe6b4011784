"""Which park a firm is in: rules per park (editable), applied after imports and on demand; set by hand too.

A hand-set park is never overwritten by rules; rule-placed firms follow the rules when they change.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.accounts.models import Organisation
from zhaoshang.accounts.types import Actor
from zhaoshang.core import audit
from zhaoshang.core.errors import DomainError
from zhaoshang.registry.core.parks import ParkRule as PlainRule
from zhaoshang.registry.core.parks import match_park
from zhaoshang.registry.models import Enterprise, FirmPark, ParkRule

PARK_KINDS = ("park", "town")


class ParkError(DomainError):
    code = "park_invalid"


def _plain_rules() -> list[PlainRule]:
    return [PlainRule(r.park_id, r.kind, r.pattern, r.priority) for r in ParkRule.objects.all()]


@transaction.atomic
def add_rule(actor: Actor, park: Organisation, *, kind: str, pattern: str, priority: int = 0) -> ParkRule:
    if park.kind not in PARK_KINDS:
        raise ParkError(_("Rules can be set only for a park or a town (subdistrict)"))
    if kind not in ParkRule.Kind.values:
        raise ParkError(_("Unknown rule type “%(kind)s”") % {"kind": kind})
    pattern = (pattern or "").strip()
    if not pattern:
        raise ParkError(_("Fill in an address keyword or a region code"))
    if kind == ParkRule.Kind.REGION and not pattern.isdigit():
        raise ParkError(_("A region code rule can only be digits (the beginning of the code)"))
    if ParkRule.objects.filter(park=park, kind=kind, pattern=pattern).exists():
        raise ParkError(_("This rule already exists"))
    return audit.create(actor, ParkRule, park=park, kind=kind, pattern=pattern, priority=priority)


@transaction.atomic
def remove_rule(actor: Actor, rule: ParkRule) -> None:
    audit.delete(actor, rule)


@transaction.atomic
def set_park(
    actor: Actor, firm: Enterprise, park: Organisation | None, *, source: str = FirmPark.Source.MANUAL
) -> None:
    """Put the firm in ``park`` by hand (or by an import's column); None removes it (rules may place it again)."""
    link = FirmPark.objects.filter(enterprise=firm).first()
    if park is None:
        if link:
            audit.delete(actor, link)
        return
    if park.kind not in PARK_KINDS:
        raise ParkError(_("A firm can only be put in a park or a town (subdistrict)"))
    if link is None:
        audit.create(actor, FirmPark, enterprise=firm, park=park, source=source)
    else:
        audit.update(actor, link, park=park, source=source, rule=None)


@transaction.atomic
def assign_parks(firms: Any = None, *, actor: Actor = None) -> dict[str, int]:
    """Apply the rules to firms not set by hand (all firms, or the queryset given); counts placed/moved/removed."""
    rules = _plain_rules()
    by_pk = {r.pk: r for r in ParkRule.objects.all()}
    rule_ids = {(r.park_id, r.kind, r.pattern): r.pk for r in by_pk.values()}
    firms = firms if firms is not None else Enterprise.objects.all()
    links = {
        link.enterprise_id: link
        for link in FirmPark.objects.filter(enterprise__in=firms.values("pk")).exclude(
            source=FirmPark.Source.MANUAL
        )
    }
    manual = set(
        FirmPark.objects.filter(source=FirmPark.Source.MANUAL, enterprise__in=firms.values("pk")).values_list(
            "enterprise_id", flat=True
        )
    )
    counts = {"placed": 0, "moved": 0, "removed": 0, "unchanged": 0}
    new_links = []
    for pk, address, region in firms.values_list("pk", "address", "region_code").iterator(chunk_size=5000):
        if pk in manual:
            continue
        rule = match_park(address, region, rules)
        link = links.get(pk)
        if rule is None:
            if link is not None and link.source == FirmPark.Source.RULE:
                link.delete()
                counts["removed"] += 1
            continue
        rule_id = rule_ids[(rule.park_id, rule.kind, rule.pattern)]
        if link is None:
            new_links.append(
                FirmPark(enterprise_id=pk, park_id=rule.park_id, source=FirmPark.Source.RULE, rule_id=rule_id)
            )
            counts["placed"] += 1
        elif link.source == FirmPark.Source.RULE and (link.park_id, link.rule_id) != (rule.park_id, rule_id):
            FirmPark.objects.filter(pk=link.pk).update(park_id=rule.park_id, rule_id=rule_id)
            counts["moved"] += 1
        else:
            counts["unchanged"] += 1
    FirmPark.objects.bulk_create(new_links, batch_size=2000)
    if actor is not None and (counts["placed"] or counts["moved"] or counts["removed"]):
        from zhaoshang.core.models import AuditEntry

        AuditEntry.objects.create(
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=getattr(actor, "username", "system"),
            action="update",
            model="registry.firmpark",
            object_id="*",
            object_repr="园区归属（按规则）",
            changes=counts,
        )
    return counts


def after_import(batch: Any, *, actor: Actor = None) -> None:
    """Hook: place the firms of a finished import by the rules."""
    assign_parks(Enterprise.objects.filter(import_batch=batch))


def firms_in(park: Organisation):
    """The firms placed in this park (or a park below it)."""
    return Enterprise.objects.filter(park_link__park__path__startswith=park.path)


# --------------------------------------------------------------------------------------------- the import's column

PARK_UNKNOWN = "park_unknown"


def _park_key(text: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text or "").split()).lower()


class ImportParks:
    """The 园区 column of a firm import: each row's park named by its name or code (an existing park or town
    organisation, else a row warning and no park), applied to the row's firm when the import writes it.

    ``resolve`` wraps the scan's row outcomes (adding the warning in place); ``apply`` runs inside the import's
    transaction after the rows are written, so a dry run or a refused import leaves nothing. A park set by hand is
    kept (as the rules do); one set by rules or an earlier import is replaced.
    """

    def __init__(self, header: str) -> None:
        self.header = header
        self.by_key: dict[str, Organisation] = {}
        for org in Organisation.objects.filter(kind__in=PARK_KINDS).order_by("path"):
            for key in (_park_key(org.name), _park_key(org.code)):
                self.by_key.setdefault(key, org)
        # (credit code or None, name key) → park of the row
        self.wanted: dict[tuple[str | None, str], Organisation] = {}

    def resolve(self, outcomes: Any) -> Any:
        from zhaoshang.tabular.issues import RowIssue

        for outcome in outcomes:
            record = outcome.record
            if record is not None and record.park and outcome.status != "rejected":
                park = self.by_key.get(_park_key(record.park))
                if park is None:
                    outcome.issues.append(
                        RowIssue(
                            outcome.row,
                            self.header,
                            record.park,
                            PARK_UNKNOWN,
                            f"园区“{record.park}”不是系统中的园区或乡镇（街道），本行未归入园区；请填写已有园区的名称或代码",
                            "warning",
                        )
                    )
                    if outcome.status == "ok":
                        outcome.status = "flagged"
                else:
                    self.wanted[(record.uscc, record.name_key)] = park
            yield outcome

    def apply(self, actor: Actor, firm_ids: set[int]) -> int:
        """Put the firms (among ``firm_ids``: those this import wrote or may change) in their rows' parks."""
        if not self.wanted or not firm_ids:
            return 0
        by_code: dict[str, int] = {}
        by_name: dict[str, int] = {}
        for pk, code, key in (
            Enterprise.objects.filter(pk__in=firm_ids, merged_into__isnull=True)
            .values_list("pk", "uscc", "name_key")
            .order_by("pk")
        ):
            if code:
                by_code[code] = pk
            by_name.setdefault(key, pk)
        target: dict[int, int] = {}
        for (code, key), park in self.wanted.items():
            found = by_code.get(code) if code else None
            found = found or by_name.get(key)
            if found is not None:
                target[found] = park.pk
        links = {link.enterprise_id: link for link in FirmPark.objects.filter(enterprise_id__in=target)}
        new, changed = [], []
        for pk, park_id in target.items():
            link = links.get(pk)
            if link is None:
                new.append(FirmPark(enterprise_id=pk, park_id=park_id, source=FirmPark.Source.IMPORT))
            elif link.source != FirmPark.Source.MANUAL and (link.park_id, link.source) != (
                park_id,
                FirmPark.Source.IMPORT,
            ):
                link.park_id, link.source, link.rule_id = park_id, FirmPark.Source.IMPORT, None
                changed.append(link)
        FirmPark.objects.bulk_create(new, batch_size=2000)
        FirmPark.objects.bulk_update(changed, ["park", "source", "rule"], batch_size=2000)
        if new or changed:
            from zhaoshang.core.models import AuditEntry

            AuditEntry.objects.create(
                actor=actor if getattr(actor, "pk", None) else None,
                actor_name=getattr(actor, "username", "system"),
                action="update",
                model="registry.firmpark",
                object_id="*",
                object_repr="园区归属（按导入的园区列）",
                changes={"placed": len(new), "moved": len(changed)},
            )
        return len(new) + len(changed)
