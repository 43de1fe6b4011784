"""`zhaoshang pipeline meeting-pack|import|new-registration-tasks`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.accounts.cli import date_option, organisation_option, user_option


class Command(BaseCommand):
    help = "Investment project pipeline: meeting pack, project list import, new-registration tasks."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        pack = sub.add_parser("meeting-pack", help="Write the 专案分析会 pack as .docx or .pdf.")
        pack.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        pack.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        pack.add_argument("--org", help="organisation code (default: the whole city)")
        pack.add_argument("-o", "--output", required=True, help="FILE.docx or FILE.pdf")
        pack.add_argument("--json", action="store_true", help="print the totals as JSON")

        imp = sub.add_parser("import", help="Import a project list (Excel or CSV).")
        imp.add_argument("file")
        imp.add_argument("--org", required=True, help="code of the team the projects belong to")
        imp.add_argument("--user", help="username recorded as the actor and default owner")
        imp.add_argument("--dry-run", action="store_true")
        imp.add_argument("--errors", metavar="OUT.xlsx", help="write the rows' problems to this error report")
        imp.add_argument("--json", action="store_true")

        reg = sub.add_parser(
            "new-registration-tasks", help="First-contact tasks for firms newly registered in an import."
        )
        reg.add_argument("batch", type=int, help="registry import batch id")
        reg.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        return getattr(self, "_" + options["verb"].replace("-", "_"))(options)

    def _meeting_pack(self, options):
        from zhaoshang.pipeline.services import PipelineError, meeting_pack, render_meeting_pack

        out = Path(options["output"])
        if out.suffix.lower() not in (".docx", ".pdf"):
            raise CommandError(f"不支持的输出格式「{out.suffix or out.name}」，请使用 .docx 或 .pdf")
        try:
            pack = meeting_pack(
                organisation_option(options["org"]),
                date_option(options["start"]),
                date_option(options["end"]),
            )
            render_meeting_pack(pack, out)
        except PipelineError as exc:
            raise CommandError(str(exc)) from None
        totals = {
            "file": str(out),
            "new_leads": pack.new_leads.totals["count"],
            "stage_movements": pack.stage_movements.totals["count"],
            "signed": pack.signed.totals["count"],
            "signed_amount_wan": str(pack.signed.totals["amount_wan"]),
            "started": pack.started.totals["count"],
            "producing": pack.producing.totals["count"],
            "cold": pack.cold.totals["count"],
            "overdue_items": pack.overdue_by_department.totals["count"],
        }
        if options["json"]:
            sys.stdout.write(json.dumps(totals, ensure_ascii=False) + "\n")
        else:
            self.stdout.write(
                f"已生成 {out}（新增线索 {totals['new_leads']} 个，签约 {totals['signed']} 个）"
            )

    def _import(self, options):
        from zhaoshang.pipeline.importing import ImportRefused
        from zhaoshang.pipeline.services import import_projects

        org = organisation_option(options["org"])
        actor = user_option(options.get("user"))
        try:
            result = import_projects(
                actor, options["file"], organisation=org, dry_run=options["dry_run"], owner=actor
            )
        except ImportRefused as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
        else:
            prefix = "（试运行，未写入）" if result.dry_run else ""
            self.stdout.write(
                f"{prefix}共 {result.rows} 行：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}"
            )
            for error in result.errors:
                self.stderr.write(error)
        if options.get("errors") and result.issues:
            from zhaoshang.tabular.issues import write_issue_report

            write_issue_report(result.issues, options["errors"])
            self.stderr.write(f"问题清单已写入 {options['errors']}")
        if result.errors:
            raise CommandError(f"有 {len(result.errors)} 处错误，未导入任何数据")

    def _new_registration_tasks(self, options):
        from zhaoshang.pipeline.services import create_new_registration_tasks
        from zhaoshang.registry.models import ImportBatch

        batch = ImportBatch.objects.filter(pk=options["batch"]).first()
        if batch is None:
            raise CommandError(f"导入批次 {options['batch']} 不存在")
        tasks = create_new_registration_tasks(batch)
        if options["json"]:
            sys.stdout.write(json.dumps({"created": len(tasks)}) + "\n")
        else:
            self.stdout.write(f"已创建 {len(tasks)} 个新注册企业首次服务任务")
