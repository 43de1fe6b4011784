"""Registry pages: login, scoping, the upload with its result page and error report, the profile."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests.registry.conftest import CODE_A, CODE_B

from zhaoshang.registry.models import Enterprise, ImportBatch
from zhaoshang.registry.services import import_enterprises


@pytest.fixture
def park_firm(cast, write_csv):
    import_enterprises(
        cast.owner,
        write_csv(["统一社会信用代码", "企业名称"], [[CODE_A, "株洲甲园区科技有限公司"]]),
        cast.park,
    )
    return Enterprise.objects.get(uscc=CODE_A)


def csv_upload(rows, name="firms.csv"):
    text = "\n".join(",".join(r) for r in [["统一社会信用代码", "企业名称", "注册资本"], *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


PAGES = ["registry:list", "registry:imports", "registry:import_new", "registry:duplicates", "registry:export"]


@pytest.mark.parametrize("name", PAGES)
def test_every_registry_page_needs_a_login(db, name):
    response = Client().get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_profile_needs_a_login(park_firm):
    assert Client().get(reverse("registry:detail", args=[park_firm.pk])).status_code == 302


def test_the_profile_shows_the_firm_its_source_flags_and_history(cast, client_for, write_csv, park_firm):
    update = import_enterprises(
        cast.owner,
        write_csv(
            ["统一社会信用代码", "企业名称", "登记状态", "注册资本"],
            [[CODE_A, "株洲甲园区科技有限公司", "注销", "很多"]],
            "v2.csv",
        ),
        cast.park,
    )
    body = client_for(cast.colleague).get(reverse("registry:detail", args=[park_firm.pk])).content.decode()
    assert "株洲甲园区科技有限公司" in body and CODE_A in body
    assert "firms.csv" in body  # where it came from
    assert 'data-testid="flags"' in body and "很多" in body
    assert (
        "<code>status</code>" in body and f"导入批次 #{update.batch.pk} 第2行" in body
    )  # the update names its batch


def test_another_organisations_firm_is_found_in_the_shared_registry(cast, client_for, park_firm):
    assert client_for(cast.outsider).get(reverse("registry:detail", args=[park_firm.pk])).status_code == 200
    assert client_for(cast.outsider).get(reverse("registry:by_code", args=[CODE_A])).status_code in (200, 302)
    assert (
        "株洲甲园区科技有限公司" in client_for(cast.outsider).get(reverse("registry:list")).content.decode()
    )


def test_the_registry_pages_need_a_login(client, park_firm):
    assert client.get(reverse("registry:detail", args=[park_firm.pk])).status_code in (302, 401, 403)
    assert client.get("/api/enterprises/").status_code in (401, 403)


def test_a_city_leader_sees_every_firm_but_cannot_import(cast, client_for, park_firm):
    client = client_for(cast.leader)
    assert client.get(reverse("registry:detail", args=[park_firm.pk])).status_code == 200
    assert client.get(reverse("registry:import_new")).status_code == 403


def test_a_department_handler_cannot_import_or_review_duplicates(cast, client_for):
    client = client_for(cast.handler)
    assert client.get(reverse("registry:import_new")).status_code == 403
    assert client.get(reverse("registry:duplicates")).status_code == 403


def test_uploading_a_file_imports_it_and_shows_the_result(cast, client_for):
    client = client_for(cast.owner)
    response = client.post(
        reverse("registry:import_new"),
        {
            "file": csv_upload([[CODE_A, "株洲甲园区科技有限公司", "500万元"], [CODE_B, "", "1万元"]]),
            "organisation": cast.park.pk,
        },
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "registry:import_detail", args=[batch.pk]
    )
    assert (
        batch.status == ImportBatch.Status.DONE
        and batch.counts["created"] == 1
        and batch.counts["rejected"] == 1
    )
    assert batch.created_by == cast.owner and batch.organisation == cast.park
    page = client.get(response["Location"]).content.decode()
    assert 'data-count="created"' in page and "缺少企业名称" in page and "report.xlsx" in page
    assert Enterprise.objects.get().organisation == cast.park


def test_the_error_report_downloads_with_chinese_headers(cast, client_for):
    client = client_for(cast.owner)
    client.post(
        reverse("registry:import_new"),
        {"file": csv_upload([[CODE_B, "", "1万元"]]), "organisation": cast.park.pk},
    )
    batch = ImportBatch.objects.get()
    response = client.get(reverse("registry:import_report", args=[batch.pk]))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[0] == ("行号", "列", "原始值", "问题", "级别")
    assert rows[1][0] == 2 and rows[1][4] == "错误"


def test_a_park_cannot_upload_into_another_park(cast, client_for):
    response = client_for(cast.owner).post(
        reverse("registry:import_new"),
        {"file": csv_upload([[CODE_A, "株洲甲园区科技有限公司", ""]]), "organisation": cast.other_park.pk},
    )
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    assert not ImportBatch.objects.exists()


def test_an_upload_that_is_not_a_table_is_refused(cast, client_for):
    upload = SimpleUploadedFile("notes.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client_for(cast.owner).post(
        reverse("registry:import_new"), {"file": upload, "organisation": cast.park.pk}
    )
    assert response.status_code == 200 and "file" in response.context["form"].errors


def test_a_strict_upload_that_meets_a_rejected_row_lands_nothing(cast, client_for):
    client_for(cast.owner).post(
        reverse("registry:import_new"),
        {
            "file": csv_upload([[CODE_A, "株洲甲园区科技有限公司", ""], [CODE_B, "", ""]]),
            "organisation": cast.park.pk,
            "strict": "on",
        },
    )
    assert ImportBatch.objects.get().status == ImportBatch.Status.REFUSED and not Enterprise.objects.exists()


def test_import_batches_are_scoped(cast, client_for):
    client_for(cast.owner).post(
        reverse("registry:import_new"),
        {"file": csv_upload([[CODE_A, "株洲甲科技有限公司", ""]]), "organisation": cast.park.pk},
    )
    batch = ImportBatch.objects.get()
    outsider = client_for(cast.outsider)
    for name in ("registry:import_detail", "registry:import_progress", "registry:import_report"):
        assert outsider.get(reverse(name, args=[batch.pk])).status_code == 404, name
    assert "firms.csv" not in outsider.get(reverse("registry:imports")).content.decode()
    assert (
        client_for(cast.colleague).get(reverse("registry:import_detail", args=[batch.pk])).status_code == 200
    )
    assert outsider.get(f"/api/import-batches/{batch.pk}/").status_code == 404


def test_the_progress_fragment_polls_while_running_and_reloads_when_done(cast, client_for):
    batch = ImportBatch.objects.create(
        organisation=cast.park,
        created_by=cast.owner,
        file_name="x.csv",
        status="running",
        rows_total=200,
        rows_done=50,
    )
    client = client_for(cast.owner)
    running = client.get(reverse("registry:import_progress", args=[batch.pk]), HTTP_HX_REQUEST="true")
    body = running.content.decode()
    assert 'hx-trigger="every 1s"' in body and "<progress" in body and 'value="50"' in body
    assert "HX-Refresh" not in running.headers
    ImportBatch.objects.filter(pk=batch.pk).update(status="done", counts={"read": 200})
    done = client.get(reverse("registry:import_progress", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert done.headers["HX-Refresh"] == "true" and "every 1s" not in done.content.decode()


def test_the_workbench_shows_the_registry_panel(cast, client_for, park_firm):
    body = client_for(cast.owner).get(reverse("web:workbench")).content.decode()
    assert 'data-testid="registry-panel"' in body


def test_the_api_lists_only_the_import_batches_of_the_users_organisation(cast, client_for):
    client_for(cast.owner).post(
        reverse("registry:import_new"),
        {"file": csv_upload([[CODE_A, "株洲甲科技有限公司", ""]]), "organisation": cast.park.pk},
    )
    batch = ImportBatch.objects.get()
    mine = client_for(cast.colleague).get("/api/import-batches/").json()
    assert [b["id"] for b in mine["results"]] == [batch.pk] and mine["results"][0]["counts"]["created"] == 1
    assert client_for(cast.outsider).get("/api/import-batches/").json()["count"] == 0


def test_the_list_page_and_the_api_show_another_organisations_firms(cast, client_for, park_firm, write_csv):
    import_enterprises(
        cast.outsider, write_csv(["企业名称"], [["株洲乙园区科技有限公司"]], "b.csv"), cast.other_park
    )
    page = client_for(cast.owner).get(reverse("registry:list")).content.decode()
    assert "株洲甲园区科技有限公司" in page and "株洲乙园区科技有限公司" in page
    names = sorted(f["name"] for f in client_for(cast.owner).get("/api/enterprises/").json()["results"])
    assert names == ["株洲乙园区科技有限公司", "株洲甲园区科技有限公司"]
    other = Enterprise.objects.get(name="株洲乙园区科技有限公司")
    assert client_for(cast.owner).get(f"/api/enterprises/{other.pk}/").status_code == 200
    assert client_for(cast.owner).get(reverse("registry:export"), {"q": "乙园区"}).status_code == 200


def _panel_counts(client) -> dict[str, int]:
    from zhaoshang.registry.panels import registry_panel

    request = client.get(reverse("web:workbench")).wsgi_request
    return registry_panel(request)["stats"]


def test_the_panels_counts_follow_a_new_firm_and_an_audited_edit(cast, client_for, park_firm, write_csv):
    """The counts are kept between visits, but never past a change to the firms."""
    client = client_for(cast.owner)
    before = _panel_counts(client)
    assert before["total"] >= 1
    import_enterprises(
        cast.owner,
        write_csv(["统一社会信用代码", "企业名称"], [[CODE_B, "株洲乙园区制造有限公司"]]),
        cast.park,
    )
    after_import = _panel_counts(client)
    assert after_import["total"] == before["total"] + 1
    from zhaoshang.registry.firms import update_enterprise

    firm = Enterprise.objects.get(uscc=CODE_B)
    update_enterprise(cast.owner, firm, region_code="110101")
    away = _panel_counts(client)["local"]
    update_enterprise(cast.owner, Enterprise.objects.get(uscc=CODE_B), region_code="430211")
    assert _panel_counts(client)["local"] == away + 1
