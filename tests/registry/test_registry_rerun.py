"""Interrupted web imports: detected from a stale heartbeat, shown as 已中断, re-run over the saved file."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.registry.conftest import CODE_A, CODE_B, CODE_C

from zhaoshang.core.models import AuditEntry
from zhaoshang.registry import batches, importing, services
from zhaoshang.registry.models import Enterprise, ImportBatch

LATER = timedelta(seconds=services.DEFAULT_STALE_SECONDS + 60)

# created ×3 (one flagged: bad check digit), one row repeating row 2 (unchanged, flagged), one rejected (no name)
ROWS = [
    [CODE_A, "株洲甲园区科技有限公司", "500万元"],
    [CODE_B, "株洲乙制造有限公司", "1.2亿元"],
    ["91430211MA4L0XY051", "株洲丙坏码有限公司", "100"],
    [CODE_A, "株洲甲园区科技有限公司", "600万元"],
    [CODE_C, "", "50万元"],
]


def upload(rows=ROWS, name="firms.csv"):
    text = "\n".join(",".join(r) for r in [["统一社会信用代码", "企业名称", "注册资本"], *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def queued(user, organisation, *, dry_run=False, rows=ROWS):
    """A web import whose thread never ran: the server stopped right after the upload was saved."""
    return services.start_import(
        user, upload(rows), "firms.csv", organisation, dry_run=dry_run, background=True
    )


def later():
    return time_machine.travel(timezone.now() + LATER, tick=False)


def fresh_counts(cast, tmp_path, rows=ROWS):
    """The counts one import of the file would give (a dry run writes nothing)."""
    path = tmp_path / "same.csv"
    path.write_bytes(upload(rows).read())
    counts = services.import_enterprises(cast.owner, path, cast.park, dry_run=True).counts
    assert (
        counts["created"] == 3 and counts["rejected"] == 1 and counts["flagged"] == 2
    )  # the file is what we think
    return counts


def test_a_queued_batch_with_a_fresh_heartbeat_is_not_interrupted(cast, client_for):
    batch = queued(cast.owner, cast.park)
    assert services.interruption(batch) == ""
    body = client_for(cast.owner).get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
    assert 'data-status="pending"' in body and 'data-testid="rerun-form"' not in body


def test_a_batch_left_running_with_a_stale_heartbeat_shows_as_interrupted_with_its_reason(cast, client_for):
    batch = queued(cast.owner, cast.park)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING)
    with later():
        client = client_for(cast.owner)
        detail = client.get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
        listing = client.get(reverse("registry:imports")).content.decode()
    assert 'data-status="interrupted"' in detail and "已中断" in detail and "导入进行中断开" in detail
    assert 'data-testid="rerun-form"' in detail and "重新导入" in detail
    assert "hx-trigger" not in detail  # an interrupted batch is not polled
    assert (
        'data-status="interrupted"' in listing
        and "已中断" in listing
        and "服务进程可能已重启或停止" in listing
    )


def test_a_batch_this_process_is_running_is_never_interrupted_however_old_its_heartbeat(cast):
    batch = queued(cast.owner, cast.park)
    importing.mark_live(batch.pk, 10, 100)
    try:
        with later():
            assert services.interruption(batch) == ""
    finally:
        importing.forget_live(batch.pk)
    with later():
        assert "排队" in services.interruption(batch)


def test_the_heartbeat_file_touched_by_each_chunk_keeps_a_batch_alive(cast):
    batch = queued(cast.owner, cast.park)
    long_ago = timezone.now() - LATER
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING, heartbeat_at=long_ago)
    batch.refresh_from_db()
    assert "中断" in services.interruption(batch)
    beat = batches._heartbeat_for(batch)
    assert beat is not None
    beat()  # what run_import calls after every chunk
    assert services.heartbeat_path(batch.pk).is_file()
    assert services.last_heartbeat(batch) > long_ago and services.interruption(batch) == ""
    with later():
        assert "中断" in services.interruption(batch)


def test_an_import_touches_the_heartbeat_after_its_chunks(cast, monkeypatch):
    beats = []
    real = batches._heartbeat_for

    def counting(batch):
        beat = real(batch)
        return lambda: (beats.append(1), beat())

    monkeypatch.setattr(batches, "_heartbeat_for", counting)
    monkeypatch.setattr(importing, "CHUNK_ROWS", 2)
    batch = services.start_import(cast.owner, upload(), "firms.csv", cast.park, background=False)
    assert batch.status == ImportBatch.Status.DONE and len(beats) >= 2
    assert services.heartbeat_path(batch.pk).is_file() and batch.heartbeat_at >= batch.created_at


def test_rerunning_an_interrupted_import_lands_exactly_what_a_fresh_import_would(cast, client_for, tmp_path):
    expected = fresh_counts(cast, tmp_path)
    batch = queued(cast.owner, cast.park)
    with later():
        response = client_for(cast.owner).post(reverse("registry:import_rerun", args=[batch.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "registry:import_detail", args=[batch.pk]
    )
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.counts == expected
    assert Enterprise.objects.count() == 3 == Enterprise.objects.values("uscc").distinct().count()
    assert set(Enterprise.objects.values_list("import_batch", flat=True)) == {batch.pk}
    assert Enterprise.objects.get(uscc=CODE_A).capital_wan == 500  # the first row wins, as in any import
    rerun = AuditEntry.objects.get(
        model="registry.importbatch", object_id=str(batch.pk), action=AuditEntry.Action.UPDATE
    )
    assert (
        rerun.actor == cast.owner
        and "重新导入" in rerun.note
        and rerun.changes["status"] == ["interrupted", "pending"]
    )


def test_rows_an_interrupted_run_had_already_landed_count_as_unchanged(cast, client_for):
    # the process stopped after the import's commit but before the batch's final save
    batch = services.start_import(cast.owner, upload(), "firms.csv", cast.park, background=False)
    assert batch.counts["created"] == 3
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING, counts={})
    with later():
        assert (
            client_for(cast.colleague).post(reverse("registry:import_rerun", args=[batch.pk])).status_code
            == 302
        )
    batch.refresh_from_db()
    assert batch.counts["created"] == 0 and batch.counts["updated"] == 0
    assert batch.counts["unchanged"] == 4 and batch.counts["rejected"] == 1 and batch.counts["read"] == 5
    assert Enterprise.objects.count() == 3


def test_a_failed_batch_can_be_rerun_once_its_cause_is_gone(cast, client_for, settings):
    batch = queued(cast.owner, cast.park)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED, message="导入出错：磁盘已满"
    )
    body = client_for(cast.owner).get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
    assert 'data-testid="rerun-form"' in body
    assert client_for(cast.owner).post(reverse("registry:import_rerun", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.message == "" and batch.counts["created"] == 3


def test_a_dry_run_batch_reruns_as_a_dry_run(cast, client_for):
    batch = queued(cast.owner, cast.park, dry_run=True)
    with later():
        assert (
            client_for(cast.owner).post(reverse("registry:import_rerun", args=[batch.pk])).status_code == 302
        )
    batch.refresh_from_db()
    assert batch.dry_run and batch.status == ImportBatch.Status.DONE and batch.counts["created"] == 3
    assert not Enterprise.objects.exists()


def test_a_finished_batch_has_no_rerun_button_and_refuses_a_rerun_in_chinese(cast, client_for):
    batch = services.start_import(cast.owner, upload(), "firms.csv", cast.park, background=False)
    client = client_for(cast.owner)
    with later():
        assert (
            'data-testid="rerun-form"'
            not in client.get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
        )
        response = client.post(reverse("registry:import_rerun", args=[batch.pk]))
    assert response.status_code == 409
    assert "该批次已结束" in response.content.decode() and "不能重新导入" in response.content.decode()
    assert Enterprise.objects.count() == 3
    assert not AuditEntry.objects.filter(
        model="registry.importbatch", action=AuditEntry.Action.UPDATE
    ).exists()


def test_a_batch_still_within_its_grace_period_refuses_a_rerun(cast, client_for):
    batch = queued(cast.owner, cast.park)
    response = client_for(cast.owner).post(reverse("registry:import_rerun", args=[batch.pk]))
    assert response.status_code == 409 and "仍在导入中" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING and not Enterprise.objects.exists()


def test_a_batch_without_its_saved_file_cannot_be_rerun(cast, client_for):
    batch = queued(cast.owner, cast.park)
    services.batch_file_path(batch).unlink()
    with later():
        body = client_for(cast.owner).get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
        response = client_for(cast.owner).post(reverse("registry:import_rerun", args=[batch.pk]))
    assert "已中断" in body and 'data-testid="rerun-form"' not in body
    assert response.status_code == 409 and "没有该批次的原文件" in response.content.decode()


def test_a_second_rerun_of_the_same_interruption_loses_the_race(cast):
    batch = queued(cast.owner, cast.park)
    stale = ImportBatch.objects.get(pk=batch.pk)
    with later():
        services.rerun_import(cast.owner, batch, background=True)  # claimed; its thread would start on commit
        with pytest.raises(services.RegistryError) as raised:
            services.rerun_import(cast.owner, stale, background=True)
    assert raised.value.code == "conflict"


def test_another_organisations_user_gets_404_and_the_batch_stays_as_it_was(cast, client_for):
    batch = queued(cast.owner, cast.park)
    with later():
        response = client_for(cast.outsider).post(reverse("registry:import_rerun", args=[batch.pk]))
    assert response.status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING and not Enterprise.objects.exists()


def test_who_may_not_change_the_organisations_firms_may_not_rerun_its_batch(cast, client_for):
    batch = queued(cast.owner, cast.park)
    with later():
        assert (
            client_for(cast.leader).post(reverse("registry:import_rerun", args=[batch.pk])).status_code == 403
        )
        body = (
            client_for(cast.leader).get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
        )
    assert "已中断" in body and 'data-testid="rerun-form"' not in body
    assert services.may_rerun(cast.owner, batch) and services.may_rerun(cast.colleague, batch)
    assert services.may_rerun(cast.admin, batch) and not services.may_rerun(cast.leader, batch)


def test_rerun_needs_a_login_and_a_post(cast, client_for):
    batch = queued(cast.owner, cast.park)
    url = reverse("registry:import_rerun", args=[batch.pk])
    response = Client().post(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_for(cast.owner).get(url).status_code == 405


def test_rerun_checks_the_csrf_token(cast):
    batch = queued(cast.owner, cast.park)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.owner)
    with later():
        assert client.post(reverse("registry:import_rerun", args=[batch.pk])).status_code == 403
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING


def test_the_import_list_with_interrupted_batches_keeps_its_query_count(
    cast, client_for, django_assert_max_num_queries
):
    for _ in range(3):
        queued(cast.owner, cast.park)
    client = client_for(cast.owner)
    client.get(reverse("registry:imports"))
    with later(), django_assert_max_num_queries(8):
        body = client.get(reverse("registry:imports")).content.decode()
    assert body.count('data-status="interrupted"') == 3


def test_the_api_says_which_batch_is_interrupted_and_why(cast, client_for):
    batch = queued(cast.owner, cast.park)
    client = client_for(cast.owner)
    assert client.get(f"/api/import-batches/{batch.pk}/").json()["interrupted"] == ""
    with later():
        data = client.get(f"/api/import-batches/{batch.pk}/").json()
    assert "服务进程可能已重启或停止" in data["interrupted"] and data["heartbeat_at"]
    assert client_for(cast.outsider).get(f"/api/import-batches/{batch.pk}/").status_code == 404
