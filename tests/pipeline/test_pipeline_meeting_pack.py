from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from zhaoshang.pipeline import services
from zhaoshang.pipeline.models import CoordinationItem, Project, StageEvent

pytestmark = pytest.mark.django_db

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


@pytest.fixture
def quarter(cast, make_project):
    """Three projects across two teams with movements, one cold, one overdue item, one settled item."""
    signed = make_project(
        "新能源电池项目",
        created_on=dt.date(2025, 12, 1),
        first_contact_date=dt.date(2025, 12, 3),
        visit_date=dt.date(2025, 12, 10),
        planned_investment_wan=Decimal("12000"),
    )
    services.advance_project(cast.owner, signed, "visit", on=dt.date(2025, 12, 10))
    services.advance_project(
        cast.owner,
        signed,
        "signed",
        signed_date=dt.date(2026, 2, 10),
        signed_amount_wan=Decimal("10000.5"),
        location="甲园区三号地块",
        on=dt.date(2026, 2, 10),
    )
    services.record_followup(cast.owner, signed, date=dt.date(2026, 3, 20), content="签约后推进注册")
    contact = make_project(
        "精密轴承项目",
        team=cast.other_park,
        owner=cast.outsider,
        actor=cast.outsider,
        created_on=dt.date(2026, 1, 15),
        planned_investment_wan=Decimal("3000"),
        first_contact_date=dt.date(2026, 1, 20),
    )
    services.advance_project(cast.outsider, contact, "contact", on=dt.date(2026, 1, 20))
    services.record_followup(cast.outsider, contact, date=dt.date(2026, 3, 25), content="电话沟通")
    cold = make_project("沉寂的线索", created_on=dt.date(2026, 2, 1))
    services.create_coordination_item(
        cast.owner, signed, title="用地指标调剂", department=cast.dept, due=dt.date(2026, 3, 10)
    )
    done = services.create_coordination_item(
        cast.owner, signed, title="电力接入", department=cast.dept, due=dt.date(2026, 3, 1)
    )
    services.update_coordination_item(
        cast.handler, done, status="done", note="已接入", on=dt.date(2026, 2, 28)
    )
    return {"signed": signed, "contact": contact, "cold": cold}


def test_the_meeting_packs_figures_match_the_database(quarter, cast):
    start, end = Q1
    pack = services.meeting_pack(None, start, end)
    created = [p for p in Project.objects.all() if start <= p.created_at.date() <= end]
    assert pack.new_leads.totals["count"] == len(created) == 2
    assert pack.new_leads.totals["planned_investment_wan"] == sum(
        p.planned_investment_wan or 0 for p in created
    )
    assert pack.stage_movements.totals["count"] == StageEvent.objects.filter(date__range=Q1).count() == 4
    signed = Project.objects.filter(signed_date__range=Q1)
    assert pack.signed.totals["count"] == signed.count() == 1
    assert pack.signed.totals["amount_wan"] == Decimal("10000.5")
    assert [r.name for r in pack.cold.rows] == ["沉寂的线索"]
    assert pack.cold.totals["count"] == Project.objects.filter(services.cold_filter(end)).count()
    overdue = services.overdue_items(CoordinationItem.objects.all(), end)
    assert pack.overdue_by_department.totals["count"] == overdue.count() == 1
    assert pack.overdue_by_department.rows[0].department == "自然资源局"
    ranking = {r.team: r for r in pack.ranking.rows}
    # 甲园区: 线索 1 (new project) + 签约 10 (考察→签约 in one day: one stage a day, the best, with its signed date);
    # 乙园区: 线索 1 + 接洽 2 on another day.
    assert (ranking["甲园区"].points, ranking["甲园区"].rank, ranking["甲园区"].signed_count) == (11, 1, 1)
    assert (ranking["乙园区"].points, ranking["乙园区"].rank) == (3, 2)


def test_a_meeting_pack_for_one_park_leaves_out_the_others_projects(quarter, cast):
    pack = services.meeting_pack(cast.other_park, *Q1)
    assert [r.name for r in pack.new_leads.rows] == ["精密轴承项目"]
    assert pack.signed.totals["count"] == 0 and pack.overdue_by_department.totals["count"] == 0
    assert pack.organisation == "乙园区"


def test_a_period_ending_before_it_starts_is_refused(cast):
    with pytest.raises(services.PipelineError, match="早于开始日期"):
        services.meeting_pack(None, dt.date(2026, 3, 1), dt.date(2026, 2, 1))


def _pdf_text(path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: apt-get install poppler-utils")
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", out)


def _embedded_truetype_fonts(path) -> list[bytes]:
    return [
        re.search(rb"/FontName\s*/([^\s/>]+)", body).group(1)
        for body in re.findall(rb"<<((?:(?!<<|>>).)*?)>>", path.read_bytes(), re.S)
        if b"/FontDescriptor" in body and b"/FontFile2" in body and b"/FontName" in body
    ]


def test_the_cli_writes_the_meeting_pack_as_word_with_the_databases_figures(quarter, tmp_path, capsys):
    out = tmp_path / "专案分析会.docx"
    call_command(
        "pipeline", "meeting-pack", "--from", "2026-01-01", "--to", "2026-03-31", "-o", str(out), "--json"
    )
    totals = json.loads(capsys.readouterr().out)
    assert totals["new_leads"] == 2 and totals["signed"] == 1 and totals["overdue_items"] == 1
    doc = Document(str(out))
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {"新能源电池项目", "精密轴承项目", "沉寂的线索", "用地指标调剂", "甲园区", "乙园区"} <= cells
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "本期新增线索 2 个，计划投资合计 3,000 万元。" in text
    assert "自然资源局（1 项）" in text


def test_the_cli_writes_the_pdf_with_chinese_in_an_embedded_cjk_font(quarter, tmp_path):
    out = tmp_path / "pack.pdf"
    call_command(
        "pipeline",
        "meeting-pack",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--org",
        "t-park-a",
        "-o",
        str(out),
    )
    assert any(b"WenQuanYi" in name or b"wqy" in name.lower() for name in _embedded_truetype_fonts(out))
    text = _pdf_text(out)
    for expected in ("甲园区专案分析会材料", "新能源电池项目", "10,000.5", "用地指标调剂", "沉寂的线索"):
        assert expected in text
    assert "精密轴承项目" not in text


def test_the_cli_refuses_an_unknown_format_or_organisation(cast, tmp_path):
    with pytest.raises(CommandError, match="不支持的输出格式"):
        call_command(
            "pipeline",
            "meeting-pack",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "-o",
            str(tmp_path / "x.txt"),
        )
    with pytest.raises(CommandError, match="组织代码「nope」不存在"):
        call_command(
            "pipeline",
            "meeting-pack",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "--org",
            "nope",
            "-o",
            str(tmp_path / "x.pdf"),
        )
    with pytest.raises(CommandError, match="日期“2026-13-01”无法识别"):
        call_command(
            "pipeline",
            "meeting-pack",
            "--from",
            "2026-13-01",
            "--to",
            "2026-03-31",
            "-o",
            str(tmp_path / "x.pdf"),
        )


def _wan(value: Decimal) -> str:
    value = Decimal(value)
    return f"{int(value):,}" if value == value.to_integral_value() else f"{value.normalize():,}"


def _pdf_rows(path) -> list[str]:
    """The PDF's text line by line as laid out (pdftotext -layout), whitespace removed."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: apt-get install poppler-utils")
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [re.sub(r"\s+", "", line) for line in out.splitlines() if line.strip()]


def _figures_from_the_database(start, end) -> list[str]:
    """The pack's key figures computed straight from the tables, formatted as the reports print them."""
    created = Project.objects.filter(created_at__date__range=(start, end)).count()
    moves = StageEvent.objects.filter(date__range=(start, end)).count()
    signed = Project.objects.filter(signed_date__range=(start, end))
    amount = sum(p.signed_amount_wan for p in signed)
    started = Project.objects.filter(construction_start_date__range=(start, end)).count()
    producing = Project.objects.filter(production_start_date__range=(start, end)).count()
    cold = Project.objects.filter(services.cold_filter(end)).count()
    overdue = services.overdue_items(CoordinationItem.objects.all(), end).count()
    return [
        f"{created} 个",
        f"{moves} 次",
        f"{signed.count()} 个",
        f"{_wan(amount)} 万元",
        f"{started} 个",
        f"{producing} 个",
        f"{cold} 个",
        f"{overdue} 项",
    ]


def test_the_key_figures_match_the_database_in_the_word_and_the_pdf_file(quarter, tmp_path):
    expected = _figures_from_the_database(*Q1)
    assert expected == ["2 个", "4 次", "1 个", "10,000.5 万元", "0 个", "0 个", "1 个", "1 项"]
    for suffix in ("docx", "pdf"):
        call_command(
            "pipeline",
            "meeting-pack",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "-o",
            str(tmp_path / f"p.{suffix}"),
        )
    doc = Document(str(tmp_path / "p.docx"))
    assert [c.text for c in doc.tables[0].rows[1].cells] == expected
    pdf = _pdf_rows(tmp_path / "p.pdf")
    assert "".join(expected[:4]).replace(" ", "") in pdf and "".join(expected[4:]).replace(" ", "") in pdf
    docx_rows = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    for project in Project.objects.filter(signed_date__range=Q1):
        cells = [
            project.name,
            project.organisation.name,
            f"{project.signed_date:%Y-%m-%d}",
            _wan(project.signed_amount_wan),
        ]
        assert cells in docx_rows and "".join(cells) in pdf
    for item in services.overdue_items(CoordinationItem.objects.all(), Q1[1]):
        cells = [item.title, item.project.name, f"{item.due:%Y-%m-%d}", str((Q1[1] - item.due).days)]
        assert cells in docx_rows and "".join(cells) in pdf
    for project in Project.objects.filter(created_at__date__range=Q1):
        cells = [
            project.name,
            project.organisation.name,
            "接洽" if project.stage == "contact" else "线索",
            f"{project.created_at:%Y-%m-%d}",
            _wan(project.planned_investment_wan or 0),
        ]
        assert cells in docx_rows and "".join(cells) in pdf


def test_the_pdf_sets_its_chinese_in_an_embedded_cjk_font_as_pdffonts_reports(quarter, tmp_path):
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts is not installed: apt-get install poppler-utils")
    out = tmp_path / "p.pdf"
    call_command("pipeline", "meeting-pack", "--from", "2026-01-01", "--to", "2026-03-31", "-o", str(out))
    lines = subprocess.run(
        ["pdffonts", str(out)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    cjk = [
        line.split() for line in lines if re.search(r"WenQuanYi|wqy|CJK|Noto Sans SC|SimSun|Hei", line, re.I)
    ]
    assert cjk, lines
    for cols in cjk:
        name, emb = cols[0], cols[-5]  # name … emb sub uni object ID
        assert emb == "yes", f"{name} is not embedded"
        assert cols[-4] == "yes", (
            f"{name} is not subset"
        )  # subset: only the glyphs used, the file stays small


def test_long_lists_are_cut_to_the_configured_rows_with_a_note_while_the_totals_count_everything(
    quarter, cast, client_for, tmp_path, settings
):
    settings.PIPELINE_MEETING_MAX_ROWS = 1
    out = tmp_path / "p.docx"
    call_command("pipeline", "meeting-pack", "--from", "2026-01-01", "--to", "2026-03-31", "-o", str(out))
    doc = Document(str(out))
    assert [c.text for c in doc.tables[0].rows[1].cells][:2] == ["2 个", "4 次"]
    assert len(doc.tables[1].rows) == 2  # header + the first new lead
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "共 2 项，此处列出前 1 项；完整清单请在系统中查看。" in text and "共 4 项，此处列出前 1 项" in text
    page = client_for(cast.leader).get("/pipeline/meeting/?start=2026-01-01&end=2026-03-31").content.decode()
    # cut from the new leads; listed as going cold and in 甲园区's score explained line by line
    assert "共 2 项，此处列出前 1 项" in page and page.count("沉寂的线索") == 2
