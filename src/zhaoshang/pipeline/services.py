"""Pipeline services: every write to projects, follow-ups, tasks, coordination items and carriers.

Views, the API, the CLI, the demo and the tests call these; each owns its transaction and audit record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from zhaoshang.accounts.models import Organisation, User
from zhaoshang.accounts.scoping import check_reference, visible
from zhaoshang.accounts.types import Actor
from zhaoshang.core import audit, hooks
from zhaoshang.core.errors import DomainError
from zhaoshang.core.locking import claim_version
from zhaoshang.pipeline import config
from zhaoshang.pipeline.core import carriers as carrier_core
from zhaoshang.pipeline.core import meeting as meeting_core
from zhaoshang.pipeline.core.followup import callback_due, new_registration_due
from zhaoshang.pipeline.core.ranking import RankingError
from zhaoshang.pipeline.core.stages import StageError, TransitionCheck, check_transition
from zhaoshang.pipeline.models import (
    Carrier,
    CoordinationItem,
    ExtensionRequest,
    FollowUp,
    ItemEvent,
    Project,
    StageEvent,
    Task,
)
from zhaoshang.registry.core.names import clean_name, name_key
from zhaoshang.registry.core.uscc import normalise as normalise_uscc
from zhaoshang.registry.models import Enterprise


class PipelineError(DomainError):
    """A request the pipeline refuses; the message is in Chinese for the user."""

    code = "invalid"


class StageRequirementsMissing(PipelineError):
    """A stage move refused; ``reason`` is the stage core's code of why (``stage_entry_missing``, …)."""

    code = "stage_requirements_missing"

    def __init__(self, message: str, missing: list[tuple[str, str]], **params: Any):
        super().__init__(message, **params)
        self.missing = missing


def _core_error(exc: DomainError) -> PipelineError:
    """A core's error as the pipeline's, with its code and params (the edges say it in the user's language)."""
    return PipelineError(exc.message, code=exc.code, **exc.params)


def transition_params(check: TransitionCheck) -> dict[str, Any]:
    """A stage check's params for its English sentence: the stages' configured English names and the missing
    fields' English names (the core has only their Chinese labels). In Chinese the core's own sentence is said."""
    params = {k: v for k, v in check.params.items() if k != "fields"}
    model = config.stage_model()
    for key in ("stage", "current"):
        code = str(params.get(f"{key}_code") or "")
        if code in model:
            params[key] = model.get(code).name_en or params[key]
    if "fields" in check.params:
        with translation.override("en"):
            params["missing"] = ", ".join(_field_label(name) for name in check.params["fields"])
    return params


def transition_message(check: TransitionCheck) -> str:
    """A stage check's sentence in the active language (the core's Chinese, or its code's sentence)."""
    from zhaoshang.core.messages import error_message

    return error_message(DomainError(check.message_zh, code=check.code, **transition_params(check)))


def _field_label(name: str) -> str:
    if name == "reason":
        return _("reason")
    try:
        field = Project._meta.get_field(name.removesuffix("_id"))
    except FieldDoesNotExist:  # a configured field the model does not have: say its name
        return name
    return str(getattr(field, "verbose_name", name))


def _today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------------------
# Investors and projects


def _visible_to(actor: Actor, queryset: QuerySet) -> QuerySet:
    """The records of ``queryset`` the actor may see (all of them for the system: the CLI and the demo)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return queryset
    return visible(actor, queryset)


def _check_field_references(actor: Actor, fields: dict[str, Any]) -> None:
    """The references among a project's plain fields: its carrier and its owner."""
    check_reference(actor, fields.get("carrier"), field="载体")
    check_reference(actor, fields.get("owner"), field="责任人")


def find_or_create_investor(
    actor: Actor, *, name: str, uscc: str = "", organisation: Organisation
) -> Enterprise:
    """The registry firm with this credit code (or else this normalised name), created when new."""
    name = clean_name(name or "")
    code = normalise_uscc(uscc) if uscc else ""
    if code:
        found = Enterprise.objects.filter(uscc=code).first()
        if found:
            check_reference(actor, found, field="投资方")
            return found
    if not name:
        raise PipelineError(_("Please fill in the investor's name"))
    key = name_key(name)
    found = _visible_to(actor, Enterprise.objects.filter(name_key=key)).order_by("id").first()
    if found:
        return found
    firm = audit.create(
        actor,
        Enterprise,
        name=name,
        name_key=key,
        uscc=code or None,
        uscc_raw=uscc or "",
        organisation=organisation,
        source="招商项目",
    )
    hooks.run_firms_changed(actor, [firm.pk])  # placed on chain nodes at once
    return firm


PROJECT_FIELDS = {
    "description",
    "source_ref",
    "planned_investment_wan",
    "expected_output_wan",
    "expected_tax_wan",
    "expected_jobs",
    "first_contact_date",
    "visit_date",
    "signed_date",
    "signed_amount_wan",
    "location",
    "carrier",
    "registered_uscc",
    "construction_start_date",
    "production_start_date",
    "hold_reason",
    "drop_reason",
    "need_kind",
    "need_area",
    "need_area_unit",
    "need_floor_load_kn_m2",
    "need_power_kva",
    "need_max_price",
    "need_available_by",
    "owner",
    "name",
    "source",
}


@transaction.atomic
def create_project(
    actor: Actor,
    *,
    name: str,
    organisation: Organisation,
    investor: Enterprise | None = None,
    investor_name: str = "",
    investor_uscc: str = "",
    owner: User | None = None,
    nodes: Iterable[Any] = (),
    source: str = Project.Source.OTHER,
    created_on: dt.date | None = None,
    **fields: Any,
) -> Project:
    """A new project in the first stage (线索); the investor is found in the registry or created."""
    unknown = set(fields) - PROJECT_FIELDS
    if unknown:
        raise TypeError(f"unknown project fields: {sorted(unknown)}")
    nodes = list(nodes)
    check_reference(actor, organisation, field="招商主体", file_under=True)
    check_reference(actor, investor, field="投资方")
    check_reference(actor, owner, field="责任人")
    check_reference(actor, nodes, field="产业链节点")
    _check_field_references(actor, fields)
    if investor is None:
        investor = find_or_create_investor(
            actor, name=investor_name, uscc=investor_uscc, organisation=organisation
        )
    first = config.stage_model().main_stages[0].code
    created_at = timezone.now()
    if created_on is not None:
        created_at = timezone.make_aware(dt.datetime.combine(created_on, dt.time(9, 0)))
    day = timezone.localtime(created_at).date()
    project = audit.create(
        actor,
        Project,
        name=name.strip(),
        organisation=organisation,
        investor=investor,
        owner=owner,
        source=source,
        stage=first,
        stage_changed_on=day,
        quiet_since=day,
        created_at=created_at,
        created_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )
    if nodes:
        project.nodes.set(nodes)
        audit.record(actor, "update", project, {"nodes": [[], [getattr(n, "pk", n) for n in nodes]]})
    StageEvent.objects.create(
        project=project,
        from_stage="",
        to_stage=first,
        date=day,
        team=organisation,
        by=actor if getattr(actor, "pk", None) else None,
    )
    return project


@transaction.atomic
def update_project(
    actor: Actor, project: Project, *, expected_version: int | None = None, **fields: Any
) -> dict:
    """Change a project's data (not its stage: that is `advance_project`).

    ``expected_version``: the version the editor read; when the project changed since, :class:`StaleEdit` (nothing
    written). Every edit moves the version on."""
    unknown = set(fields) - PROJECT_FIELDS - {"nodes"}
    if unknown or "stage" in fields:
        raise TypeError(f"not editable here: {sorted(unknown | ({'stage'} & set(fields)))}")
    nodes = fields.pop("nodes", None)
    old_owner_id = project.owner_id
    if nodes is not None:
        nodes = list(nodes)
        check_reference(actor, nodes, field="产业链节点")
    _check_field_references(actor, fields)
    claim_version(project, expected_version)
    changed = audit.update(actor, project, **fields)
    if "owner" in changed:
        _hand_over(actor, project, old_owner_id)
    if nodes is not None:
        before = set(project.nodes.values_list("pk", flat=True))
        after = {getattr(n, "pk", n) for n in nodes}
        if before != after:
            project.nodes.set(after)
            audit.record(actor, "update", project, {"nodes": [sorted(before), sorted(after)]})
            changed["nodes"] = [sorted(before), sorted(after)]
    return changed


def _hand_over(actor: Actor, project: Project, old_owner_id: int | None) -> None:
    """A new owner takes the project with its whole history (follow-ups, stages, items stay on the project); open
    callback tasks move to the new owner; both owners are told."""
    from django.urls import reverse

    from zhaoshang.notifications.messages import Notice
    from zhaoshang.notifications.services import notify

    new_owner = project.owner
    for task in project.tasks.filter(done_at__isnull=True, assignee_id=old_owner_id):
        audit.update(actor, task, note="项目移交", assignee=new_owner)
    url = reverse("pipeline:detail", args=[project.pk])
    old_owner = User.objects.filter(pk=old_owner_id).first() if old_owner_id else None
    by = getattr(actor, "display_name", "")
    if new_owner is not None:
        # said in each reader's language (pipeline.messages.NOTICES)
        told = (
            Notice("project_handed_over_to_you", {"project": project.name, "by": by})
            if by
            else Notice("project_handed_over_to_you_by_system", {"project": project.name})
        )
        notify(new_owner, "project_handed_over", project, told, url)
    if old_owner is not None and old_owner != new_owner:
        owner = new_owner.display_name if new_owner else "—"
        told = Notice("project_handed_over_to_other", {"project": project.name, "owner": owner})
        notify(old_owner, "project_handed_over", project, told, url)


def check_advance(project: Project, target_stage: str, *, reason: str = "", **fields: Any):
    """What `advance_project` would say, without writing."""
    values = project.stage_fields()
    for name, value in fields.items():
        values["carrier_id" if name == "carrier" else name] = getattr(value, "pk", value)
    try:
        return check_transition(
            project.stage, target_stage, values, reason=reason or None, model=config.stage_model()
        )
    except StageError as exc:
        raise _core_error(exc) from None


@transaction.atomic
def advance_project(
    actor: Actor,
    project: Project,
    target_stage: str,
    *,
    reason: str = "",
    on: dt.date | None = None,
    **fields: Any,
) -> StageEvent:
    """Move the project to ``target_stage``, saving ``fields`` (the data the stage needs) with it.

    Raises :class:`StageRequirementsMissing` (its message in the active language, the core's code as ``reason``)
    when something is missing; nothing is written then.
    """
    unknown = set(fields) - PROJECT_FIELDS
    if unknown:
        raise TypeError(f"unknown project fields: {sorted(unknown)}")
    _check_field_references(actor, fields)
    result = check_advance(project, target_stage, reason=reason, **fields)
    if not result.ok:
        raise StageRequirementsMissing(transition_message(result), result.missing, reason=result.code)
    day = on or _today()
    origin = project.stage
    claim_version(project, None)
    audit.update(actor, project, note=reason, stage=target_stage, stage_changed_on=day, **fields)
    return StageEvent.objects.create(
        project=project,
        from_stage=origin,
        to_stage=target_stage,
        date=day,
        team_id=project.organisation_id,
        by=actor if getattr(actor, "pk", None) else None,
        reason=reason,
    )


def _same_investor_ids(investor: Enterprise) -> QuerySet[Enterprise, Any]:
    """Registry firms that are this investor: itself, the same credit code, the same normalised name (indexed
    columns of the registry, so the projects are then found through their investor index)."""
    match = Q(pk=investor.pk)
    if investor.uscc:
        match |= Q(uscc=investor.uscc)
    if investor.name_key:
        match |= Q(name_key=investor.name_key)
    return Enterprise.objects.filter(match).values("pk")


def duplicate_investor_warning(project: Project) -> list[dict[str, str]]:
    """Other teams working the same investor (same firm, credit code or normalised name).

    Names only the team and its contact person (the other project's owner): the other project's details stay
    within that team's scope. Dropped projects do not count.
    """
    dropped = config.stage_model().stage_of_kind("dropped")
    others = (
        Project.objects.filter(investor_id__in=_same_investor_ids(project.investor))
        .exclude(organisation_id=project.organisation_id)
        .exclude(stage=dropped.code if dropped else "")
        .select_related("organisation", "owner")
        .order_by("organisation__name", "id")
    )
    seen: dict[int, dict[str, str]] = {}
    for other in others:
        if other.organisation_id in seen:
            continue
        owner = other.owner
        seen[other.organisation_id] = {
            "team": other.organisation.name,
            "contact": owner.display_name if owner else "",
            "phone": owner.phone if owner else "",
        }
    return list(seen.values())


def duplicate_warning_text(warnings: list[dict[str, str]]) -> str:
    """The other teams working the same investor, as one sentence in the active language ("" when none)."""
    from zhaoshang.core.messages import is_chinese

    if not warnings:
        return ""
    parts = []
    for w in warnings:
        if not w["contact"]:
            contact = _("(no contact person named)")
        elif w["phone"]:
            contact = _("%(contact)s (%(phone)s)") % {"contact": w["contact"], "phone": w["phone"]}
        else:
            contact = w["contact"]
        parts.append(_("“%(team)s”, contact %(contact)s") % {"team": w["team"], "contact": contact})
    return _(
        "Other investment teams are following this investor too: %(teams)s. Please talk to them first so the investor is not approached twice."
    ) % {"teams": ("；" if is_chinese() else "; ").join(parts)}


@transaction.atomic
def create_lead_from_target(
    actor: Actor,
    *,
    chain: str,
    node_key: str,
    enterprise_id: int,
    organisation: Organisation,
    owner: User | None = None,
) -> tuple[Project, bool]:
    """A chain target (chain slug, node key, enterprise id) becomes a lead of the team; (project, created).

    Running it twice for the same team returns the existing project."""
    from zhaoshang.chains.models import ChainNode

    node = ChainNode.objects.select_related("chain").filter(chain__slug=chain, key=node_key).first()
    if node is None:
        raise PipelineError(
            _("The chain “%(chain)s” has no node “%(node)s”") % {"chain": chain, "node": node_key}
        )
    investor = Enterprise.objects.filter(pk=enterprise_id).first()
    if investor is None:
        raise PipelineError(_("The company %(id)s does not exist") % {"id": enterprise_id})
    ref = f"{chain}:{node_key}:{enterprise_id}"
    existing = Project.objects.filter(organisation=organisation, source_ref=ref).first()
    if existing:
        return existing, False
    project = create_project(
        actor,
        name=f"{investor.name}（{node.name}）",
        organisation=organisation,
        investor=investor,
        owner=owner,
        nodes=[node],
        source=Project.Source.TARGET_LIST,
        source_ref=ref,
    )
    return project, True


# ---------------------------------------------------------------------------------------------------------
# Follow-ups and tasks


@transaction.atomic
def record_followup(
    actor: Actor,
    project: Project,
    *,
    date: dt.date,
    content: str,
    way: str = FollowUp.Way.CALL,
    participants: str = "",
    next_action: str = "",
    next_due: dt.date | None = None,
) -> FollowUp:
    """Record contact with the investor.

    - Earlier open next actions of the project are done (this contact is the action taken).
    - The project's first follow-up is its first contact: ``first_contact_date`` is filled when empty and a
      callback task (主动回访) is created for the owner, ``PIPELINE_CALLBACK_WORKING_DAYS`` working days later.
    - A later follow-up completes the open callback task.
    """
    if not (content or "").strip():
        raise PipelineError(_("Please describe the follow-up"))
    if next_action and next_due is None:
        raise PipelineError(_("A next step is given: please also give its deadline"))
    if next_due is not None and next_due < date:
        raise PipelineError(_("The next step's deadline cannot be earlier than the follow-up date"))
    first = not project.followups.exists()
    user = actor if getattr(actor, "pk", None) else None
    followup = audit.create(
        actor,
        FollowUp,
        project=project,
        date=date,
        way=way,
        participants=participants,
        content=content.strip(),
        next_action=next_action,
        next_due=next_due,
        created_by=user,
    )
    for earlier in project.followups.filter(done=False, next_due__isnull=False).exclude(pk=followup.pk):
        audit.update(actor, earlier, note="由新的跟进记录完成", done=True)
    latest = max(date, project.last_followup_on) if project.last_followup_on else date
    changes: dict[str, Any] = {"last_followup_on": latest, "quiet_since": max(latest, project.quiet_since)}
    if first and project.first_contact_date is None:
        changes["first_contact_date"] = date
    Project.objects.filter(pk=project.pk).update(**changes)
    for name, value in changes.items():
        setattr(project, name, value)
    if first:
        due = callback_due(date, config.callback_days(), config.calendar())
        audit.create(
            actor,
            Task,
            kind=Task.Kind.CALLBACK,
            title=f"主动回访：{project.investor.name}",
            project=project,
            organisation=project.organisation,
            assignee=project.owner or user,
            due=due,
        )
    else:
        for task in project.tasks.filter(kind=Task.Kind.CALLBACK, done_at__isnull=True):
            complete_task(actor, task, followup=followup)
    return followup


@transaction.atomic
def complete_task(actor: Actor, task: Task, *, followup: FollowUp | None = None) -> Task:
    if task.done_at is None:
        audit.update(
            actor,
            task,
            done_at=timezone.now(),
            done_by=actor if getattr(actor, "pk", None) else None,
            followup=followup,
        )
    return task


@transaction.atomic
def close_next_action(actor: Actor, followup: FollowUp) -> None:
    audit.update(actor, followup, done=True)


def _responsible_team(region_code: str, city_orgs: list[Organisation]) -> Organisation | None:
    """The park or town whose region is the firm's, else the investment bureau of the firm's city."""
    areas = [o for o in city_orgs if o.kind in ("park", "town") and o.region_code == region_code]
    if areas:
        return sorted(areas, key=lambda o: o.path)[0]
    for city in (
        o for o in city_orgs if o.kind == "city" and o.region_code and o.region_code[:4] == region_code[:4]
    ):
        bureaus = [o for o in city_orgs if o.kind == "bureau" and o.path.startswith(city.path)]
        if bureaus:
            return sorted(bureaus, key=lambda o: o.path)[0]
    return None


@transaction.atomic
def create_new_registration_tasks(
    batch: Any, *, today: dt.date | None = None, actor: Actor = None
) -> list[Task]:
    """First-contact service tasks for firms of a registry import that are newly registered in the city.

    Newly registered: founded within ``PIPELINE_NEW_FIRM_DAYS`` (30) days before ``today``, in a region that
    belongs to the city (a park's or town's region, or the city's own code prefix). The task goes to the team
    responsible for the area and is due the next working day. Idempotent: one task per firm.
    The registry import calls this after a successful (non-dry-run) import.
    """
    today = today or _today()
    since = today - dt.timedelta(days=config.new_firm_days())
    firms = Enterprise.objects.filter(import_batch=batch, founded__gte=since, founded__lte=today).exclude(
        region_code=""
    )
    firms = firms.exclude(pk__in=Task.objects.filter(kind=Task.Kind.NEW_REGISTRATION).values("enterprise_id"))
    orgs = list(Organisation.objects.all())
    due = new_registration_due(today, config.calendar())
    created = []
    for firm in firms.order_by("id"):
        team = _responsible_team(firm.region_code, orgs)
        if team is None:
            continue
        created.append(
            audit.create(
                actor,
                Task,
                kind=Task.Kind.NEW_REGISTRATION,
                title=f"新注册企业首次服务：{firm.name}",
                organisation=team,
                enterprise=firm,
                due=due,
            )
        )
    return created


# ---------------------------------------------------------------------------------------------------------
# What a user should see today


def cold_filter(today: dt.date | None = None) -> Q:
    """Projects quiet for more than their stage allows (calendar days), as a query."""
    today = today or _today()
    condition = Q(pk__in=[])
    for stage in config.stage_model().stages:
        if stage.max_quiet_days is not None:
            condition |= Q(stage=stage.code, quiet_since__lt=today - dt.timedelta(days=stage.max_quiet_days))
    return condition


def due_followups(user: Any, today: dt.date | None = None) -> QuerySet[FollowUp]:
    """The user's open next actions due today or earlier (what a list of them shows: the project's name)."""
    today = today or _today()
    return (
        FollowUp.objects.filter(created_by=user, done=False, next_due__lte=today)
        .select_related("project")
        .only("id", "project_id", "project__name", "next_action", "next_due")
        .order_by("next_due", "id")
    )


def open_tasks(user: Any, today: dt.date | None = None) -> QuerySet[Task]:
    """Open tasks assigned to the user, or to the user's team without an assignee."""
    mine = Q(assignee=user)
    if user.organisation_id:
        mine |= Q(assignee__isnull=True, organisation_id=user.organisation_id)
    return (
        Task.objects.filter(mine, done_at__isnull=True)
        .only("id", "title", "project_id", "enterprise_id", "due")
        .order_by("due", "id")
    )


def cold_projects_for(user: Any, today: dt.date | None = None) -> QuerySet[Project]:
    """Projects going cold that the user owns, or that the user's reports own (the owner's leader sees them)."""
    owners = [user.pk, *User.objects.filter(leader=user).values_list("pk", flat=True)]
    return (
        Project.objects.filter(owner_id__in=owners)
        .filter(cold_filter(today))
        .select_related("owner")
        .only("id", "name", "stage", "quiet_since", "owner")
        .order_by("quiet_since", "id")
    )


# ---------------------------------------------------------------------------------------------------------
# Coordination items


@transaction.atomic
def create_coordination_item(
    actor: Actor,
    project: Project,
    *,
    title: str,
    department: Organisation,
    due: dt.date,
    description: str = "",
) -> CoordinationItem:
    check_reference(actor, department, field="责任部门")
    item = audit.create(
        actor,
        CoordinationItem,
        project=project,
        title=title,
        description=description,
        organisation=project.organisation,
        department=department,
        due=due,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    ItemEvent.objects.create(
        item=item, by=item.created_by, status=item.status, due=due, note=description or title
    )
    return item


@transaction.atomic
def update_coordination_item(
    actor: Actor,
    item: CoordinationItem,
    *,
    status: str | None = None,
    due: dt.date | None = None,
    note: str = "",
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> CoordinationItem:
    changes: dict[str, Any] = {}
    if status and status != item.status:
        if status not in CoordinationItem.Status.values:
            raise PipelineError(_("Unknown status “%(status)s”") % {"status": status})
        changes["status"] = status
        changes["done_on"] = (on or _today()) if status == CoordinationItem.Status.DONE else None
    if due and due != item.due:
        if not may_set_deadline(actor, item):
            raise PipelineError(
                _(
                    "A department cannot change the deadline itself: request an extension, which the item's owner approves"
                )
            )
        changes["due"] = due
    if not changes and not note.strip():
        raise PipelineError(_("There are no changes to save"))
    claim_version(item, expected_version)
    if changes:
        audit.update(actor, item, note=note, **changes)
    else:
        audit.record(actor, "update", item, {}, note)
    ItemEvent.objects.create(
        item=item,
        by=actor if getattr(actor, "pk", None) else None,
        status=item.status,
        due=changes.get("due"),
        note=note,
    )
    return item


def may_set_deadline(actor: Actor, item: CoordinationItem) -> bool:
    """The item's owner side (the project's team, or above it) sets deadlines; the department asks for more time."""
    from zhaoshang.accounts.scoping import may_act_in

    if not getattr(actor, "pk", None):  # system (imports, demo)
        return True
    return may_act_in(actor, "coordination_item", "change", item.organisation)


def _item_owner(item: CoordinationItem) -> Any:
    return item.created_by or item.project.owner


@transaction.atomic
def request_extension(
    actor: Actor, item: CoordinationItem, *, new_due: dt.date, reason: str
) -> ExtensionRequest:
    """A handler asks to move the deadline; the item stays as it is (and overdue) until the owner approves."""
    from zhaoshang.notifications.services import notify

    reason = (reason or "").strip()
    if item.status == CoordinationItem.Status.DONE:
        raise PipelineError(_("The item is done; it needs no extension"))
    if not reason:
        raise PipelineError(_("Please give the reason for the extension"))
    if new_due <= item.due:
        raise PipelineError(
            _("The new deadline requested must be later than the current deadline %(due)s")
            % {"due": item.due.isoformat()}
        )
    if item.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise PipelineError(_("The item already has an extension request waiting for approval"))
    request = audit.create(
        actor,
        ExtensionRequest,
        item=item,
        old_due=item.due,
        new_due=new_due,
        reason=reason,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    ItemEvent.objects.create(
        item=item,
        by=request.requested_by,
        status=item.status,
        note=f"申请延期至 {new_due.isoformat()}：{reason}",
    )
    owner = _item_owner(item)
    if owner is not None:
        from django.urls import reverse

        from zhaoshang.notifications.messages import Notice

        told = Notice(
            "extension_requested",
            {"title": item.title, "old": item.due.isoformat(), "new": new_due.isoformat()},
        )
        notify(owner, "extension_requested", request, told, reverse("pipeline:item", args=[item.pk]))
    return request


@transaction.atomic
def decide_extension(
    actor: Actor, request: ExtensionRequest, *, approve: bool, note: str = ""
) -> ExtensionRequest:
    """The owner side approves (the item takes the new deadline) or rejects (it keeps the old one)."""
    from django.urls import reverse

    from zhaoshang.notifications.services import notify

    item = request.item
    if request.status != ExtensionRequest.Status.PENDING:
        raise PipelineError(_("This extension request has already been decided"))
    if not may_set_deadline(actor, item):
        raise PipelineError(_("Only the owner of the item can decide an extension request"))
    status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REJECTED
    audit.update(
        actor,
        request,
        note=note,
        status=status,
        decided_by=actor if getattr(actor, "pk", None) else None,
        decided_at=timezone.now(),
        decision_note=note.strip(),
    )
    verdict = "批准" if approve else "驳回"
    if approve:
        audit.update(actor, item, note=f"批准延期：{request.reason}", due=request.new_due)
    ItemEvent.objects.create(
        item=item,
        by=request.decided_by,
        status=item.status,
        due=request.new_due if approve else None,
        note=f"{verdict}延期申请（{request.old_due.isoformat()} → {request.new_due.isoformat()}）{note}".strip(),
    )
    if request.requested_by is not None:
        from zhaoshang.notifications.messages import Notice

        text = Notice(
            "extension_approved" if approve else "extension_rejected",
            {"title": item.title, "new": request.new_due.isoformat(), "old": request.old_due.isoformat()},
        )
        notify(
            request.requested_by, "extension_decided", request, text, reverse("pipeline:item", args=[item.pk])
        )
    return request


def overdue_items(
    queryset: QuerySet[CoordinationItem], today: dt.date | None = None
) -> QuerySet[CoordinationItem]:
    """Items not done whose due date has passed (the due day itself is on time)."""
    today = today or _today()
    return queryset.exclude(status=CoordinationItem.Status.DONE).filter(due__lt=today)


def overdue_by_department(queryset: QuerySet[CoordinationItem], today: dt.date | None = None) -> list[dict]:
    today = today or _today()
    groups: dict[int, dict] = {}
    for item in overdue_items(queryset, today).select_related("department", "project").order_by("due", "id"):
        group = groups.setdefault(item.department_id, {"department": item.department, "items": []})
        item.days_overdue = (today - item.due).days  # type: ignore[attr-defined]  # a figure for the page
        group["items"].append(item)
    return sorted(groups.values(), key=lambda g: (-len(g["items"]), g["department"].name))


# ---------------------------------------------------------------------------------------------------------
# Carriers


CARRIER_FIELDS = {
    "name",
    "kind",
    "location",
    "area",
    "area_unit",
    "floor_load_kn_m2",
    "power_kva",
    "price",
    "available_from",
    "status",
    "note",
}


@transaction.atomic
def save_carrier(actor: Actor, *, organisation: Organisation, name: str, **fields: Any) -> Carrier:
    """Create the park's carrier or bring it up to date (natural key: park and name)."""
    unknown = set(fields) - CARRIER_FIELDS
    if unknown:
        raise TypeError(f"unknown carrier fields: {sorted(unknown)}")
    carrier = Carrier.objects.filter(organisation=organisation, name=name).first()
    if carrier is None:
        return audit.create(actor, Carrier, organisation=organisation, name=name, **fields)
    audit.update(actor, carrier, **fields)
    return carrier


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def carrier_needs(project: Project) -> carrier_core.CarrierNeeds | None:
    if not project.need_kind:
        return None
    return carrier_core.CarrierNeeds(
        # (the model's choices are the core's kinds and units)
        kind=cast(carrier_core.CarrierKind, project.need_kind),
        area=_num(project.need_area),
        area_unit=cast(carrier_core.AreaUnit, project.need_area_unit),
        floor_load_kn_m2=_num(project.need_floor_load_kn_m2),
        power_kva=_num(project.need_power_kva),
        max_price=_num(project.need_max_price),
        available_by=project.need_available_by,
    )


def match_carriers(project: Project, carriers: QuerySet[Carrier], *, include_partial: bool = True):
    """Carriers for the project's needs, best first, each with its reasons; [] when no needs are recorded."""
    needs = carrier_needs(project)
    if needs is None:
        return []
    by_id: dict[object, Carrier] = {}
    plain = []
    for c in (
        carriers.filter(kind=needs.kind)
        .exclude(status=Carrier.Status.OCCUPIED)
        .select_related("organisation")
    ):
        by_id[c.pk] = c
        plain.append(
            carrier_core.Carrier(
                id=c.pk,
                park=c.organisation.name,
                kind=cast(carrier_core.CarrierKind, c.kind),
                area=_num(c.area),
                area_unit=cast(carrier_core.AreaUnit, c.area_unit),
                floor_load_kn_m2=_num(c.floor_load_kn_m2),
                power_kva=_num(c.power_kva),
                price=_num(c.price),
                available_from=c.available_from,
                status=c.status,
            )
        )
    try:
        matches = carrier_core.match_carriers(needs, plain, include_partial=include_partial)
    except carrier_core.CarrierError as exc:
        raise _core_error(exc) from None
    return [{"carrier": by_id[m.carrier.id], "match": m} for m in matches]


# ---------------------------------------------------------------------------------------------------------
# The meeting pack (专案分析会)


def _local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def default_meeting_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last full month (or quarter, ``PIPELINE_MEETING_PERIOD``) up to today: never a date in the future."""
    today = today or _today()
    if config.meeting_period() == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        this_quarter = dt.date(today.year, first_month, 1)
        start = (this_quarter - dt.timedelta(days=1)).replace(day=1)
        start = dt.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    else:
        start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return start, today


def meeting_pack(
    organisation: Organisation | None, start: dt.date, end: dt.date, *, today: dt.date | None = None
) -> meeting_core.MeetingPack:
    """The pack for the projects of ``organisation``'s subtree (all when None), as of ``end`` or today, whichever
    is earlier: a period reaching into the future ends today (nothing is judged overdue or cold in advance)."""
    today = today or _today()
    if start > today:
        raise PipelineError(
            _("The period cannot start in the future (%(start)s is later than today, %(today)s)")
            % {"start": start.isoformat(), "today": today.isoformat()}
        )
    end = min(end, today)
    try:
        period = meeting_core.Period(start, end)
    except meeting_core.MeetingPackError as exc:
        raise _core_error(exc) from None
    projects = Project.objects.all()
    if organisation is not None:
        projects = projects.filter(organisation__path__startswith=organisation.path)
    records = [
        meeting_core.ProjectRecord(
            id=row["id"],
            name=row["name"],
            team=row["organisation__name"],
            stage=row["stage"],
            created=_local_date(row["created_at"]),
            planned_investment_wan=row["planned_investment_wan"],
            signed_amount_wan=row["signed_amount_wan"],
            signed_date=row["signed_date"],
            construction_start_date=row["construction_start_date"],
            production_start_date=row["production_start_date"],
        )
        for row in projects.values(
            "id",
            "name",
            "organisation__name",
            "stage",
            "created_at",
            "planned_investment_wan",
            "signed_amount_wan",
            "signed_date",
            "construction_start_date",
            "production_start_date",
        ).iterator(chunk_size=5000)
    ]
    ids = projects.values("id")
    events = [
        meeting_core.StageEvent(
            r["project_id"],
            r["from_stage"] or None,
            r["to_stage"],
            r["date"],
            r["team__name"],
            r["reason"] or None,
        )
        for r in StageEvent.objects.filter(project__in=ids, date__lte=end)
        .values("project_id", "from_stage", "to_stage", "date", "team__name", "reason")
        .order_by("date", "id")
        .iterator(chunk_size=5000)
    ]
    last = [
        meeting_core.FollowUpRecord(r["project_id"], r["last"])
        for r in FollowUp.objects.filter(project__in=ids, date__lte=end)
        .values("project_id")
        .annotate(last=Max("date"))
        .order_by()
    ]
    items = [
        meeting_core.CoordinationItem(
            r["id"], r["title"], r["department__name"], r["due"], r["status"], r["project_id"], r["done_on"]
        )
        for r in CoordinationItem.objects.filter(project__in=ids, due__lt=end)
        .exclude(status=CoordinationItem.Status.DONE, done_on__lte=end)
        .values("id", "title", "department__name", "due", "status", "project_id", "done_on")
    ]
    items += [
        meeting_core.CoordinationItem(**row) for row in hooks.meeting_items(ids, end)
    ]  # e.g. government promises
    evidence_fields = config.evidence_fields()
    evidence = {
        row["id"]: {stage: row[name] for stage, name in evidence_fields.items()}
        for row in projects.values("id", *sorted(set(evidence_fields.values()))).iterator(chunk_size=5000)
    }
    extension_requests = [
        meeting_core.ExtensionRequest(
            r.pk,
            r.item.title,
            r.item.department.name,
            r.old_due,
            r.new_due,
            _local_date(r.requested_at),
            r.status,
            _local_date(r.decided_at) if r.decided_at else None,
            r.reason,
        )
        for r in ExtensionRequest.objects.filter(
            item__project__in=ids, requested_at__date__lte=end
        ).select_related("item", "item__department")
    ]
    try:
        return meeting_core.build_meeting_pack(
            organisation=organisation.name if organisation else gettext("Whole city"),
            period=period,
            projects=records,
            stage_events=events,
            followups=last,
            coordination_items=items,
            model=config.stage_model(),
            points=config.points(),
            evidence=evidence,
            extension_requests=extension_requests,
        )
    except (meeting_core.MeetingPackError, RankingError) as exc:
        raise _core_error(exc) from None


def render_meeting_pack(pack: meeting_core.MeetingPack, path: Any) -> Any:
    """Write the pack as .docx or .pdf (by suffix) with the embedded CJK font."""
    from zhaoshang.pipeline.meeting_report import default_title, meeting_report
    from zhaoshang.reports.document import render
    from zhaoshang.reports.errors import ReportError

    try:  # in the active language: the user's on the web, Chinese in the command
        report = meeting_report(
            pack, title=default_title(pack.organisation), max_rows=config.meeting_max_rows()
        )
        return render(report, path)
    except ReportError as exc:
        raise _core_error(exc) from None


# ---------------------------------------------------------------------------------------------------------
# Dashboard figures


@dataclass
class Dashboard:
    funnel: list[dict] = field(default_factory=list)
    by_team: list[dict] = field(default_factory=list)
    by_chain: list[dict] = field(default_factory=list)
    trend: list[dict] = field(default_factory=list)


def _reached_counts(projects: QuerySet[Project], model) -> dict[str, int]:
    """Main stage → projects that ever got that far (now there or beyond, or there before a hold or a stop):
    the funnel proper, which counts of projects *now* in each stage are not."""
    order = {s.code: s.order for s in model.main_stages}
    furthest: dict[int, int] = {}
    for pk, stage in projects.values_list("pk", "stage"):
        if stage in order:
            furthest[pk] = order[stage]
    events = StageEvent.objects.filter(project__in=projects.values("pk"), to_stage__in=list(order))
    for pk, stage in events.values_list("project_id", "to_stage"):
        furthest[pk] = max(furthest.get(pk, 0), order[stage])
    return {code: sum(1 for f in furthest.values() if f >= rank) for code, rank in order.items()}


def dashboard(projects: QuerySet[Project], *, months: int = 12, today: dt.date | None = None) -> Dashboard:
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncMonth

    today = today or _today()
    model = config.stage_model()
    counts = {
        r["stage"]: r
        for r in projects.values("stage")
        .annotate(n=Count("id"), planned=Sum("planned_investment_wan"), signed=Sum("signed_amount_wan"))
        .order_by()
    }
    reached = _reached_counts(projects, model)
    funnel = []
    for stage in sorted(model.stages, key=lambda s: s.order):
        row: Mapping[str, Any] = counts.get(stage.code) or {}
        funnel.append(
            {
                "code": stage.code,
                "name": config.stage_name(stage.code),
                "count": row.get("n", 0),
                "reached": reached.get(stage.code),
                "planned": row.get("planned") or Decimal(0),
                "signed": row.get("signed") or Decimal(0),
            }
        )
    by_team = [
        {"name": r["organisation__name"], "count": r["n"], "planned": r["planned"] or Decimal(0)}
        for r in projects.values("organisation__name")
        .annotate(n=Count("id"), planned=Sum("planned_investment_wan"))
        .order_by("-planned", "organisation__name")[:20]
    ]
    by_chain = [
        {"name": r["nodes__chain__name"], "count": r["n"], "planned": r["planned"] or Decimal(0)}
        for r in projects.filter(nodes__isnull=False)
        .values("nodes__chain__name")
        .annotate(n=Count("id", distinct=True), planned=Sum("planned_investment_wan"))
        .order_by("-n", "nodes__chain__name")[:20]
    ]
    start = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    created = {
        r["m"].date() if isinstance(r["m"], dt.datetime) else r["m"]: r["n"]
        for r in projects.filter(created_at__date__gte=start)
        .annotate(m=TruncMonth("created_at"))
        .values("m")
        .annotate(n=Count("id"))
        .order_by()
    }
    signed = {
        r["m"]: r["n"]
        for r in projects.filter(signed_date__gte=start)
        .annotate(m=TruncMonth("signed_date"))
        .values("m")
        .annotate(n=Count("id"))
        .order_by()
    }
    trend = []
    month = start
    while month <= today:
        trend.append(
            {"month": month.strftime("%Y-%m"), "new": created.get(month, 0), "signed": signed.get(month, 0)}
        )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return Dashboard(funnel, by_team, by_chain, trend)


def import_projects(
    actor: Actor, path: Any, *, organisation: Organisation, dry_run: bool = False, owner: Any = None
):
    """Import a bureau's Excel project list; see :mod:`zhaoshang.pipeline.importing`."""
    from zhaoshang.pipeline.importing import import_projects as run

    return run(actor, path, organisation=organisation, dry_run=dry_run, owner=owner)
