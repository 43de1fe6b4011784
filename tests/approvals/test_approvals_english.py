"""Approvals in the user's language: the core's errors carry codes and parameters said in English by the edge,
the services, command, pages and API say their refusals in English to an English user and, to a Chinese user,
exactly the Chinese they said before."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from zhaoshang.approvals import services
from zhaoshang.approvals.core import templates, timeline
from zhaoshang.approvals.core.templates import CaseTemplate, ItemTemplate
from zhaoshang.approvals.core.timeline import CaseItem
from zhaoshang.approvals.models import ApprovalItem
from zhaoshang.core.messages import error_message

TODAY = dt.datetime(2026, 3, 20, 10, 0)
CYCLE = CaseTemplate(
    "x", "测试模板", (ItemTemplate("a", "甲", "d", 1, ("b",)), ItemTemplate("b", "乙", "d", 1, ("a",)))
)


def _said(exc: BaseException, language: str) -> str:
    with translation.override(language):
        return error_message(exc)


def _refusal(call, language: str) -> str:
    with translation.override(language), pytest.raises(services.ApprovalsError) as err:
        call()
    return err.value.message


def test_the_template_cores_errors_are_english_for_an_english_user_and_unchanged_in_chinese():
    with pytest.raises(templates.TemplateError) as cycle:
        templates.validate_template(CYCLE)
    assert cycle.value.code == "approval_prerequisite_cycle"
    assert _said(cycle.value, "en") == "The prerequisites form a cycle: a → a → b → a"
    assert _said(cycle.value, "zh-hans") == "前置事项形成循环：a → a → b → a"

    with pytest.raises(templates.TemplateError) as unknown:
        templates.DEFAULT_INDUSTRIAL.item("zz")
    assert _said(unknown.value, "en") == "The template “工业项目（新供地）” has no item “zz”"
    assert _said(unknown.value, "zh-hans") == "模板「工业项目（新供地）」中没有事项「zz」"

    with pytest.raises(templates.TemplateError) as bad:
        templates.template_from_dict({"project_type": "x", "name": "x"})
    assert _said(bad.value, "en") == "The template is not in the right format: 'items'"


def test_the_timeline_cores_errors_are_english_for_an_english_user_and_unchanged_in_chinese(calendar):
    items = [CaseItem("a", "项目备案", "d", 3, state="done")]
    with pytest.raises(templates.ApprovalError) as err:
        timeline.build_timeline(items, dt.date(2026, 3, 2), dt.date(2026, 3, 20), calendar)
    assert err.value.code == "approval_done_without_date"
    assert _said(err.value, "en") == "The item “项目备案” is done but has no date done"
    assert _said(err.value, "zh-hans") == "事项「项目备案」已办结但没有办结日期"


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_the_services_refuse_in_the_users_language(cast, signed_project, departments):
    case = services.open_case(cast.service, signed_project())
    site = case.items.get(code="site")

    def start_site():
        services.update_item(cast.service, site, state="in_progress")

    assert _refusal(start_site, "en") == "Prerequisites not done yet: 项目备案/核准"
    assert _refusal(start_site, "zh-hans") == "前置事项尚未办结：项目备案/核准"

    def unknown_state():
        services.update_item(cast.service, site, state="weird")

    assert _refusal(unknown_state, "en") == "Unknown state “weird”"
    assert _refusal(unknown_state, "zh-hans") == "未知的状态「weird」"

    def open_again():
        services.open_case(cast.service, case.project)

    assert _refusal(open_again, "en") == "This project already has an approval case"
    assert _refusal(open_again, "zh-hans") == "该项目已开启代办"


@pytest.mark.django_db
def test_a_refused_template_keeps_its_code_and_says_the_cores_reason_in_the_users_language():
    data = templates.template_to_dict(CYCLE)
    with translation.override("en"), pytest.raises(services.ApprovalsError) as err:
        services.save_template(None, data)
    assert (
        err.value.code == "template_invalid" and err.value.params["reason"] == "approval_prerequisite_cycle"
    )
    assert err.value.message == "The prerequisites form a cycle: a → a → b → a"
    with translation.override("zh-hans"), pytest.raises(services.ApprovalsError) as err:
        services.save_template(None, data)
    assert err.value.message == "前置事项形成循环：a → a → b → a"


@pytest.mark.django_db
def test_a_broken_case_says_the_cores_error_with_its_own_code(cast, signed_project, departments):
    case = services.open_case(cast.service, signed_project())
    ApprovalItem.objects.filter(case=case, code="filing").update(state="weird")
    with pytest.raises(services.ApprovalsError) as err:
        services.case_timeline(case)
    assert err.value.code == "approval_item_state_unknown"
    assert _said(err.value, "en") == "The state “weird” of the item “项目备案/核准” is unknown"
    assert _said(err.value, "zh-hans") == "事项「项目备案/核准」的状态「weird」未知"


@pytest.mark.django_db
def test_the_command_says_its_lines_and_errors_in_the_active_language(tmp_path, capsys):
    path = tmp_path / "t.yaml"
    path.write_text("project_type: x\nname: 空模板\nitems: []\n", encoding="utf-8")
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="^The template “空模板” has no items$"),
    ):
        call_command("approvals", "template", str(path))
    with translation.override("zh-hans"), pytest.raises(CommandError, match="^模板「空模板」没有事项$"):
        call_command("approvals", "template", str(path))
    with translation.override("en"), pytest.raises(CommandError, match="The template file cannot be read"):
        call_command("approvals", "template", str(tmp_path / "missing.yaml"))
    with translation.override("en"):
        call_command("approvals", "escalations")
    assert capsys.readouterr().out.strip().endswith("0 in all")
    with translation.override("zh-hans"):
        call_command("approvals", "escalations")
    assert capsys.readouterr().out.strip() == "共 0 条"


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_the_item_page_and_the_api_say_a_refusal_in_english_to_an_english_user(
    cast, client_for, signed_project, departments
):
    project = signed_project()
    case = services.open_case(cast.service, project, agent=cast.service)
    site = case.items.get(code="site")
    c = client_for(cast.service)
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = c.post(f"/approvals/items/{site.pk}/", {f"i{site.pk}-state": "in_progress"})
    assert page.status_code == 400
    assert "Prerequisites not done yet: 项目备案/核准" in page.content.decode()
    assert "前置事项尚未办结" not in page.content.decode()

    again = c.post("/api/approval-cases/", {"project": project.pk}, content_type="application/json")
    assert again.status_code == 400
    assert again.json() == {"error": "This project already has an approval case", "code": "case_exists"}

    ApprovalItem.objects.filter(case=case, code="filing").update(state="weird")
    broken = c.get(f"/api/approval-cases/{case.pk}/timeline/")
    assert broken.status_code == 400 and broken.json() == {
        "error": "The state “weird” of the item “项目备案/核准” is unknown",
        "code": "approval_item_state_unknown",
    }


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_the_same_refusals_are_unchanged_for_a_chinese_user(cast, client_for, signed_project, departments):
    project = signed_project()
    case = services.open_case(cast.service, project, agent=cast.service)
    site = case.items.get(code="site")
    c = client_for(cast.service)
    page = c.post(f"/approvals/items/{site.pk}/", {f"i{site.pk}-state": "in_progress"})
    assert page.status_code == 400 and "前置事项尚未办结：项目备案/核准" in page.content.decode()
    again = c.post("/api/approval-cases/", {"project": project.pk}, content_type="application/json")
    assert again.json() == {"error": "该项目已开启代办", "code": "case_exists"}


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_a_promise_in_the_meeting_pack_is_titled_in_the_active_language(cast, signed_project, departments):
    project = signed_project()
    services.create_promise(
        cast.owner, project, title="交付净地", department=departments["nr"], deadline=dt.date(2026, 3, 10)
    )
    with translation.override("en"):
        (english,) = services.promise_meeting_items([project.pk], dt.date(2026, 3, 20))
    with translation.override("zh-hans"):
        (chinese,) = services.promise_meeting_items([project.pk], dt.date(2026, 3, 20))
    assert english["title"] == "[Government promise] 交付净地" and chinese["title"] == "【政府承诺】交付净地"
