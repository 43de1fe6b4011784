"""Service-desk services: receive, route, pause, reply, close, rate, escalate, measure.

Views, the API and the CLI are thin adapters over these functions; each owns its transaction, its writes and its
audit entry. Errors are :class:`ServiceError` (a domain error with a ``code``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhaoshang.accounts.models import Organisation, User
from zhaoshang.accounts.roles import Role
from zhaoshang.accounts.scoping import can, in_scope, may_act_in, visible
from zhaoshang.accounts.types import Actor, actor_organisation
from zhaoshang.core import audit
from zhaoshang.core.errors import DomainError
from zhaoshang.service.core.rates import Rates
from zhaoshang.service.models import Appeal, AppealEvent, Category, JointHandling


class ServiceError(DomainError):
    """A refused step or bad input at the service desk (message in Chinese, stable ``code``)."""

    code = "service_invalid"


# ------------------------------------------------------------------------------------------------ calendar


def working_calendar():
    """The installation's one working-day calendar (official holidays, 调休 and imported overrides)."""
    from zhaoshang.core.calendar import get_calendar

    return get_calendar()


def due_date(received: date, days: int, *, calendar=None) -> date:
    """Day 1 is the first working day after the day of receipt; the limit ends at the end of day ``days``."""
    return (calendar or working_calendar()).add_working_days(received, days)


def local_date(moment: datetime) -> date:
    if timezone.is_aware(moment):
        return timezone.localtime(moment).date()
    return moment.date()


def aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# ------------------------------------------------------------------------------------------------ categories

DEFAULT_CATEGORIES = (
    # code, name, response days, handling days
    ("land", "用地", 1, 10),
    ("labour", "用工", 1, 5),
    ("finance", "融资", 1, 10),
    ("approval", "审批", 1, 5),
    ("policy", "政策兑现", 1, 10),
    ("utilities", "水电气", 1, 3),
    ("transport", "物流交通", 1, 5),
    ("amenities", "配套", 1, 10),
    ("security", "治安", 1, 3),
    ("other", "其他", 1, 5),
)


@transaction.atomic
def ensure_categories(actor: Actor = None) -> list[Category]:
    out = []
    for order, (code, name, response, handling) in enumerate(DEFAULT_CATEGORIES):
        cat = Category.objects.filter(code=code).first()
        if cat is None:
            cat = audit.create(
                actor,
                Category,
                code=code,
                name=name,
                response_days=response,
                handling_days=handling,
                order=order,
            )
        out.append(cat)
    return out


def category_for(text: str) -> Category | None:
    text = (text or "").strip()
    if not text:
        return None
    cats = list(Category.objects.all())
    for cat in cats:
        if text in (cat.name, cat.code):
            return cat
    for cat in sorted(cats, key=lambda c: -len(c.name)):
        if cat.name in text:
            return cat
    return None


def limits_for(category: Category | None, urgent: bool = False) -> tuple[int, int]:
    """(response days, handling days): the category's, else 1 and 5."""
    if category is None:
        return 1, (2 if urgent else 5)
    return category.response_days, (category.urgent_handling_days if urgent else category.handling_days)


# ------------------------------------------------------------------------------------------------ masking


def mask_phone(phone: str) -> str:
    """138****5678: the first three and last four digits stay."""
    digits = phone or ""
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:]
    return "*" * len(digits)


def mask_name(name: str) -> str:
    return (name[:1] + "*" * (len(name) - 1)) if name else ""


def may_see_personal(user: Any, appeal: Appeal) -> bool:
    """Phone and contact are shown to the handler, the lead department and the receiver; masked elsewhere."""
    if user.is_superuser:
        return True
    org = user.organisation
    if org is None:
        return False
    if appeal.handler_id == user.pk:
        return True
    if user.role in (Role.SERVICE_OFFICER, Role.DEPARTMENT_HANDLER):
        for owner in (appeal.department, appeal.receiving_org):
            if owner is not None and owner.is_within(org):
                return True
    return False


# ------------------------------------------------------------------------------------------------ receiving

ALPHABET = "ABCDEFGHJKLMNPQRTUVWXY3456789"


def new_tracking_code() -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(10))
        if not Appeal.objects.filter(tracking_code=code).exists():
            return code


def default_receiver() -> Organisation:
    """The enterprise service centre, else the city (root organisation)."""
    org = Organisation.objects.filter(kind=Organisation.Kind.SERVICE_CENTRE).order_by("path").first()
    return org or city_root()


def city_root() -> Organisation:
    """The city (the root organisation); an installation without any organisation gets one, to be renamed."""
    org = Organisation.objects.filter(parent__isnull=True).order_by("path").first()
    if org is None:
        from django.conf import settings

        region = getattr(settings, "ZHAOSHANG_HOME_REGION", "") or ""
        org = audit.create(
            None,
            Organisation,
            code="city",
            name="本市人民政府",
            kind=Organisation.Kind.CITY,
            region_code=region[:6],
        )
    return org


def _event(appeal: Appeal, kind: str, actor: Actor = None, **extra: Any) -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal, kind=kind, actor=actor if getattr(actor, "pk", None) else None, **extra
    )


def _set_due(appeal: Appeal, calendar=None) -> None:
    appeal.response_due = due_date(appeal.received_date, appeal.response_days, calendar=calendar)
    appeal.handling_due = due_date(appeal.received_date, appeal.handling_days or 5, calendar=calendar)


@transaction.atomic
def receive_appeal(
    actor: Actor,
    *,
    channel: str,
    content: str,
    firm_name: str = "",
    firm_uscc: str = "",
    contact: str = "",
    phone: str = "",
    category: Category | None = None,
    title: str = "",
    urgent: bool = False,
    received_at: datetime | None = None,
    receiving_org: Organisation | None = None,
    is_demo: bool = False,
) -> Appeal:
    """Record a new appeal: linked to its registry firm, owned by its first receiver, routed by its category."""
    from zhaoshang.registry.services import ensure_enterprise

    if not (firm_name.strip() or firm_uscc.strip()):
        raise ServiceError(
            _("Please give the company name or the unified social credit code"), code="firm_required"
        )
    if not content.strip():
        raise ServiceError(_("Please describe the appeal"), code="content_required")
    if actor is not None and getattr(actor, "pk", None):
        receiving_org = receiving_org or actor.organisation
        if receiving_org is None or not may_act_in(actor, "appeal", "add", receiving_org):
            raise PermissionDenied(_("You may not register appeals"))
    receiving_org = receiving_org or default_receiver()
    received_at = aware(received_at or timezone.now())
    firm = ensure_enterprise(
        actor, name=firm_name, uscc=firm_uscc, organisation=city_root(), source="企业诉求"
    )
    response_days, handling_days = limits_for(category, urgent)
    appeal = Appeal(
        tracking_code=new_tracking_code(),
        channel=channel,
        enterprise=firm,
        firm_name=(firm_name or (firm.name if firm else ""))[:255],
        firm_uscc=firm_uscc[:64],
        contact=contact[:100],
        phone=phone[:32],
        category=category,
        urgent=urgent,
        title=title[:200],
        content=content,
        receiving_org=receiving_org,
        received_by=actor if getattr(actor, "pk", None) else None,
        firm_org=firm.organisation if firm else None,
        received_at=received_at,
        received_date=local_date(received_at),
        response_days=response_days,
        handling_days=handling_days,
        is_demo=is_demo,
    )
    _set_due(appeal)
    appeal.save()
    audit.record(actor, "create", appeal, {"channel": [None, channel], "firm": [None, appeal.firm_name]})
    _event(appeal, AppealEvent.Kind.RECEIVED, actor, to_org=receiving_org)
    if category is not None and category.department is not None:
        _route(actor, appeal, category.department, text="按诉求类型分派")
    return appeal


def _route(
    actor: Actor,
    appeal: Appeal,
    department: Organisation,
    *,
    text: str = "",
    kind: str = AppealEvent.Kind.ASSIGNED,
) -> None:
    old = appeal.department
    appeal.department = department
    appeal.handler = None
    appeal.status = Appeal.Status.ASSIGNED
    appeal.save(update_fields=["department", "handler", "status", "updated_at"])
    audit.record(
        actor, "update", appeal, {"department": [getattr(old, "pk", None), department.pk]}, note=text[:255]
    )
    _event(appeal, kind, actor, from_org=old, to_org=department, text=text)


def _require(actor: Actor, appeal: Appeal, action: str = "change") -> None:
    if actor is None:
        return
    if not in_scope(actor, appeal, "view"):
        raise PermissionDenied(_("This is outside your scope"))
    if not in_scope(actor, appeal, action):
        raise PermissionDenied(_("You may not handle this appeal"))


def _is_owner_side(actor: Actor, appeal: Appeal) -> bool:
    """The receiver's side (首接) may route; the lead department's side may accept, transfer, send back, close."""
    if actor is None or actor.is_superuser:
        return True
    org = actor.organisation
    return org is not None and appeal.receiving_org.is_within(org)


def _is_department_side(actor: Actor, appeal: Appeal) -> bool:
    if actor is None or actor.is_superuser:
        return True
    org = actor.organisation
    return org is not None and appeal.department is not None and appeal.department.is_within(org)


@transaction.atomic
def assign_appeal(actor: Actor, appeal: Appeal, department: Organisation, *, reason: str = "") -> Appeal:
    _require(actor, appeal)
    if not _is_owner_side(actor, appeal):
        raise PermissionDenied(_("Only the first receiver may assign the appeal"))
    if appeal.status == Appeal.Status.CLOSED:
        raise ServiceError(_("The appeal is closed and can no longer be assigned"), code="closed")
    _route(actor, appeal, department, text=reason)
    return appeal


@transaction.atomic
def accept_appeal(actor: Actor, appeal: Appeal) -> Appeal:
    """The lead department accepts (签收): it owns the appeal from now on; acceptance is the first response."""
    _require(actor, appeal)
    if not _is_department_side(actor, appeal):
        raise PermissionDenied(_("Only the lead department may accept the appeal"))
    if appeal.status not in (Appeal.Status.ASSIGNED, Appeal.Status.RECEIVED):
        raise ServiceError(_("The appeal is not waiting to be accepted"), code="not_assigned")
    appeal.status = Appeal.Status.ACCEPTED
    appeal.handler = actor if getattr(actor, "pk", None) else None
    appeal.save(update_fields=["status", "handler", "updated_at"])
    _mark_response(appeal)
    _event(appeal, AppealEvent.Kind.ACCEPTED, actor, to_org=appeal.department)
    return appeal


def _mark_response(appeal: Appeal, at: datetime | None = None) -> None:
    if appeal.first_response_at is not None:
        return
    at = at or timezone.now()
    appeal.first_response_at = at
    appeal.responded_in_time = local_date(at) <= appeal.response_due
    appeal.save(update_fields=["first_response_at", "responded_in_time", "updated_at"])


def _need_reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(message, code="reason_required")
    return reason


@transaction.atomic
def transfer_appeal(actor: Actor, appeal: Appeal, department: Organisation, *, reason: str) -> Appeal:
    """The lead department hands the appeal to another department (with a reason); ownership follows acceptance."""
    reason = _need_reason(reason, _("A transfer needs a reason"))
    _require(actor, appeal)
    if not (_is_department_side(actor, appeal) or _is_owner_side(actor, appeal)):
        raise PermissionDenied(_("Only the lead department or the first receiver may transfer the appeal"))
    if appeal.status == Appeal.Status.CLOSED:
        raise ServiceError(_("The appeal is closed and can no longer be transferred"), code="closed")
    _route(actor, appeal, department, text=reason, kind=AppealEvent.Kind.TRANSFERRED)
    return appeal


@transaction.atomic
def send_back_appeal(actor: Actor, appeal: Appeal, *, reason: str) -> Appeal:
    """退单: the department returns the appeal to its first receiver, which keeps owning it."""
    reason = _need_reason(reason, _("Sending back needs a reason"))
    _require(actor, appeal)
    if not _is_department_side(actor, appeal):
        raise PermissionDenied(_("Only the lead department may send the appeal back"))
    if appeal.status == Appeal.Status.CLOSED:
        raise ServiceError(_("The appeal is closed and can no longer be sent back"), code="closed")
    old = appeal.department
    appeal.department, appeal.handler, appeal.status = None, None, Appeal.Status.RECEIVED
    appeal.save(update_fields=["department", "handler", "status", "updated_at"])
    audit.record(actor, "update", appeal, {"department": [getattr(old, "pk", None), None]}, note=reason[:255])
    _event(appeal, AppealEvent.Kind.SENT_BACK, actor, from_org=old, to_org=appeal.receiving_org, text=reason)
    return appeal


@transaction.atomic
def add_joint_departments(
    actor: Actor, appeal: Appeal, departments: Iterable[Organisation], *, note: str = ""
) -> list[JointHandling]:
    """Joint handling: other departments take part; the appeal's department stays the one lead."""
    _require(actor, appeal)
    if not (_is_department_side(actor, appeal) or _is_owner_side(actor, appeal)):
        raise PermissionDenied(
            _("Only the lead department or the first receiver may organise joint handling")
        )
    out = []
    for dept in departments:
        if dept.pk == appeal.department_id:
            continue
        joint, created = JointHandling.objects.get_or_create(
            appeal=appeal, department=dept, defaults={"note": note}
        )
        if created:
            _event(appeal, AppealEvent.Kind.JOINT, actor, to_org=dept, text=note)
        out.append(joint)
    return out


@transaction.atomic
def pause_appeal(actor: Actor, appeal: Appeal, *, reason: str, on: date | None = None) -> Appeal:
    """Stop the clock while waiting for the firm (材料补正 …); the reason is required."""
    reason = _need_reason(reason, _("Pausing the clock needs a reason"))
    _require(actor, appeal)
    if appeal.status in (Appeal.Status.CLOSED, Appeal.Status.WAITING):
        raise ServiceError(_("The clock of this appeal cannot be paused"), code="not_pausable")
    appeal.paused_since = on or timezone.localdate()
    appeal.status = Appeal.Status.WAITING
    appeal.save(update_fields=["paused_since", "status", "updated_at"])
    _event(appeal, AppealEvent.Kind.PAUSED, actor, text=reason)
    return appeal


@transaction.atomic
def resume_appeal(actor: Actor, appeal: Appeal, *, on: date | None = None) -> Appeal:
    """Restart the clock: the due dates move on by the working days the appeal waited."""
    _require(actor, appeal)
    if appeal.status != Appeal.Status.WAITING or appeal.paused_since is None:
        raise ServiceError(_("The clock of this appeal is not paused"), code="not_paused")
    cal = working_calendar()
    waited = cal.working_days_between(appeal.paused_since, on or timezone.localdate())
    old = appeal.handling_due
    if waited:
        appeal.handling_due = cal.add_working_days(appeal.handling_due, waited)
        if appeal.first_response_at is None:
            appeal.response_due = cal.add_working_days(appeal.response_due, waited)
    appeal.paused_since = None
    appeal.status = Appeal.Status.ACCEPTED if appeal.handler_id else Appeal.Status.ASSIGNED
    appeal.save(update_fields=["paused_since", "status", "handling_due", "response_due", "updated_at"])
    audit.record(actor, "update", appeal, {"handling_due": [old, appeal.handling_due]}, note="resume")
    _event(appeal, AppealEvent.Kind.RESUMED, actor, text=f"顺延{waited}个工作日")
    return appeal


@transaction.atomic
def reply_to_firm(actor: Actor, appeal: Appeal, text: str) -> Appeal:
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("The reply must not be empty"), code="reply_required")
    _require(actor, appeal)
    appeal.reply = text
    appeal.save(update_fields=["reply", "updated_at"])
    _mark_response(appeal)
    _event(appeal, AppealEvent.Kind.REPLIED, actor, text=text)
    return appeal


@transaction.atomic
def close_appeal(
    actor: Actor, appeal: Appeal, *, result: str, note: str = "", at: datetime | None = None
) -> Appeal:
    """办结 with a result; 部分解决 and 未解决 need an explanation."""
    if result not in Appeal.Result.values:
        raise ServiceError(_("The result must be solved, partly solved or not solved"), code="bad_result")
    if result != Appeal.Result.SOLVED and not (note or "").strip():
        raise ServiceError(
            _("A partly solved or unsolved appeal needs an explanation"), code="explanation_required"
        )
    _require(actor, appeal)
    if appeal.status == Appeal.Status.CLOSED:
        raise ServiceError(_("The appeal is already closed"), code="closed")
    if appeal.status == Appeal.Status.WAITING:
        resume_appeal(actor, appeal)
    at = aware(at or timezone.now())
    _mark_response(appeal, at)
    appeal.status, appeal.result, appeal.result_note, appeal.closed_at = (
        Appeal.Status.CLOSED,
        result,
        note,
        at,
    )
    appeal.closed_on_time = local_date(at) <= appeal.handling_due
    appeal.days_to_close = max(0, (local_date(at) - appeal.received_date).days)
    appeal.save(
        update_fields=[
            "status",
            "result",
            "result_note",
            "closed_at",
            "closed_on_time",
            "days_to_close",
            "updated_at",
        ]
    )
    audit.record(actor, "update", appeal, {"status": [None, "closed"], "result": [None, result]})
    _event(appeal, AppealEvent.Kind.CLOSED, actor, text=note)
    return appeal


@transaction.atomic
def record_satisfaction(actor: Actor, appeal: Appeal, value: str, *, note: str = "") -> Appeal:
    """The call-back: by someone other than the handler; 不满意 reopens the appeal (counted)."""
    if value not in Appeal.Satisfaction.values:
        raise ServiceError(
            _("The satisfaction must be satisfied, fairly satisfied, unsatisfied or not rated"),
            code="bad_satisfaction",
        )
    _require(actor, appeal)
    if appeal.status != Appeal.Status.CLOSED:
        raise ServiceError(_("The call-back can only be made once the appeal is closed"), code="not_closed")
    if actor is not None and getattr(actor, "pk", None) and appeal.handler_id == actor.pk:
        raise ServiceError(
            _("The call-back must be made by someone other than the handler"), code="handler_cannot_rate"
        )
    appeal.satisfaction = value
    appeal.rated_at = timezone.now()
    appeal.rated_by = actor if getattr(actor, "pk", None) else None
    fields = ["satisfaction", "rated_at", "rated_by", "updated_at"]
    _event(appeal, AppealEvent.Kind.RATED, actor, level=value, text=note)
    if value == Appeal.Satisfaction.UNSATISFIED:
        appeal.status = Appeal.Status.ACCEPTED if appeal.handler_id else Appeal.Status.ASSIGNED
        appeal.reopen_count += 1
        appeal.closed_at, appeal.closed_on_time, appeal.result, appeal.days_to_close = None, False, "", None
        appeal.handling_due = due_date(timezone.localdate(), appeal.handling_days or 5)
        fields += [
            "status",
            "reopen_count",
            "closed_at",
            "closed_on_time",
            "result",
            "days_to_close",
            "handling_due",
        ]
        _event(appeal, AppealEvent.Kind.REOPENED, actor, text=note or "回访不满意，重新办理")
    appeal.save(update_fields=fields)
    audit.record(actor, "update", appeal, {"satisfaction": [None, value]})
    return appeal


@transaction.atomic
def add_firm_message(appeal: Appeal, text: str) -> AppealEvent:
    """A firm's follow-up on the public status page."""
    text = (text or "").strip()[:2000]
    if not text:
        raise ServiceError(_("The text must not be empty"), code="text_required")
    return _event(appeal, AppealEvent.Kind.FIRM_MESSAGE, None, text=text)


# ------------------------------------------------------------------------------------------------ escalation


@dataclass
class Escalation:
    """One notification the escalation rules call for (not yet recorded)."""

    appeal_id: int
    level: str  # due_soon → handler, overdue → department head, overdue_again → city leader
    recipients: list[int]
    due: date
    message: str = ""


LEVELS = ("due_soon", "overdue", "overdue_again")
HEAD_TITLES = ("局长", "主任", "处长", "科长", "负责人", "head")


def _department_head(department: Organisation | None, handler: User | None) -> list[User]:
    if handler is not None and handler.leader is not None:
        return [handler.leader]
    if department is None:
        return []
    users = list(User.objects.filter(organisation=department, is_active=True))
    heads = [u for u in users if any(t in (u.title or "") for t in HEAD_TITLES)]
    return heads or users


def _city_leaders() -> list[User]:
    return list(User.objects.filter(role=Role.CITY_LEADER, is_active=True))


def due_escalations(today: date | None = None) -> list[Escalation]:
    """What must be notified to whom today: due within a working day → the handler; overdue → the department
    head; overdue by its limit again → the city leaders. Steps already recorded are not repeated."""
    today = today or timezone.localdate()
    cal = working_calendar()
    soon_limit = cal.add_working_days(today, 1)
    open_ = Appeal.objects.exclude(status__in=[Appeal.Status.CLOSED, Appeal.Status.WAITING]).filter(
        handling_due__lte=soon_limit
    )
    done = set(
        AppealEvent.objects.filter(kind=AppealEvent.Kind.ESCALATED, appeal__in=open_).values_list(
            "appeal_id", "level"
        )
    )
    out: list[Escalation] = []
    leaders = None
    for appeal in open_.select_related("department", "handler", "handler__leader"):
        if today > appeal.handling_due:
            again = cal.add_working_days(appeal.handling_due, appeal.handling_days or 5)
            level = "overdue_again" if today > again else "overdue"
        else:
            level = "due_soon"
        if (appeal.pk, level) in done:
            continue
        if level == "due_soon":
            people = (
                [appeal.handler]
                if appeal.handler
                else list(User.objects.filter(organisation=appeal.department_id, is_active=True))
                if appeal.department_id
                else []
            )
        elif level == "overdue":
            people = _department_head(appeal.department, appeal.handler)
        else:
            leaders = leaders if leaders is not None else _city_leaders()
            people = leaders
        out.append(
            Escalation(
                appeal.pk, level, sorted({u.pk for u in people}), appeal.handling_due, f"{appeal} {level}"
            )
        )
    return out


@transaction.atomic
def record_escalations(today: date | None = None) -> list[Escalation]:
    """Record every due escalation step as an event (so it is not repeated) and return them."""
    found = due_escalations(today)
    events = []
    for item in found:
        recipients: list[int | None] = [*item.recipients] or [None]  # no one named: recorded once, for nobody
        for recipient in recipients:
            events.append(
                AppealEvent(
                    appeal_id=item.appeal_id,
                    kind=AppealEvent.Kind.ESCALATED,
                    level=item.level,
                    recipient_id=recipient,
                    text=f"到期日 {item.due.isoformat()}",
                )
            )
    AppealEvent.objects.bulk_create(events)
    return found


# ------------------------------------------------------------------------------------------------ rates

RATE_DEFINITIONS = (
    (
        "response_rate",
        gettext_lazy("Response rate"),
        gettext_lazy(
            "Appeals first responded to within the response time limit ÷ appeals received in the period"
        ),
    ),
    (
        "solve_rate",
        gettext_lazy("Solve rate"),
        gettext_lazy("Closed appeals whose result is “solved” ÷ closed appeals"),
    ),
    (
        "satisfaction_rate",
        gettext_lazy("Satisfaction rate"),
        gettext_lazy("(Satisfied + basically satisfied) ÷ rated appeals (appeals not rated are not counted)"),
    ),
    (
        "on_time_rate",
        gettext_lazy("On-time closing rate"),
        gettext_lazy("Appeals closed on or before their due date ÷ closed appeals"),
    ),
    (
        "reopen_rate",
        gettext_lazy("Reopen rate"),
        gettext_lazy(
            "Appeals handled again after an unsatisfied return visit ÷ appeals received in the period"
        ),
    ),
)


def appeals_in_period(
    start: date, end: date, *, organisation: Organisation | None = None, user: Any = None
) -> QuerySet[Appeal]:
    qs = Appeal.objects.filter(received_date__gte=start, received_date__lte=end)
    if organisation is not None and organisation.parent_id is not None:
        qs = qs.filter(
            Q(department__path__startswith=organisation.path)
            | Q(department__isnull=True, receiving_org__path__startswith=organisation.path)
        )
    if user is not None:
        qs = visible(user, qs)
    return qs


_AGG = {
    "received": Count("id"),
    "responded": Count("id", filter=Q(first_response_at__isnull=False)),
    "responded_in_time": Count("id", filter=Q(responded_in_time=True)),
    "closed": Count("id", filter=Q(status=Appeal.Status.CLOSED)),
    "solved": Count("id", filter=Q(status=Appeal.Status.CLOSED, result=Appeal.Result.SOLVED)),
    "closed_on_time": Count("id", filter=Q(status=Appeal.Status.CLOSED, closed_on_time=True)),
    "rated": Count("id", filter=Q(satisfaction__in=["satisfied", "basic", "unsatisfied"])),
    "satisfied": Count("id", filter=Q(satisfaction__in=["satisfied", "basic"])),
    "unsatisfied": Count("id", filter=Q(satisfaction="unsatisfied")),
    "reopened": Count("id", filter=Q(reopen_count__gt=0)),
}


def _median_days(qs: QuerySet[Appeal]) -> float | None:
    """Median days to close, from a histogram of days (one small grouped query, not every closed appeal)."""
    histogram = list(
        qs.filter(status=Appeal.Status.CLOSED, days_to_close__isnull=False)
        .values_list("days_to_close")
        .annotate(n=Count("id"))
        .order_by("days_to_close")
    )
    total = sum(n for _d, n in histogram)
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]  # positions of the middle value(s), 0-based
    values, seen = [], 0
    for days, n in histogram:
        while wanted and wanted[0] < seen + n:
            values.append(float(days))
            wanted.pop(0)
        seen += n
    return sum(values) / len(values)


def compute_rates(qs: QuerySet[Appeal], *, with_median: bool = True) -> Rates:
    counts = qs.aggregate(**_AGG)
    rates = Rates(counts={k: int(v or 0) for k, v in counts.items()})
    if with_median and rates.counts["closed"]:
        rates.median_days_to_close = _median_days(qs)
    return rates


def dashboard(qs: QuerySet[Appeal]) -> dict[str, Any]:
    """Everything the rates dashboard shows from one grouped scan (of the covering index, grouped by ids, names
    looked up after): city-wide, by department, category and channel."""
    from zhaoshang.service.models import Category

    cube: list[Mapping[str, Any]] = [  # (the stubs type values() rows without the annotate(**_AGG) keys)
        *qs.values("department_id", "category_id", "channel").annotate(**_AGG).order_by()
    ]
    departments = dict(
        Organisation.objects.filter(pk__in={r["department_id"] for r in cube}).values_list("pk", "name")
    )
    categories = dict(
        Category.objects.filter(pk__in={r["category_id"] for r in cube}).values_list("pk", "name")
    )
    names = {
        "department": lambda r: departments.get(r["department_id"], "—"),
        "category": lambda r: categories.get(r["category_id"], "—"),
        "channel": lambda r: (
            str(Appeal.Channel(r["channel"]).label)
            if r["channel"] in Appeal.Channel.values
            else r["channel"] or "—"
        ),
    }
    overall = Rates()
    by: dict[str, dict[str, dict[str, int]]] = {d: {} for d in names}
    for row in cube:
        for key in _AGG:
            overall.counts[key] += int(row[key] or 0)
        for dim, name_of in names.items():
            bucket = by[dim].setdefault(name_of(row), dict.fromkeys(_AGG, 0))
            for key in _AGG:
                bucket[key] += int(row[key] or 0)
    if overall.counts["closed"]:
        overall.median_days_to_close = _median_days(qs)
    out: dict[str, Any] = {"overall": overall.as_dict()}
    for dim, groups in by.items():
        out[dim] = [{**Rates(counts=c).as_dict(), "name": name} for name, c in sorted(groups.items())]
    return out


def monthly_rates(qs: QuerySet[Appeal]) -> list[dict[str, Any]]:
    """The rates per month of receipt (``month``: ``2025-03``), for the dashboard's chart.

    Grouped by day of receipt (the covering index's first column: no table look-up, at most a row per day) and
    summed into months here, which is cheaper than truncating every row's date in the database."""
    months: dict[str, dict[str, int]] = {}
    # (the stubs type values() rows without the annotate(**_AGG) keys)
    by_day: Iterable[Mapping[str, Any]] = qs.values("received_date").annotate(**_AGG).order_by()
    for row in by_day:
        bucket = months.setdefault(row["received_date"].strftime("%Y-%m"), dict.fromkeys(_AGG, 0))
        for key in _AGG:
            bucket[key] += int(row[key] or 0)
    return [{**Rates(counts=c).as_dict(), "month": m} for m, c in sorted(months.items())]


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def chart_data(data: dict[str, Any], *, top: int = 15) -> dict[str, Any]:
    """What the dashboard's category and department charts draw, from the dashboard's own scan (no query)."""

    def ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda r: (-r["received"], r["name"]))[:top]

    departments = ranked(data["department"])
    categories = ranked(data["category"])
    return {
        "categories": [r["name"] for r in categories],
        "category_received": [r["received"] for r in categories],
        "category_unsatisfied": [r["unsatisfied"] for r in categories],
        "departments": [r["name"] for r in departments],
        "department_received": [r["received"] for r in departments],
        "department_on_time": [r["closed_on_time"] for r in departments],
        "department_late": [r["closed"] - r["closed_on_time"] for r in departments],
    }


def month_chart_data(months: list[dict[str, Any]]) -> dict[str, Any]:
    """The rates-by-month chart (per cent; None where nothing was measured), from :func:`monthly_rates`."""
    rates = ("response_rate", "solve_rate", "satisfaction_rate", "on_time_rate")
    return {
        "months": [m["month"] for m in months],
        "received": [m["received"] for m in months],
        **{key: [_pct(m[key]) for m in months] for key in rates},
    }


def rates_by(qs: QuerySet[Appeal], dimension: str) -> list[dict[str, Any]]:
    """Rates per department / category / channel: one grouped query."""
    column = {"department": "department__name", "category": "category__name", "channel": "channel"}[dimension]
    rows = qs.values(column).annotate(**_AGG).order_by(column)
    out = []
    for row in rows:
        counts = {k: int(row[k] or 0) for k in _AGG}
        item = Rates(counts=counts).as_dict()
        item["name"] = row[column] or "—"
        if dimension == "channel":
            item["name"] = (
                str(Appeal.Channel(row[column]).label)
                if row[column] in Appeal.Channel.values
                else row[column]
            )
        out.append(item)
    return out


# ------------------------------------------------------------------------------------------------ clusters


def recurring_problems(start: date, end: date, *, user: Any = None, **options: Any) -> list[dict[str, Any]]:
    """共性问题 among the appeals received in the period, with firms, parks, trend and each member's reason (``why``,
    in the active language; ``reason`` and ``terms`` for machines)."""
    from zhaoshang.service.core.clustering import cluster_texts
    from zhaoshang.service.messages import explanation

    qs = appeals_in_period(start, end, user=user).order_by("id")
    rows = list(
        qs.values_list(
            "id",
            "ticket",
            "title",
            "content",
            "enterprise_id",
            "firm_org__name",
            "received_date",
            "firm_org__kind",
        )
    )
    texts = [f"{r[2]} {r[3]}".strip() for r in rows]
    out = []
    for cluster in cluster_texts(texts, **options):
        members = [rows[m.index] for m in cluster.members]
        months: dict[str, int] = {}
        for r in members:
            months[r[6].strftime("%Y-%m")] = months.get(r[6].strftime("%Y-%m"), 0) + 1
        out.append(
            {
                "label": cluster.label,
                "terms": cluster.terms,
                "count": len(members),
                "firms": len({r[4] for r in members if r[4]}),
                "parks": sorted({r[5] for r in members if r[5] and r[7] == Organisation.Kind.PARK}),
                "trend": dict(sorted(months.items())),
                "appeals": [
                    {
                        "id": rows[m.index][0],
                        "ticket": rows[m.index][1],
                        "similarity": m.similarity,
                        "why": explanation(m.reason, m.reason_params),
                        "reason": m.reason,
                        "terms": m.shared_terms,
                    }
                    for m in cluster.members
                ],
            }
        )
    return out


# ------------------------------------------------------------------------------------------------ retention


@transaction.atomic
def erase_personal_data(actor: Actor, *, older_than_days: int, today: date | None = None) -> int:
    """Erase contact and phone of appeals closed more than ``older_than_days`` ago (the retention period)."""
    today = today or timezone.localdate()
    cutoff = aware(datetime.combine(today - timedelta(days=older_than_days), datetime.min.time()))
    qs = Appeal.objects.filter(status=Appeal.Status.CLOSED, closed_at__lt=cutoff, personal_data_erased=False)
    ids = list(qs.values_list("id", flat=True))
    Appeal.objects.filter(id__in=ids).update(contact="", phone="", personal_data_erased=True)
    if ids:
        audit.record(
            actor,
            "update",
            Appeal.objects.get(pk=ids[0]),
            {"erased": [None, len(ids)]},
            note=f"retention {older_than_days} days",
        )
    return len(ids)


# ------------------------------------------------------------------------------------------------ structural problems


@transaction.atomic
def raise_structural_problem(
    actor: Actor,
    *,
    title: str,
    appeals: Iterable[Appeal],
    terms: Iterable[str] = (),
    owner: Organisation | None = None,
    decision: str = "other",
    decision_text: str = "",
    deadline: date | None = None,
    is_demo: bool = False,
):
    """A recurring problem becomes a structural problem with an owner, a decision, a deadline and an outcome."""
    from zhaoshang.service.models import StructuralProblem

    title = (title or "").strip()
    if not title:
        raise ServiceError(_("Please give the problem a title"), code="title_required")
    owner = (
        owner or (actor.organisation if actor is not None and actor.organisation_id else None) or city_root()
    )
    problem = audit.create(
        actor,
        StructuralProblem,
        title=title[:200],
        terms=[t for t in terms if t],
        owner=owner,
        decision=decision,
        decision_text=decision_text,
        deadline=deadline,
        is_demo=is_demo,
    )
    problem.appeals.set(list(appeals))
    return problem


def appeals_of_firm(firm: Any, user: Any) -> dict[str, Any]:
    """The firm profile's section: the firm's appeals the user may see, newest first, with counts."""
    qs = (
        visible(user, Appeal.objects.filter(enterprise=firm))
        if can(user, "appeal", "view")
        else Appeal.objects.none()
    )
    return {
        "appeals": list(qs.select_related("category", "department").order_by("-received_at")[:20]),
        "open": qs.exclude(status=Appeal.Status.CLOSED).count(),
        "total": qs.count(),
    }


# ------------------------------------------------------------------------------------------------ visits


@transaction.atomic
def plan_visits(
    actor: Actor, firms: Iterable[Any], *, planned_for: date, plan: str, is_demo: bool = False
) -> int:
    """Plan a 走访 of each firm (e.g. every 规上 firm this quarter) for the acting officer; a planned, not yet done
    visit of the same firm and plan is not duplicated."""
    from zhaoshang.service.models import Visit

    if actor is None or not can(actor, "appeal", "add"):
        raise PermissionDenied(_("You may not plan visits"))
    created = 0
    for firm in firms:
        if Visit.objects.filter(enterprise=firm, plan=plan, done_on__isnull=True).exists():
            continue
        Visit.objects.create(
            enterprise=firm,
            officer=actor,
            organisation=actor_organisation(actor),
            planned_for=planned_for,
            plan=plan[:100],
            is_demo=is_demo,
        )
        created += 1
    return created


@transaction.atomic
def record_visit(
    actor: Actor,
    visit: Any,
    *,
    findings: str,
    done_on: date | None = None,
    appeal_text: str = "",
    category: Category | None = None,
) -> Appeal | None:
    """Record what a visit found; a problem found becomes an appeal (channel 走访) in the same step."""
    from zhaoshang.service.models import Visit

    if not visible(actor, Visit.objects.filter(pk=visit.pk), "add").exists():
        raise PermissionDenied(_("This is outside your scope"))
    visit.findings = (findings or "").strip()
    visit.done_on = done_on or timezone.localdate()
    visit.save(update_fields=["findings", "done_on"])
    audit.record(actor, "update", visit, {"done_on": [None, visit.done_on]})
    if (appeal_text or "").strip():
        return receive_appeal(
            actor,
            channel=Appeal.Channel.VISIT,
            firm_name=visit.enterprise.name,
            firm_uscc=visit.enterprise.uscc or "",
            content=appeal_text,
            category=category,
        )
    return None


def visit_coverage(start: date, end: date, *, user: Any) -> dict[str, list[dict[str, Any]]]:
    """Visits planned and done in the period, per officer and per park (the firm's registry park), done ÷ planned."""
    from zhaoshang.service.models import Visit

    qs = visible(user, Visit.objects.filter(planned_for__gte=start, planned_for__lte=end))
    done = Count("id", filter=Q(done_on__isnull=False))
    officers = [
        {
            "name": f"{r['officer__last_name']}{r['officer__first_name']}" or r["officer__username"],
            "planned": r["n"],
            "done": r["d"],
        }
        for r in qs.values("officer__username", "officer__last_name", "officer__first_name")
        .annotate(n=Count("id"), d=done)
        .order_by("officer__username")
    ]
    # per park: the registry's park of the firm (registry.parks: by rule, import column or hand), else the firm's
    # organisation when that is a park or town; None = no park
    from django.db.models import Case, F, When
    from django.db.models.functions import Coalesce

    park = Coalesce(
        "enterprise__park_link__park__name",
        Case(
            When(
                enterprise__organisation__kind__in=("park", "town"), then=F("enterprise__organisation__name")
            )
        ),
    )
    parks = [
        {"name": r["park"], "planned": r["n"], "done": r["d"]}
        for r in qs.annotate(park=park).values("park").annotate(n=Count("id"), d=done).order_by("park")
    ]
    return {"officers": officers, "parks": parks}


# ------------------------------------------------------------------------------------------------ automatic visit plans

ABOVE_SCALE_PLAN = "规上企业季度走访"
LANDED_PLAN = "新落地项目首月走访"
FIRST_MONTH_DAYS = 30


def quarter_of(day: date) -> tuple[date, date, str]:
    """First and last day of the day's quarter, and its label (``2026Q4``)."""
    q = (day.month - 1) // 3
    start = date(day.year, q * 3 + 1, 1)
    end = (date(day.year + 1, 1, 1) if q == 3 else date(day.year, q * 3 + 4, 1)) - timedelta(days=1)
    return start, end, f"{day.year}Q{q + 1}"


class _Officers:
    """Which service officer a firm's visit falls to: the one whose organisation is nearest above the firm's place
    (its park, else its organisation); several at that level share the firms by firm id."""

    def __init__(self) -> None:
        self.officers = [  # (the organisation's path, the officer)
            (o.organisation.path, o)
            for o in User.objects.filter(
                role=Role.SERVICE_OFFICER, is_active=True, organisation__isnull=False
            )
            .select_related("organisation")
            .order_by("pk")
            if o.organisation is not None  # always: filtered on it
        ]

    def for_place(self, paths: Iterable[str | None], key: int) -> User | None:
        for path in paths:
            if not path:
                continue
            found = [(above, o) for above, o in self.officers if path.startswith(above)]
            if found:
                depth = max(len(above) for above, _ in found)
                nearest = [o for above, o in found if len(above) == depth]
                return nearest[key % len(nearest)]
        return None


@transaction.atomic
def plan_automatic_visits(
    today: date | None = None, *, actor: Actor = None, is_demo: bool = False
) -> dict[str, Any]:
    """Plan the standing visits, idempotently (one visit per plan key and firm; re-running changes nothing):

    - every 规上 firm (registry ``above_scale``) once per quarter, by the officer whose scope holds it;
    - every project that landed (``core.hooks.landed_firms``: reached 注册/投产) in the last month, within its first
      month, by the officer whose scope holds the project's team.

    Returns the counts and the new visits per officer (``{"above_scale", "landed", "no_officer", "by_officer"}``).
    """
    from zhaoshang.core import hooks
    from zhaoshang.core.models import AuditEntry
    from zhaoshang.registry.models import Enterprise
    from zhaoshang.service.models import Visit

    today = today or timezone.localdate()
    officers = _Officers()
    q_start, q_end, label = quarter_of(today)
    counts: dict[str, Any] = {"above_scale": 0, "landed": 0, "no_officer": 0, "by_officer": {}}
    new: list[Visit] = []

    def add(firm_id: int, officer: User | None, planned_for: date, plan: str, key: str) -> None:
        if officer is None:
            counts["no_officer"] += 1
            return
        new.append(
            Visit(
                enterprise_id=firm_id,
                officer=officer,
                organisation=officer.organisation,
                planned_for=planned_for,
                plan=plan[:100],
                plan_key=key[:80],
                is_demo=is_demo,
            )
        )
        counts["by_officer"][officer.pk] = counts["by_officer"].get(officer.pk, 0) + 1

    key = f"above_scale:{label}"
    done = set(Visit.objects.filter(plan_key=key).values_list("enterprise_id", flat=True))
    first = max(today, q_start)
    span = (q_end - first).days + 1
    firms = (
        Enterprise.objects.filter(above_scale=True, merged_into__isnull=True)
        .values_list("pk", "park_link__park__path", "organisation__path")
        .order_by("pk")
    )
    for pk, park_path, org_path in firms.iterator(chunk_size=5000):
        if pk in done:
            continue
        officer = officers.for_place((park_path, org_path), pk)
        add(pk, officer, first + timedelta(days=pk % span), f"{ABOVE_SCALE_PLAN} {label}", key)
        counts["above_scale"] += officer is not None

    landed = hooks.landed_firms(today - timedelta(days=FIRST_MONTH_DAYS), today)
    if landed:
        orgs = dict(
            Organisation.objects.filter(pk__in={r["organisation_id"] for r in landed}).values_list(
                "pk", "path"
            )
        )
        keys = {f"landed:{r['project_id']}" for r in landed}
        done_landed = set(Visit.objects.filter(plan_key__in=keys).values_list("plan_key", flat=True))
        for r in landed:
            key = f"landed:{r['project_id']}"
            if key in done_landed or not r.get("enterprise_id"):
                continue
            officer = officers.for_place((orgs.get(r["organisation_id"]),), r["project_id"])
            planned_for = max(today, r["on"] + timedelta(days=14))
            planned_for = min(planned_for, max(today, r["on"] + timedelta(days=FIRST_MONTH_DAYS)))
            add(r["enterprise_id"], officer, planned_for, f"{LANDED_PLAN}：{r['label']}", key)
            counts["landed"] += officer is not None
            done_landed.add(key)

    Visit.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    if new:
        AuditEntry.objects.create(
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=getattr(actor, "username", "") or "system",
            action=AuditEntry.Action.CREATE,
            model="service.visit",
            object_id="*",
            object_repr="自动走访计划",
            changes={"above_scale": counts["above_scale"], "landed": counts["landed"], "quarter": label},
        )
    return counts


# ------------------------------------------------------------------------------------------------ structural problem edit

PROBLEM_FIELDS = ("title", "owner", "decision", "decision_text", "deadline", "outcome", "status")


@transaction.atomic
def update_structural_problem(
    actor: Actor, problem: Any, *, expected_version: int | None = None, **fields: Any
) -> dict[str, list[Any]]:
    """Edit a structural problem (owner, decision and what will change, deadline, outcome, status).

    ``expected_version``: the version the editor read; a problem changed since gives ``StaleEdit`` (nothing written).
    The owner must be an organisation the editor may see (``check_reference``); closing as done needs an outcome.
    """
    from zhaoshang.accounts.scoping import check_reference
    from zhaoshang.core.locking import claim_version
    from zhaoshang.service.models import StructuralProblem

    unknown = set(fields) - set(PROBLEM_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if not visible(actor, StructuralProblem.objects.filter(pk=problem.pk), "change").exists():
        raise PermissionDenied(_("This is outside your scope"))
    if "owner" in fields:
        if fields["owner"] is None:
            raise ServiceError(_("Please choose the responsible unit"), code="owner_required")
        check_reference(actor, fields["owner"], field="责任单位")
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()[:200]
        if not fields["title"]:
            raise ServiceError(_("Please give the problem a title"), code="title_required")
    status = fields.get("status", problem.status)
    outcome = fields.get("outcome", problem.outcome)
    if status == StructuralProblem.Status.DONE and not (outcome or "").strip():
        raise ServiceError(
            _("A structural problem that is done needs its outcome (what changed and with what effect)"),
            code="outcome_required",
        )
    decision = fields.get("decision", problem.decision)
    text = fields.get("decision_text", problem.decision_text)
    if status in (StructuralProblem.Status.DECIDED, StructuralProblem.Status.IN_PROGRESS) and (
        decision == StructuralProblem.Decision.OTHER and not (text or "").strip()
    ):
        raise ServiceError(
            _("A decided structural problem needs its decision (a change of policy, facility or rule)"),
            code="decision_required",
        )
    claim_version(problem, expected_version)
    return audit.update(actor, problem, **fields)


def open_structural_problems(user: Any, *, limit: int = 10) -> list[Any]:
    """Structural problems still open in the user's scope, by deadline (none last)."""
    from django.db.models import F

    from zhaoshang.service.models import StructuralProblem

    qs = visible(user, StructuralProblem.objects.select_related("owner")).exclude(
        status__in=(StructuralProblem.Status.DONE, StructuralProblem.Status.DROPPED)
    )
    return list(qs.order_by(F("deadline").asc(nulls_last=True), "pk")[:limit])


# ------------------------------------------------------------------------------------------------ departments to confirm


def may_administer(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and (user.is_superuser or user.role == Role.SYSTEM_ADMIN)
    )


def _admin_only(actor: Actor) -> None:
    if not may_administer(actor):
        raise PermissionDenied(_("Only a system administrator may confirm departments"))


@transaction.atomic
def confirm_department(actor: Actor, review: Any, *, name: str = "") -> Any:
    """Confirm a department a 12345 import created; with ``name``, rename it first (later imports that write the old
    name still find it, by its code)."""
    _admin_only(actor)
    name = (name or "").strip()[:200]
    if name and name != review.organisation.name:
        audit.update(actor, review.organisation, name=name)
    audit.update(actor, review, confirmed_at=timezone.now(), confirmed_by=actor)
    return review


@transaction.atomic
def merge_department(actor: Actor, review: Any, target: Organisation) -> int:
    """The created department is another name of ``target``: its appeals (lead, joint, history) move to ``target``,
    and later imports that write its name route to ``target``. Returns the number of appeals moved."""
    from zhaoshang.service.models import AppealEvent, Category

    _admin_only(actor)
    source = review.organisation
    if target is None or target.pk == source.pk:
        raise ServiceError(_("Please choose another unit to merge into"), code="merge_target")
    if target.path.startswith(source.path):
        raise ServiceError(_("A unit cannot be merged into one of its own sub-units"), code="merge_target")
    moved = Appeal.objects.filter(department=source).update(department=target)
    Appeal.objects.filter(receiving_org=source).update(receiving_org=target)
    already = set(JointHandling.objects.filter(department=target).values_list("appeal_id", flat=True))
    JointHandling.objects.filter(department=source, appeal_id__in=already).delete()
    JointHandling.objects.filter(department=source).update(department=target)
    AppealEvent.objects.filter(to_org=source).update(to_org=target)
    AppealEvent.objects.filter(from_org=source).update(from_org=target)
    Category.objects.filter(department=source).update(department=target)
    audit.update(
        actor,
        review,
        note=f"合并到 {target.name}（移动诉求{moved}件）",
        merged_into=target,
        confirmed_at=timezone.now(),
        confirmed_by=actor,
    )
    return moved
