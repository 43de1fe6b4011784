"""Chain pages: the list, the chain map (gap analysis), node cards, review queue, region comparison, targets."""

from __future__ import annotations

import json
from types import SimpleNamespace

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.accounts.scoping import can, get_for_user, require, visible
from zhaoshang.chains import documents, phone, services
from zhaoshang.chains.filters import AssignmentFilter
from zhaoshang.chains.models import Chain, ChainNode, NodeAssignment
from zhaoshang.core.messages import error_message
from zhaoshang.registry.services import home_region
from zhaoshang.web.redirects import safe_next

STATUS_COLOURS = {"strong": "#2f855a", "weak": "#dd6b20", "missing": "#c53030"}
COMPARE_DEFAULTS = ("430100", "320583")  # 长沙市, 昆山市


def _enterprise_model():
    from zhaoshang.registry.models import Enterprise

    return Enterprise


def _default_region(user) -> str:
    org = getattr(user, "organisation", None)
    while org is not None:
        if org.region_code:
            return org.region_code
        org = org.parent
    return home_region()


def _area(request, code: str | None = None):
    code = ((request.GET.get("region") if code is None else code) or "").strip() or _default_region(
        request.user
    )
    try:
        return services.resolve_region(code)
    except services.ChainServiceError as exc:
        messages.error(request, error_message(exc))
        return services.resolve_region(_default_region(request.user))


def _chain(request, slug: str) -> Chain:
    require(request.user, "chain", "view")
    chain = visible(request.user, Chain.objects.filter(slug=slug)).first()
    if chain is None:
        raise Http404
    return chain


def _visible_firms(user, ids) -> dict[int, object]:
    Enterprise = _enterprise_model()
    return {e.pk: e for e in visible(user, Enterprise.objects.filter(pk__in=list(ids)))}


def _visible_targets(user, rows: list[dict]) -> tuple[list[dict], int]:
    seen = _visible_firms(user, {r["enterprise_id"] for r in rows})
    shown = [r for r in rows if r["enterprise_id"] in seen]
    return shown, len(rows) - len(shown)


def index(request):
    require(request.user, "chain", "view")
    area = _area(request)
    rows = []
    for chain in Chain.objects.all():
        report = services.gap_for_region(chain, area.code)
        counts = {"strong": 0, "weak": 0, "missing": 0}
        for n in report.result.nodes:
            if n.is_leaf:
                counts[n.status] += 1
        rows.append(
            {
                "chain": chain,
                "completeness": report.completeness,
                "counts": counts,
                "nodes": len(report.result.nodes),
            }
        )
    context = {"rows": rows, "area": area, "can_review": can(request.user, "chain_assignment", "change")}
    return TemplateResponse(request, "chains/index.html", context)


def _tree(report, targets_per_node: dict[str, int] | None = None) -> list[dict]:
    by_parent: dict[str | None, list] = {}
    for n in report.result.nodes:
        by_parent.setdefault(n.parent_key, []).append(n)

    def one(n) -> dict:
        label = _("%(firms)s with evidence · %(candidates)s to verify · %(targets)s targets") % {
            "firms": n.local_firms,
            "candidates": n.candidates,
            "targets": (targets_per_node or {}).get(n.key, 0),
        }
        out = {
            "name": n.name,
            "key": n.key,
            "status": n.status,
            "firms": n.local_firms,
            "candidates": n.candidates,
            "keyNode": n.key_node,
            "label": label,
            "itemStyle": {
                "color": STATUS_COLOURS[n.status],
                "borderColor": "#1f2933" if n.key_node else STATUS_COLOURS[n.status],
            },
        }
        if n.key in by_parent:
            out["children"] = [one(c) for c in by_parent[n.key]]
        return out

    return [
        {
            "name": report.chain.name,
            "key": "",
            "itemStyle": {"color": "#2b6cb0"},
            "children": [one(n) for n in by_parent.get(None, [])],
        }
    ]


def _node_context(request, chain: Chain, report, key: str, targets) -> dict:
    node = ChainNode.objects.filter(chain=chain, key=key).first()
    if node is None:
        raise Http404
    gap = report.result.node(key)
    rows = [r for r in services.target_rows(targets) if r["node_key"] in set(report.spec.subtree(key))]
    shown, _hidden = _visible_targets(request.user, rows)
    for t in shown[:20]:
        t["reasons_text"] = documents.joined_reasons(t)
    return {
        "chain": chain,
        "node": node,
        "gap": gap,
        "area": report.area,
        "local_firms": _evidence_rows(request.user, report, key, counting=True),
        "candidates": _evidence_rows(request.user, report, key, counting=False),
        "targets": shown[:20],
        "targets_total": len(shown),
        "no_candidate_hint": documents.no_candidate_hint(),
        "can_edit": can(request.user, "chain", "change"),
        "can_review": can(request.user, "chain_assignment", "change"),
    }


def _evidence_rows(user, report, key: str, *, counting: bool) -> list[dict]:
    """The node's local firms (counting evidence) or candidates to verify, each with its evidence and words."""
    rows = report.local_rows(key)
    if not len(rows):
        return []
    ids = report.local_firm_ids(key) if counting else report.candidate_firm_ids(key)
    firms = _visible_firms(user, ids)
    out: dict[int, dict] = {}
    for r in rows.itertuples(index=False):
        if r.firm_id not in firms or (r.evidence in services.COUNTING) != counting:
            continue
        item = out.setdefault(
            r.firm_id,
            {
                "firm": firms[r.firm_id],
                "evidence": r.evidence,
                "label": services.evidence_label(r.evidence),
                "words": [],
                "assignment_id": r.assignment_id,
            },
        )
        for w in services.matched_words(r.reasons or [], r.node_key):
            if w not in item["words"]:
                item["words"].append(w)
    return sorted(out.values(), key=lambda x: x["firm"].name)


def detail(request, slug: str):
    chain = _chain(request, slug)
    area = _area(request)
    report = services.gap_for_region(chain, area.code)
    targets = services.targets_for(chain, area.code, report=report)
    key = request.GET.get("node") or ""
    rows = services.target_rows(targets)
    per_node: dict[str, list[dict]] = {}
    for r in rows:
        per_node.setdefault(r["node_key"], []).append(r)
    nodes = [SimpleNamespace(**n.__dict__, targets=len(per_node.get(n.key, []))) for n in report.result.nodes]
    missing_key = [
        {"node": n, "targets": per_node.get(n.key, [])[:3], "more": len(per_node.get(n.key, [])) > 3}
        for n in services.priorities(report.result, statuses=("missing",))
        if n.key_node
    ]
    context = {
        "chain": chain,
        "area": area,
        "report": report,
        "nodes": nodes,
        "gaps": [n for n in report.result.nodes if n.status != "strong"],
        "missing_key": missing_key,
        "candidates_total": len(
            set(report.local.loc[~report.local["evidence"].isin(services.COUNTING), "firm_id"])
        )
        if len(report.local)
        else 0,
        "tree": _tree(report, {k: len(v) for k, v in per_node.items()}),
        "can_edit": can(request.user, "chain", "change"),
        "node_ctx": _node_context(request, chain, report, key, targets) if key else None,
        "segments": phone.segments(nodes),  # the phone's expandable list of the same nodes
    }
    context["gaps"].sort(key=lambda n: (not n.key_node, -n.weight))
    return TemplateResponse(request, "chains/detail.html", context)


def node_panel(request, slug: str, key: str):
    return _panel_response(request, _chain(request, slug), key, request.GET)


def _panel_response(request, chain: Chain, key: str, params):
    area = _area(request, params.get("region", ""))
    report = services.gap_for_region(chain, area.code)
    targets = services.targets_for(chain, area.code, key, report=report) if key in report.spec.nodes else None
    context = _node_context(request, chain, report, key, targets)
    template = "chains/node.html#panel" if request.htmx else "chains/node.html"
    return TemplateResponse(request, template, context)


@require_POST
def edit_card(request, slug: str, key: str):
    chain = _chain(request, slug)
    require(request.user, "chain", "change")
    node = ChainNode.objects.filter(chain=chain, key=key).first()
    if node is None:
        raise Http404
    fields = {
        f: request.POST.get(f, "").strip()
        for f in ("what", "uses", "leaders_domestic", "leaders_foreign", "source")
    }
    fields["estimate"] = request.POST.get("estimate") == "on"
    services.update_card(request.user, node, **fields)
    messages.success(request, _("Knowledge card saved."))
    return redirect(
        reverse("chains:detail", args=[slug]) + f"?node={key}&region={request.GET.get('region', '')}"
    )


def review(request):
    require(request.user, "chain_assignment", "view")
    Enterprise = _enterprise_model()
    data = request.GET.copy()
    data.setdefault("status", NodeAssignment.Status.SUGGESTED)
    firms = visible(request.user, Enterprise.objects.all())
    base = visible(request.user, NodeAssignment.objects.filter(enterprise__in=firms))
    filterset = AssignmentFilter(
        data,
        queryset=services.review_order(
            base.select_related("enterprise", "node__chain"), _default_region(request.user)
        ),
    )
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    nodes = {
        n.pk: n
        for n in ChainNode.objects.filter(pk__in={alt[0] for a in page for alt in (a.alternatives or [])})
    }
    for a in page:
        a.why = services.explain(a)
        a.evidence_label = services.evidence_label(a.evidence)
        a.alternative_nodes = [
            (nodes[alt[0]], alt[1])
            for alt in (a.alternatives or [])
            if alt[0] in nodes and alt[0] != a.node_id
        ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "can_review": can(request.user, "chain_assignment", "change"),
        "querystring_base": (query.urlencode() + "&") if query else "",
    }
    template = "chains/review.html#rows" if request.htmx else "chains/review.html"
    return TemplateResponse(request, template, context)


@require_POST
def review_action(request, pk: int, verb: str):
    Enterprise = _enterprise_model()
    firms = visible(request.user, Enterprise.objects.all())
    assignment = get_for_user(
        request.user,
        NodeAssignment.objects.filter(enterprise__in=firms).select_related("enterprise", "node__chain"),
        pk,
        "change",
    )
    if verb not in ("confirm", "reject"):
        raise Http404
    services.review_assignment(request.user, assignment, confirm=verb == "confirm")
    if request.htmx and request.POST.get("return") == "panel":  # decided in a node panel: the panel again
        return _panel_response(request, assignment.node.chain, request.POST.get("node") or "", request.POST)
    if request.htmx:
        assignment.why = services.explain(assignment)
        return TemplateResponse(request, "chains/review.html#row", {"a": assignment, "can_review": True})
    return redirect(safe_next(request, "chains:review"))


@require_POST
def train(request):
    """Retrain the learned layer on every confirmation so far, then re-classify (chain office)."""
    require(request.user, "chain_assignment", "change")
    summary = services.train_learned_layer(request.user)
    counts = services.classify_enterprises(request.user)
    messages.success(
        request,
        _("Model retrained (%(confirmed)s confirmations); new model suggestions: %(learned)s")
        % {"confirmed": summary.confirmed, "learned": counts.learned},
    )
    return redirect("chains:review")


def compare(request, slug: str):
    chain = _chain(request, slug)
    raw = request.GET.getlist("regions") or [_default_region(request.user), *COMPARE_DEFAULTS]
    codes = [c.strip() for part in raw for c in part.replace("，", ",").split(",") if c.strip()][:6]
    try:
        frame, areas = services.compare(chain, codes)
    except services.ChainServiceError as exc:
        messages.error(request, error_message(exc))
        frame, areas = services.compare(chain, [_default_region(request.user)])
    rows = []
    for key, row in frame.iterrows():
        rows.append(
            {
                "key": key,
                "name": row[("node", "name")],
                "depth": int(row[("node", "depth")]),
                "key_node": bool(row[("node", "key_node")]),
                "weight": float(row[("node", "weight")]),
                "cells": [
                    {"status": row[(a.code, "status")], "firms": int(row[(a.code, "local_firms")])}
                    for a in areas
                ],
            }
        )
    completeness = [frame.attrs["completeness"][a.code] for a in areas]
    context = {
        "chain": chain,
        "areas": areas,
        "rows": rows,
        "completeness": completeness,
        "regions_text": ",".join(a.code for a in areas),
    }
    return TemplateResponse(request, "chains/compare.html", context)


def _node_filter(request, report) -> set[str] | None:
    """``?nodes=key1,key2``: the nodes (and their subtrees) a target list is narrowed to; None for all."""
    raw = (request.GET.get("nodes") or "").replace("，", ",")
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    if not keys:
        return None
    return {sub for k in keys if k in report.spec.nodes for sub in report.spec.subtree(k)}


def targets_export(request, slug: str, fmt: str):
    chain = _chain(request, slug)
    area = _area(request)
    report = services.gap_for_region(chain, area.code)
    rows, _hidden = _visible_targets(
        request.user, services.target_rows(services.targets_for(chain, area.code, report=report))
    )
    if fmt not in ("xlsx", "docx"):
        raise Http404
    wanted = _node_filter(request, report)
    if wanted is not None:  # e.g. the insight page's "what we can do next": only these nodes' targets
        rows = [r for r in rows if r["node_key"] in wanted]
    data = documents.target_list(report, rows, fmt, base_url=request.build_absolute_uri("/")[:-1])
    content_type = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }[fmt]
    response = HttpResponse(data, content_type=content_type)
    filename = f"targets-{chain.slug}-{area.code}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def assignments_export(request, slug: str):
    """Every firm on the chain's nodes with its evidence kind and matched words (XLSX)."""
    chain = _chain(request, slug)
    require(request.user, "chain_assignment", "view")
    area = _area(request)
    report = services.gap_for_region(chain, area.code)
    response = HttpResponse(
        documents.assignments_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="assignments-{chain.slug}-{area.code}.xlsx"'
    return response


def target_detail(request, slug: str, node_key: str, enterprise_id: int):
    chain = _chain(request, slug)
    Enterprise = _enterprise_model()
    firm = get_for_user(request.user, Enterprise, enterprise_id)
    area = _area(request)
    report = services.gap_for_region(chain, area.code)
    if node_key not in report.spec.nodes:
        raise Http404
    rows = [
        r
        for r in services.target_rows(services.targets_for(chain, area.code, node_key, report=report))
        if r["enterprise_id"] == firm.pk and r["node_key"] == node_key
    ]
    context = {
        "chain": chain,
        "area": area,
        "firm": firm,
        "node": report.result.node(node_key),
        "target": rows[0] if rows else None,
        "reasons": documents.target_reasons(rows[0]) if rows else [],
    }
    return TemplateResponse(request, "chains/target.html", context, status=200 if rows else 404)


def export_file(request, slug: str, fmt: str):
    chain = _chain(request, slug)
    if fmt not in ("yaml", "xlsx"):
        raise Http404
    data = services.export_chain(chain, fmt=fmt)
    types = {
        "yaml": "application/yaml; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(data, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="{chain.slug}.{fmt}"'
    return response


def tree_json(request, slug: str):
    chain = _chain(request, slug)
    area = _area(request)
    report = services.gap_for_region(chain, area.code)
    return HttpResponse(json.dumps(_tree(report), ensure_ascii=False), content_type="application/json")
