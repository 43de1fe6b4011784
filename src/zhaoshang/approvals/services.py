"""Approvals services: open a case from a template, record items, the timeline and the city-wide figures,
promises and their escalation, tracking codes. Each write owns its transaction and audit record."""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.accounts.models import Organisation, User
from zhaoshang.accounts.roles import ALL, grant_for
from zhaoshang.accounts.scoping import visible
from zhaoshang.accounts.types import Actor
from zhaoshang.approvals.core import figures as figures_core
from zhaoshang.approvals.core import promises as promises_core
from zhaoshang.approvals.core import templates as templates_core
from zhaoshang.approvals.core import timeline as timeline_core
from zhaoshang.approvals.models import (
    ApprovalCase,
    ApprovalItem,
    ApprovalTemplate,
    Promise,
    PromiseEscalation,
    TrackingCode,
)
from zhaoshang.core import audit
from zhaoshang.core.calendar import get_calendar
from zhaoshang.core.errors import DomainError
from zhaoshang.core.messages import error_message, is_chinese
from zhaoshang.notifications.messages import say
from zhaoshang.pipeline.models import Project


class ApprovalsError(DomainError):
    """A request the approvals app refuses; the message is in the user's language."""


def _today() -> dt.date:
    return timezone.localdate()


def calendar():
    """The installation's working-day calendar (Chinese holidays and 调休, overrides from the database)."""
    return get_calendar()


# ---------------------------------------------------------------------------------------------------------
# Templates and cases


def template_for(project_type: str) -> templates_core.CaseTemplate:
    stored = ApprovalTemplate.objects.filter(project_type=project_type).first()
    if stored is not None:
        try:
            return templates_core.template_from_dict(stored.data)
        except templates_core.TemplateError as exc:
            raise _template_invalid(exc) from None
    try:
        return templates_core.DEFAULT_TEMPLATES[project_type]
    except KeyError:
        raise ApprovalsError(
            _("There is no approval template for projects of the type “%(type)s”") % {"type": project_type},
            "no_template",
        ) from None


def _template_invalid(exc: templates_core.TemplateError) -> ApprovalsError:
    # "template_invalid" is the code clients know; the core's own code and parameters stay for the reader
    return ApprovalsError(error_message(exc), "template_invalid", reason=exc.code, **exc.params)


def project_types() -> list[tuple[str, str]]:
    types = {t.project_type: t.name for t in templates_core.DEFAULT_TEMPLATES.values()}
    types.update(dict(ApprovalTemplate.objects.values_list("project_type", "name")))
    return sorted(types.items())


@transaction.atomic
def save_template(actor: Actor, data: dict) -> ApprovalTemplate:
    try:
        template = templates_core.template_from_dict(data)
    except templates_core.TemplateError as exc:
        raise _template_invalid(exc) from None
    clean = templates_core.template_to_dict(template)
    stored = ApprovalTemplate.objects.filter(project_type=template.project_type).first()
    if stored is None:
        return audit.create(
            actor, ApprovalTemplate, project_type=template.project_type, name=template.name, data=clean
        )
    audit.update(actor, stored, name=template.name, data=clean)
    return stored


def _department(name: str) -> Organisation | None:
    """The installation's department whose name contains the template's department word (自然资源和规划 →
    株洲市自然资源和规划局); None when there is none (the name is kept on the item)."""
    return Organisation.objects.filter(kind="department", name__contains=name).order_by("path").first()


def projects_for_new_case(user: Any) -> QuerySet[Project]:
    """Signed projects without a case that this user may open one for."""
    projects = Project.objects.filter(signed_date__isnull=False, approval_case__isnull=True).select_related(
        "investor", "organisation"
    )
    if user.is_superuser or grant_for(user.role, "approval_case").scope == ALL:
        return (
            projects
            if (user.is_superuser or "add" in grant_for(user.role, "approval_case").actions)
            else projects.none()
        )
    if "add" not in grant_for(user.role, "approval_case").actions:
        return projects.none()
    return projects.filter(pk__in=visible(user, Project.objects.all()).values("pk"))


@transaction.atomic
def open_case(
    actor: Actor,
    project: Project,
    *,
    project_type: str = "industrial",
    agent: User | None = None,
    service_organisation: Organisation | None = None,
    start: dt.date | None = None,
    is_demo: bool = False,
) -> ApprovalCase:
    if project.signed_date is None:
        raise ApprovalsError(_("The project is not signed yet: no approval case can be opened"), "not_signed")
    if ApprovalCase.objects.filter(project=project).exists():
        raise ApprovalsError(_("This project already has an approval case"), "case_exists")
    template = template_for(project_type)
    if service_organisation is None and agent is not None:
        service_organisation = agent.organisation
    if service_organisation is None and actor is not None and actor.role == "service_officer":
        service_organisation = actor.organisation
    case = audit.create(
        actor,
        ApprovalCase,
        project=project,
        project_type=template.project_type,
        template_name=template.name,
        organisation=project.organisation,
        service_organisation=service_organisation,
        agent=agent,
        start=start or project.signed_date,
        is_demo=is_demo,
    )
    departments = {name: _department(name) for name in {i.department for i in template.items}}
    items = [
        ApprovalItem(
            case=case,
            code=t.code,
            name=t.name,
            order=n,
            department=departments[t.department],
            department_name=t.department,
            limit_days=t.limit_days,
            prerequisites=list(t.prerequisites),
            materials=list(t.materials),
            promise_allowed=t.promise_allowed,
            baseline_trips=t.baseline_trips,
            baseline_stamps=t.baseline_stamps,
            milestone=t.milestone,
            agent=agent,
        )
        for n, t in enumerate(template.items)
    ]
    ApprovalItem.objects.bulk_create(items)
    audit.record(actor, "update", case, {"items": [None, len(items)]}, "开启代办")
    return case


ITEM_FIELDS = {
    "state",
    "started_on",
    "done_on",
    "promise",
    "agent",
    "trips",
    "stamps",
    "materials_received",
    "note",
}


@transaction.atomic
def update_item(
    actor: Actor, item: ApprovalItem, *, add_trips: int = 0, add_stamps: int = 0, **fields: Any
) -> dict:
    """Record progress on an item. Done needs a date (today when not given); starting sets the start date;
    trips and stamps may be added to what was recorded."""
    unknown = set(fields) - ITEM_FIELDS
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")
    state = fields.get("state", item.state)
    if state not in ApprovalItem.State.values:
        raise ApprovalsError(_("Unknown state “%(state)s”") % {"state": state})
    if fields.get("promise") and not item.promise_allowed:
        raise ApprovalsError(
            _("The item “%(item)s” cannot be handled on a promise") % {"item": item.name},
            "promise_not_allowed",
        )
    if state == ApprovalItem.State.DONE and not (fields.get("done_on") or item.done_on):
        fields["done_on"] = _today()
    if state in (ApprovalItem.State.IN_PROGRESS, ApprovalItem.State.DONE) and not (
        fields.get("started_on") or item.started_on
    ):
        fields["started_on"] = min(_today(), fields.get("done_on") or _today())
    if state not in (ApprovalItem.State.DONE,) and "done_on" not in fields and item.done_on:
        fields["done_on"] = None
    done_on, started_on = fields.get("done_on", item.done_on), fields.get("started_on", item.started_on)
    if done_on and started_on and done_on < started_on:
        raise ApprovalsError(_("The date done cannot be earlier than the start date"), "dates")
    if done_on and done_on > _today():
        raise ApprovalsError(_("The date done cannot be later than today"), "dates")
    if "materials_received" in fields:
        unknown_materials = [m for m in fields["materials_received"] if m not in item.materials]
        if unknown_materials:
            raise ApprovalsError(
                _("Not among the materials of this item: %(materials)s")
                % {"materials": _(", ").join(unknown_materials)},
                "materials",
            )
        fields["materials_received"] = [m for m in item.materials if m in fields["materials_received"]]
    if add_trips < 0 or add_stamps < 0:
        raise ApprovalsError(_("Trips and stamps cannot be negative"))
    if add_trips:
        fields["trips"] = (fields.get("trips", item.trips) or 0) + add_trips
    if add_stamps:
        fields["stamps"] = (fields.get("stamps", item.stamps) or 0) + add_stamps
    if state in (ApprovalItem.State.IN_PROGRESS, ApprovalItem.State.DONE) and item.prerequisites:
        blocking = [
            pre.name
            for pre in item.case.items.filter(code__in=item.prerequisites)
            if pre.state not in (ApprovalItem.State.DONE, ApprovalItem.State.NOT_NEEDED)
            and not (pre.promise and pre.state == ApprovalItem.State.IN_PROGRESS)
        ]
        if blocking:
            raise ApprovalsError(
                _("Prerequisites not done yet: %(items)s") % {"items": _(", ").join(blocking)},
                "prerequisites_open",
            )
    return audit.update(actor, item, **fields)


def case_items(case: ApprovalCase) -> list[timeline_core.CaseItem]:
    return [
        timeline_core.CaseItem(
            code=i.code,
            name=i.name,
            department=i.department.name if i.department is not None else i.department_name,
            limit_days=i.limit_days,
            prerequisites=tuple(i.prerequisites),
            state=i.state,
            started_on=i.started_on,
            done_on=i.done_on,
            promise=i.promise,
            trips=i.trips,
            stamps=i.stamps,
            baseline_trips=i.baseline_trips,
            baseline_stamps=i.baseline_stamps,
            milestone=i.milestone,
        )
        for i in case.items.all().select_related("department")
    ]


def case_timeline(case: ApprovalCase, today: dt.date | None = None, cal=None) -> timeline_core.CaseTimeline:
    try:
        return timeline_core.build_timeline(
            case_items(case), case.start, today or _today(), cal or calendar()
        )
    except templates_core.ApprovalError as exc:
        raise ApprovalsError(exc.message, code=exc.code, **exc.params) from None


def case_summary(case: ApprovalCase, items: list[timeline_core.CaseItem] | None = None) -> dict:
    items = items if items is not None else case_items(case)
    project = case.project
    m = timeline_core.milestones(
        project.signed_date, items, project.construction_start_date, project.production_start_date
    )
    records = [_record(case, i, None, False) for i in items]
    return {"days": m.days(), "milestones": m, "trips": figures_core.trips_and_stamps(records)}


def _record(
    case: ApprovalCase, item: timeline_core.CaseItem, taken: int | None, late: bool
) -> figures_core.ItemRecord:
    return figures_core.ItemRecord(
        case_id=case.pk,
        project=case.project.name,
        project_type=case.project_type,
        code=item.code,
        name=item.name,
        department=item.department,
        limit_days=item.limit_days,
        state=item.state,
        working_days_taken=taken,
        late=late,
        trips=item.trips,
        stamps=item.stamps,
        baseline_trips=item.baseline_trips,
        baseline_stamps=item.baseline_stamps,
        started_on=item.started_on,
    )


ITEM_COLUMNS = (
    "case_id",
    "code",
    "name",
    "department__name",
    "department_name",
    "limit_days",
    "prerequisites",
    "state",
    "started_on",
    "done_on",
    "promise",
    "trips",
    "stamps",
    "baseline_trips",
    "baseline_stamps",
    "milestone",
)


@functools.lru_cache(maxsize=1024)
def _prerequisites(text: str | None) -> tuple[str, ...]:
    return tuple(json.loads(text)) if text else ()


def item_records(
    cases: QuerySet[ApprovalCase], today: dt.date | None = None, cal=None
) -> list[figures_core.ItemRecord]:
    """Every item of these cases with its working days taken and lateness (two queries, plain rows)."""
    today, cal = today or _today(), cal or calendar()
    case_rows = {
        pk: (start, project, ptype)
        for pk, start, project, ptype in cases.values_list("pk", "start", "project__name", "project_type")
    }
    by_case: dict[int, list[timeline_core.CaseItem]] = {}
    rows = (
        ApprovalItem.objects.filter(case__in=cases.values("pk"))
        .order_by("case_id", "order", "id")
        .annotate(
            prerequisites_text=Cast("prerequisites", TextField())
        )  # parsed once per distinct list, not per row
        .values_list(*[c if c != "prerequisites" else "prerequisites_text" for c in ITEM_COLUMNS])
    )
    for (
        case_id,
        code,
        name,
        dept,
        dept_name,
        limit,
        pres,
        state,
        started,
        done,
        promise,
        trips,
        stamps,
        bt,
        bs,
        milestone,
    ) in rows.iterator(chunk_size=5000):
        by_case.setdefault(case_id, []).append(
            timeline_core.CaseItem(
                code=code,
                name=name,
                department=dept or dept_name,
                limit_days=limit,
                prerequisites=_prerequisites(pres),
                state=state,
                started_on=started,
                done_on=done,
                promise=promise,
                trips=trips,
                stamps=stamps,
                baseline_trips=bt,
                baseline_stamps=bs,
                milestone=milestone,
            )
        )
    records = []
    for case_id, items in by_case.items():
        start, project, ptype = case_rows[case_id]
        try:
            tl = timeline_core.build_timeline(items, start, today, cal)
        except templates_core.ApprovalError:
            continue
        for item, t in zip(items, tl.items, strict=True):
            records.append(
                figures_core.ItemRecord(
                    case_id=case_id,
                    project=project,
                    project_type=ptype,
                    code=item.code,
                    name=item.name,
                    department=item.department,
                    limit_days=item.limit_days,
                    state=item.state,
                    working_days_taken=t.working_days_taken,
                    late=t.late,
                    trips=item.trips,
                    stamps=item.stamps,
                    baseline_trips=item.baseline_trips,
                    baseline_stamps=item.baseline_stamps,
                    started_on=item.started_on,
                )
            )
    return records


def city_figures(cases: QuerySet[ApprovalCase], today: dt.date | None = None) -> dict:
    today = today or _today()
    records = figures_core.frame(item_records(cases, today))
    return {
        "per_item": figures_core.per_item(records),
        "per_department": figures_core.per_department(records),
        "per_project_type": figures_core.per_project_type(records),
        "held": figures_core.held_by_department(records, today),
        "totals": figures_core.trips_and_stamps(records) if len(records) else None,
    }


# ---------------------------------------------------------------------------------------------------------
# Promises


@transaction.atomic
def create_promise(
    actor: Actor,
    project: Project,
    *,
    title: str,
    department: Organisation,
    deadline: dt.date,
    kind: str = "other",
    is_demo: bool = False,
) -> Promise:
    if not title.strip():
        raise ApprovalsError(_("Please fill in what was promised"))
    return audit.create(
        actor,
        Promise,
        project=project,
        organisation=project.organisation,
        department=department,
        title=title.strip(),
        deadline=deadline,
        kind=kind,
        is_demo=is_demo,
    )


@transaction.atomic
def update_promise(
    actor: Actor,
    promise: Promise,
    *,
    state: str | None = None,
    evidence: str | None = None,
    fulfilled_on: dt.date | None = None,
    deadline: dt.date | None = None,
    note: str = "",
) -> dict:
    fields: dict[str, Any] = {}
    if state:
        if state not in Promise.State.values:
            raise ApprovalsError(_("Unknown state “%(state)s”") % {"state": state})
        fields["state"] = state
        if state == Promise.State.FULFILLED:
            text = evidence if evidence is not None else promise.evidence
            if not (text or "").strip():
                raise ApprovalsError(
                    _("Fulfilment needs its evidence (a document, a photo or a note)"), "evidence_required"
                )
            fields["fulfilled_on"] = fulfilled_on or promise.fulfilled_on or _today()
        else:
            fields["fulfilled_on"] = None
    if evidence is not None:
        fields["evidence"] = evidence
    if deadline:
        fields["deadline"] = deadline
    changed = audit.update(actor, promise, note=note, **fields)
    if not changed:
        raise ApprovalsError(_("There are no changes to save"), "no_change")
    return changed


def overdue_promises(queryset: QuerySet[Promise], today: dt.date | None = None) -> QuerySet[Promise]:
    today = today or _today()
    return queryset.exclude(state__in=[Promise.State.FULFILLED, Promise.State.BROKEN]).filter(
        deadline__lt=today
    )


def due_escalations(today: dt.date | None = None) -> list[dict]:
    """Who must be told what today about overdue promises, each level once: a list of
    {promise, level, users, message, days_overdue} (``message`` in the active language). The notifications app
    delivers them and then calls :func:`mark_told`."""
    today = today or _today()
    promises = list(
        overdue_promises(Promise.objects.all(), today).select_related("project", "department", "organisation")
    )
    by_id = {p.pk: p for p in promises}
    told = PromiseEscalation.objects.filter(promise__in=promises).values_list("promise_id", "level")
    records = [
        promises_core.PromiseRecord(
            p.pk, p.project.name, p.title, p.department.name, p.organisation.name, p.deadline, p.state
        )
        for p in promises
    ]
    out = []
    for e in promises_core.due_escalations(records, today, told):
        p = by_id[e.promise_id]
        if e.level == promises_core.DEPARTMENT:
            users = User.objects.filter(organisation=p.department, is_active=True)
        elif e.level == promises_core.TEAM_LEADER:
            members = User.objects.filter(
                organisation__path__startswith=p.organisation.path, leader__isnull=False
            )
            users = User.objects.filter(pk__in=members.values("leader"), is_active=True)
        else:
            users = User.objects.filter(role="city_leader", is_active=True)
        out.append(
            {
                "promise": p,
                "level": e.level,
                "users": list(users),
                "message": e.message if is_chinese() else say(e.code, e.params, e.message),
                "days_overdue": e.days_overdue,
            }
        )
    return out


@transaction.atomic
def mark_told(escalations: list[dict], today: dt.date | None = None) -> int:
    today = today or _today()
    made = 0
    for e in escalations:
        _, created = PromiseEscalation.objects.get_or_create(
            promise=e["promise"], level=e["level"], defaults={"told_on": today}
        )
        made += created
    return made


def tracking_code(actor: Actor, project: Project) -> TrackingCode:
    existing = TrackingCode.objects.filter(project=project).first()
    return existing or audit.create(actor, TrackingCode, project=project)


def promise_meeting_items(project_ids: Any, end: dt.date) -> list[dict]:
    """Promises due before the meeting's last day and not kept by then, as rows of the meeting pack's open items
    (hooked in by AppConfig.ready; the title says it is a government promise)."""
    rows = (
        Promise.objects.filter(project__in=project_ids, deadline__lt=end)
        .exclude(state=Promise.State.FULFILLED, fulfilled_on__lte=end)
        .values("id", "title", "department__name", "deadline", "state", "project_id", "fulfilled_on")
    )
    return [
        {
            "id": f"promise-{r['id']}",
            "title": _("[Government promise] %(title)s") % {"title": r["title"]},
            "department": r["department__name"],
            "due": r["deadline"],
            "status": "done" if r["state"] == Promise.State.FULFILLED else "open",
            "project_id": r["project_id"],
            "done_date": r["fulfilled_on"],
        }
        for r in rows
    ]
