"""Firm-facing pages under /public/ (no login): file an appeal, check its status and reply by tracking code + phone.

Rate-limited per IP and per phone; an offline challenge against bots; a lookup needs the tracking code AND the
phone it was filed with, and answers the same "not found" for any mismatch, so no other firm's data shows.
"""

from __future__ import annotations

from datetime import timedelta

from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.core.messages import error_message
from zhaoshang.service import forms as f
from zhaoshang.service import services as s
from zhaoshang.service.models import Appeal, AppealEvent, Attachment, PublicThrottle

LIMITS = {
    "submit-ip": (5, timedelta(hours=1)),
    "submit-phone": (3, timedelta(days=1)),
    "status-ip": (30, timedelta(hours=1)),
}
PUBLIC_EVENTS = (
    AppealEvent.Kind.RECEIVED,
    AppealEvent.Kind.ACCEPTED,
    AppealEvent.Kind.REPLIED,
    AppealEvent.Kind.CLOSED,
    AppealEvent.Kind.REOPENED,
    AppealEvent.Kind.FIRM_MESSAGE,
    AppealEvent.Kind.PAUSED,
    AppealEvent.Kind.RESUMED,
)


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def throttled(kind: str, value: str) -> bool:
    limit, window = LIMITS[kind]
    key = f"{kind}:{value}"[:80]
    now = timezone.now()
    PublicThrottle.objects.filter(at__lt=now - timedelta(days=2)).delete()
    return PublicThrottle.objects.filter(key=key, at__gte=now - window).count() >= limit


def hit(kind: str, value: str) -> None:
    PublicThrottle.objects.create(key=f"{kind}:{value}"[:80])


def _fresh_form(data=None, files=None) -> f.PublicAppealForm:
    question, token = f.new_challenge()
    form = f.PublicAppealForm(data, files, initial={"token": token})
    form.question = question
    if data is not None:  # a new question each time; the answer to the old one is checked against its token
        form.new_token = token
    return form


def appeal_form(request):
    s.ensure_categories()
    if request.method != "POST":
        return TemplateResponse(request, "service/public_form.html", {"form": _fresh_form()})
    ip = client_ip(request)
    form = _fresh_form(request.POST, request.FILES)
    if throttled("submit-ip", ip):
        return TemplateResponse(
            request, "service/public_form.html", {"form": form, "limited": True}, status=429
        )
    if not form.is_valid():
        return TemplateResponse(request, "service/public_form.html", {"form": form}, status=400)
    d = form.cleaned_data
    if throttled("submit-phone", d["phone"]):
        return TemplateResponse(
            request, "service/public_form.html", {"form": form, "limited": True}, status=429
        )
    firm = d["firm"].strip()
    from zhaoshang.registry.core import uscc as uscc_core

    code = uscc_core.normalise(firm)
    is_code = len(code) == 18 and uscc_core.is_valid(code)
    try:
        appeal = s.receive_appeal(
            None,
            channel=Appeal.Channel.PUBLIC,
            firm_name="" if is_code else firm,
            firm_uscc=code if is_code else "",
            contact=d["contact"],
            phone=d["phone"],
            category=d["category"],
            content=d["content"],
        )
    except s.ServiceError as exc:
        form.add_error(None, error_message(exc))
        return TemplateResponse(request, "service/public_form.html", {"form": form}, status=400)
    hit("submit-ip", ip)
    hit("submit-phone", d["phone"])
    upload = d.get("attachment")
    if upload:
        Attachment.objects.create(appeal=appeal, file=upload, name=upload.name[:200], size=upload.size)
    return TemplateResponse(request, "service/public_done.html", {"appeal": appeal})


def status(request):
    form = f.StatusForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST":
        ip = client_ip(request)
        if throttled("status-ip", ip):
            return TemplateResponse(
                request, "service/public_status.html", {**context, "limited": True}, status=429
            )
        hit("status-ip", ip)
        if form.is_valid():
            appeal = (
                Appeal.objects.filter(
                    tracking_code=form.cleaned_data["code"],
                    phone=form.cleaned_data["phone"],
                    personal_data_erased=False,
                )
                .select_related("department")
                .first()
            )
            if appeal is None:
                context["not_found"] = True
                return TemplateResponse(request, "service/public_status.html", context, status=404)
            if form.cleaned_data.get("message"):
                s.add_firm_message(appeal, form.cleaned_data["message"])
                context["sent"] = True
            context["appeal"] = appeal
            context["events"] = appeal.events.filter(kind__in=PUBLIC_EVENTS)
            context["form"] = f.StatusForm(initial={"code": appeal.tracking_code, "phone": appeal.phone})
            context["title"] = _("Status of your appeal")
    return TemplateResponse(request, "service/public_status.html", context)
