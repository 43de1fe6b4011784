"""The upload as a cadre sees it: choose a file, watch the progress bar, read the result, download the report."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


# big enough that the import is still running when the result page first loads (about 2 s), so the progress bar
# is seen
FIRMS = 20000


def code(n: int) -> str:
    body = f"9143021100{n:07d}"
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS, strict=True))
    return body + ALPHABET[(31 - total % 31) % 31]


@pytest.fixture
def export_file(tmp_path):
    """A file big enough to show the progress bar, with one nameless row and one bad check digit."""
    path = tmp_path / "株洲名录.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["统一社会信用代码", "企业名称", "注册资本", "成立日期", "经营范围"])
        for n in range(1, FIRMS + 1):
            writer.writerow(
                [
                    code(n),
                    f"株洲第{n}号轨道交通科技有限公司",
                    "500万元人民币",
                    "2015-09-07",
                    "转向架、牵引变流器的研发与制造",
                ]
            )
        writer.writerow(["", "", "1万元", "", ""])
        bad = code(FIRMS + 1)
        writer.writerow(
            [bad[:-1] + ("0" if bad[-1] != "0" else "1"), "株洲校验位错误科技有限公司", "", "", ""]
        )
    return path


def test_a_park_uploads_a_file_sees_the_progress_and_downloads_the_error_report(
    page, login, transactional_db, settings, tmp_path, export_file
):
    from tests.conftest import Cast

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REGISTRY_IMPORT_IN_BACKGROUND = True
    Cast()
    login("t-owner", PASSWORD)
    page.goto(page.base_url + "/registry/")
    page.click("[data-testid=import-link]")
    page.set_input_files("input[name=file]", str(export_file))
    page.click("[data-testid=import-form] button[type=submit]")
    page.wait_for_url("**/registry/imports/*/")
    # the import runs in the background: the page shows a progress bar and polls until it is done
    page.wait_for_selector("[data-testid=progress-bar]", timeout=20000)
    page.wait_for_selector("[data-testid=import-counts]", timeout=120000)
    assert page.locator("[data-count=created] b").inner_text() == str(FIRMS + 1)
    assert page.locator("[data-count=rejected] b").inner_text() == "1"
    assert page.locator("[data-count=flagged] b").inner_text() == "1"
    issues = page.locator("[data-testid=import-issues]").inner_text()
    assert "缺少企业名称" in issues and "校验位错误" in issues
    with page.expect_download() as info:
        page.click("[data-testid=report-link]")
    report = tmp_path / "report.xlsx"
    info.value.save_as(report)
    rows = list(openpyxl.load_workbook(report).active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "原始值", "问题", "级别")
    assert {(r[0], r[4]) for r in rows[1:]} == {(FIRMS + 2, "错误"), (FIRMS + 3, "警告")}
    # the firms are in the registry and searchable
    page.goto(page.base_url + "/registry/?q=第2345号")
    assert "株洲第2345号轨道交通科技有限公司" in page.content()


def test_an_import_the_server_dropped_shows_as_interrupted_and_the_rerun_button_finishes_it(
    page, login, transactional_db, settings, tmp_path
):
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from tests.conftest import Cast

    from zhaoshang.registry import services
    from zhaoshang.registry.models import Enterprise, ImportBatch

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REGISTRY_IMPORT_IN_BACKGROUND = True
    cast = Cast()
    rows = "\n".join(f"{code(n)},株洲第{n}号中断测试科技有限公司,100万元" for n in range(1, 6))
    upload = SimpleUploadedFile("中断.csv", f"统一社会信用代码,企业名称,注册资本\n{rows}\n".encode())
    # a web import whose server stopped an hour ago: the saved file, the batch still "running", no thread
    batch = ImportBatch.objects.create(
        organisation=cast.park,
        created_by=cast.owner,
        file_name="中断.csv",
        source="中断.csv",
        status=ImportBatch.Status.RUNNING,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    target = services.batch_file_path(batch)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(upload.read())

    login("t-owner", PASSWORD)
    page.goto(page.base_url + "/registry/imports/")
    assert "已中断" in page.locator("[data-status=interrupted]").first.inner_text()
    page.goto(page.base_url + f"/registry/imports/{batch.pk}/")
    assert page.locator("[data-testid=import-progress]").get_attribute("data-status") == "interrupted"
    assert "服务进程可能已重启或停止" in page.locator("[data-testid=interruption]").inner_text()
    page.click("[data-testid=rerun-form] button[type=submit]")
    page.wait_for_selector("[data-testid=import-counts]", timeout=60000)
    assert page.locator("[data-count=created] b").inner_text() == "5"
    assert page.locator("[data-testid=rerun-form]").count() == 0
    assert Enterprise.objects.filter(import_batch=batch).count() == 5
