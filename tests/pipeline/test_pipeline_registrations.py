"""A registry import triggers the first-contact tasks for firms newly registered in the city."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
import time_machine

from zhaoshang.pipeline import services
from zhaoshang.pipeline.models import Task

pytestmark = pytest.mark.django_db

NEW_IN_PARK = "91430211MA4L0XY05X"  # registered in 天元区 (430211), the region of 甲园区
OLD_FIRM = "914302007658421233"  # 株洲, city level
ELSEWHERE = "91440300MA5F00001A"  # 深圳
HEADER = ["统一社会信用代码", "企业名称", "成立日期", "登记状态", "经营范围"]


@pytest.fixture(autouse=True)
def _registry_in_foreground(settings, tmp_path):
    settings.REGISTRY_IMPORT_IN_BACKGROUND = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HOME_REGION = "430200"


def _csv(tmp_path, rows):
    path = tmp_path / "gongshang.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


ROWS = [
    [NEW_IN_PARK, "株洲甲园区新能源科技有限公司", "2026-03-05", "存续", "储能系统研发"],
    [OLD_FIRM, "株洲老字号电子有限公司", "2012-03-01", "存续", "电容器生产"],
    [ELSEWHERE, "深圳市示例半导体有限公司", "2026-03-04", "存续", "集成电路设计"],
]


def test_a_registry_import_gives_the_parks_team_a_first_contact_task_due_the_next_working_day(
    cast, client_for, tmp_path
):
    from zhaoshang.registry.services import import_enterprises

    with time_machine.travel(dt.datetime(2026, 3, 6, 10, 0), tick=False):  # a Friday morning
        import_enterprises(cast.officer, _csv(tmp_path, ROWS), cast.bureau)
        (task,) = Task.objects.filter(kind=Task.Kind.NEW_REGISTRATION)
        assert (task.enterprise.name, task.organisation, task.due, task.done_at) == (
            "株洲甲园区新能源科技有限公司",
            cast.park,
            dt.date(2026, 3, 9),
            None,
        )
        assert [t.pk for t in services.open_tasks(cast.owner)] == [task.pk]
        assert (
            "新注册企业首次服务：株洲甲园区新能源科技有限公司"
            in client_for(cast.colleague).get("/").content.decode()
        )
        assert "株洲甲园区新能源科技有限公司" not in client_for(cast.outsider).get("/").content.decode()
        import_enterprises(cast.officer, _csv(tmp_path, ROWS), cast.bureau)  # the same file again
    assert Task.objects.filter(kind=Task.Kind.NEW_REGISTRATION).count() == 1


def test_a_dry_run_registry_import_creates_no_task(cast, tmp_path):
    from zhaoshang.registry.services import import_enterprises

    with time_machine.travel(dt.datetime(2026, 3, 6, 10, 0), tick=False):
        import_enterprises(cast.officer, _csv(tmp_path, ROWS), cast.bureau, dry_run=True)
    assert not Task.objects.exists()


def test_the_open_task_is_done_with_one_click_by_the_team_and_not_by_another_park(cast, client_for, tmp_path):
    from zhaoshang.registry.services import import_enterprises

    with time_machine.travel(dt.datetime(2026, 3, 6, 10, 0), tick=False):
        import_enterprises(cast.officer, _csv(tmp_path, ROWS), cast.bureau)
    task = Task.objects.get()
    from django.urls import reverse

    assert client_for(cast.outsider).post(reverse("pipeline:task_done", args=[task.pk])).status_code == 404
    assert client_for(cast.colleague).post(reverse("pipeline:task_done", args=[task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == cast.colleague
