"""Probable duplicates: found by fuzzy names, reviewed by a person, merged keeping every link and the history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from tests.registry.conftest import CODE_A, CODE_B

from zhaoshang.core.models import AuditEntry
from zhaoshang.registry.models import DuplicateCandidate, Enterprise
from zhaoshang.registry.services import (
    RegistryError,
    detect_duplicates,
    dismiss_duplicate,
    history_of,
    import_enterprises,
    merge_enterprises,
)


@pytest.fixture
def pair(cast, write_csv):
    """The same firm twice: once with its code, once without it and with a slightly different name."""
    import_enterprises(
        cast.owner,
        write_csv(
            ["统一社会信用代码", "企业名称", "法定代表人", "住所"],
            [
                [CODE_A, "株洲恒通轨道交通科技有限公司", "", ""],
                ["", "株洲市恒通轨道交通科技有限公司", "张三", "株洲市天元区"],
            ],
        ),
        cast.park,
    )
    detect_duplicates(cast.owner)
    return DuplicateCandidate.objects.get()


def test_similar_names_go_to_the_review_list(pair):
    assert pair.status == DuplicateCandidate.Status.OPEN and pair.score >= 90
    assert {pair.first.name, pair.second.name} == {
        "株洲恒通轨道交通科技有限公司",
        "株洲市恒通轨道交通科技有限公司",
    }


def test_two_firms_with_different_valid_codes_are_never_proposed(cast, write_csv):
    import_enterprises(
        cast.owner,
        write_csv(
            ["统一社会信用代码", "企业名称"],
            [[CODE_A, "株洲恒通科技有限公司"], [CODE_B, "株洲恒通科技股份有限公司"]],
        ),
        cast.park,
    )
    assert detect_duplicates(cast.owner) == 0


def test_a_pair_is_proposed_once(cast, pair):
    assert detect_duplicates(cast.owner) == 0


def test_a_merge_keeps_every_link_and_the_history(cast, pair):
    from zhaoshang.chains.models import Chain, ChainNode, NodeAssignment

    keep = Enterprise.objects.get(uscc=CODE_A)
    drop = Enterprise.objects.get(uscc__isnull=True)
    chain = Chain.objects.create(slug="rail", name="轨道交通")
    node = ChainNode.objects.create(chain=chain, key="igbt", name="IGBT模块", path="IGBT模块")
    other = ChainNode.objects.create(chain=chain, key="bogie", name="转向架", path="转向架", order=1)
    NodeAssignment.objects.create(enterprise=drop, node=node, method="rule")
    NodeAssignment.objects.create(enterprise=drop, node=other, method="rule")
    NodeAssignment.objects.create(enterprise=keep, node=other, method="manual")

    merged = merge_enterprises(cast.owner, keep, drop, candidate=pair)

    assert merged.pk == keep.pk and merged.legal_rep == "张三" and merged.address == "株洲市天元区"
    drop.refresh_from_db()
    assert drop.merged_into_id == keep.pk  # the record stays, pointing at the survivor
    assert set(NodeAssignment.objects.filter(enterprise=keep).values_list("node__key", flat=True)) == {
        "igbt",
        "bogie",
    }
    pair.refresh_from_db()
    assert pair.status == DuplicateCandidate.Status.MERGED and pair.decided_by == cast.owner
    actions = {e.action for e in history_of(keep)}
    assert {"merge", "update"} <= actions
    assert AuditEntry.objects.filter(
        model="registry.enterprise", object_id=str(drop.pk), action="update"
    ).exists()


def test_a_merged_firm_leaves_the_list_and_reimports_reach_the_survivor(cast, pair, write_csv):
    from zhaoshang.registry.services import search_enterprises

    keep = Enterprise.objects.get(uscc=CODE_A)
    drop = Enterprise.objects.get(uscc__isnull=True)
    merge_enterprises(cast.owner, keep, drop)
    assert list(search_enterprises(cast.owner, "恒通")) == [keep] or [
        f.pk for f in search_enterprises(cast.owner, "恒通轨道")
    ] == [keep.pk]
    result = import_enterprises(
        cast.owner,
        write_csv(["企业名称", "登记状态"], [["株洲市恒通轨道交通科技有限公司", "存续"]], "v2.csv"),
        cast.park,
    )
    assert result.counts["updated"] == 1
    keep.refresh_from_db()
    assert keep.status == "存续"


def test_firms_with_different_codes_cannot_be_merged(cast, write_csv):
    import_enterprises(
        cast.owner,
        write_csv(
            ["统一社会信用代码", "企业名称"], [[CODE_A, "株洲甲科技有限公司"], [CODE_B, "株洲乙科技有限公司"]]
        ),
        cast.park,
    )
    a, b = Enterprise.objects.order_by("id")
    with pytest.raises(RegistryError, match="不能合并"):
        merge_enterprises(cast.owner, a, b)


def test_only_users_who_may_change_both_firms_can_merge(cast, pair):
    with pytest.raises(PermissionDenied):
        merge_enterprises(cast.outsider, pair.first, pair.second)
    with pytest.raises(PermissionDenied):
        dismiss_duplicate(cast.leader, pair)


def test_dismissing_a_pair_keeps_both_firms(cast, pair):
    dismiss_duplicate(cast.owner, pair)
    pair.refresh_from_db()
    assert (
        pair.status == DuplicateCandidate.Status.DISMISSED
        and Enterprise.objects.filter(merged_into__isnull=True).count() == 2
    )
    assert detect_duplicates(cast.owner) == 0


def test_the_review_page_merges_and_dismisses(cast, client_for, pair):
    client = client_for(cast.colleague)
    page = client.get(reverse("registry:duplicates")).content.decode()
    assert f'data-testid="pair-{pair.pk}"' in page
    keep = Enterprise.objects.get(uscc=CODE_A)
    response = client.post(reverse("registry:duplicate_merge", args=[pair.pk]), {"keep": keep.pk})
    assert response.status_code == 302 and response["Location"] == reverse("registry:detail", args=[keep.pk])
    assert Enterprise.objects.filter(merged_into=keep).count() == 1
    assert (
        client.post(reverse("registry:duplicate_merge", args=[pair.pk]), {"keep": keep.pk}).status_code == 404
    )


def test_another_park_cannot_decide_the_pair_of_firms_it_may_only_read(cast, client_for, pair):
    client = client_for(cast.outsider)
    assert (
        f"pair-{pair.pk}" not in client.get(reverse("registry:duplicates")).content.decode()
    )  # a queue of decisions
    assert client.post(reverse("registry:duplicate_dismiss", args=[pair.pk])).status_code == 403
    assert (
        client.post(reverse("registry:duplicate_merge", args=[pair.pk]), {"keep": pair.first_id}).status_code
        == 403
    )
    pair.refresh_from_db()
    assert pair.status == pair.Status.OPEN
