"""`zhaoshang chains import|export|list|bom|gap|assignments|classify-firms|train`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zhaoshang.chains import bom_services, documents, services
from zhaoshang.chains.analysis.bom import BomError, BomIssue
from zhaoshang.chains.analysis.errors import ChainAnalysisError, ChainFileError, ChainFileProblem
from zhaoshang.chains.analysis.learned import LearnedError
from zhaoshang.chains.messages import note_message
from zhaoshang.chains.models import Chain
from zhaoshang.core.messages import ISSUE_MESSAGES, error_message, is_chinese, issue_message


class Command(BaseCommand):
    help = (
        "Industrial chains: import/export chain files, BOM decomposition, gap analysis, firm classification."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="import or update a chain from YAML or XLSX")
        imp.add_argument("file")
        imp.add_argument("--json", action="store_true")
        exp = sub.add_parser("export", help="export a chain to YAML or XLSX (by the file's suffix)")
        exp.add_argument("chain", help="name or slug")
        exp.add_argument("-o", "--output", required=True)
        lst = sub.add_parser("list", help="list the chains")
        lst.add_argument("--json", action="store_true")
        sub.add_parser("load-builtin", help="load the three chains shipped with zhaoshang")
        bom = sub.add_parser(
            "bom", help="decompose a product BOM (CSV/XLSX) into a chain and find local part makers"
        )
        bom.add_argument("file")
        bom.add_argument("--name", required=True, help="product name")
        bom.add_argument(
            "--region",
            default=None,
            help="region whose firms count as local (code or park); default ZHAOSHANG_HOME_REGION",
        )
        bom.add_argument("--save", action="store_true", help="store the chain built from the BOM")
        bom.add_argument("--json", action="store_true")
        gap = sub.add_parser("gap", help="gap analysis of a chain for a region")
        gap.add_argument("chain", help="name or slug")
        gap.add_argument("--region", required=True, help="GB/T 2260 code or an organisation (park) code")
        gap.add_argument("--json", action="store_true")
        asg = sub.add_parser(
            "assignments", help="export the firms on a chain's nodes with their evidence (XLSX)"
        )
        asg.add_argument("chain", help="name or slug")
        asg.add_argument("--region", required=True, help="GB/T 2260 code or an organisation (park) code")
        asg.add_argument("-o", "--output", required=True)
        cls = sub.add_parser(
            "classify-firms", help="place the registry's firms on chain nodes (rules, then the learned layer)"
        )
        cls.add_argument("--chain", action="append", help="only these chains (name or slug)")
        sub.add_parser("train", help="train the learned layer on confirmed assignments")

    def handle(self, *args, verb, **options):
        try:
            getattr(self, "do_" + verb.replace("-", "_"))(**options)
        except ChainFileError as exc:
            self._problems(exc, exc.problems)
            raise CommandError(
                _("Errors in the chain file: %(count)s; nothing was imported") % {"count": len(exc.problems)}
            ) from None
        except BomError as exc:
            self._problems(exc, exc.issues)
            raise CommandError(_("Errors in the BOM file: %(count)s") % {"count": len(exc.issues)}) from None
        except (services.ChainServiceError, ChainAnalysisError, LearnedError) as exc:
            raise CommandError(error_message(exc)) from None
        except FileNotFoundError as exc:
            raise CommandError(_("File not found: %(file)s") % {"file": exc.filename}) from None

    def _problems(self, exc: ChainAnalysisError, problems: list) -> None:
        """Each problem of a refused file on one line, in the user's language where it has a code: a file refused
        for one reason carries the error's code, a BOM row finding its own (a chain file's problems are Chinese)."""
        said = error_message(exc)
        if said != exc.message:
            self.stderr.write(said)
            return
        for problem in problems[:200]:
            self.stderr.write(_problem_line(problem))

    def _json(self, data) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))

    def do_import(self, file, json=False, **_options):
        chain = services.import_chain(None, file)
        if json:
            self._json({"slug": chain.slug, "name": chain.name, "nodes": chain.nodes.count()})
        else:
            self.stdout.write(
                _("Imported the chain “%(name)s” (%(slug)s), %(count)s nodes")
                % {"name": chain.name, "slug": chain.slug, "count": chain.nodes.count()}
            )

    def do_export(self, chain, output, **_options):
        found = services.find_chain(chain)
        services.export_chain(found, output)
        self.stderr.write(_("Exported “%(name)s” to %(file)s") % {"name": found.name, "file": output})

    def do_list(self, json=False, **_options):
        rows = [{"slug": c.slug, "name": c.name, "nodes": c.nodes.count()} for c in Chain.objects.all()]
        if json:
            self._json(rows)
        for row in rows if not json else []:
            self.stdout.write(
                f"{row['slug']}\t{row['name']}\t" + _("%(count)s nodes") % {"count": row["nodes"]}
            )

    def do_load_builtin(self, **_options):
        for chain in services.load_builtin_chains(None):
            self.stdout.write(
                f"{chain.slug}\t{chain.name}\t" + _("%(count)s nodes") % {"count": chain.nodes.count()}
            )

    def do_bom(self, file, name, region, save=False, json=False, **_options):
        result = bom_services.decompose_bom(None, file, name=name, region_code=region, save=save)
        if json:
            self._json(result)
            return
        comma = _(", ")
        self.stdout.write(
            _("%(name)s: %(lines)s lines, %(parts)s parts, %(kinds)s kinds")
            % {
                "name": name,
                "lines": result["lines"],
                "parts": result["parts"],
                "kinds": len(result["nodes"]),
            }
        )
        for node in result["nodes"]:
            parts = _("%(count)s parts") % {"count": node["parts"]}
            self.stdout.write(f"  {node['name']}\t{parts}\t{comma.join(node['manufacturers'])}")
        for maker in result["makers"]:
            if maker["local_firms"]:
                names = comma.join(f["name"] for f in maker["local_firms"])
                self.stdout.write(
                    _("Local maker: %(maker)s → %(firms)s") % {"maker": maker["as_written"], "firms": names}
                )
        for note in result["notes"]:
            self.stderr.write(_("Note: %(warning)s") % {"warning": note_message(note)})

    def do_gap(self, chain, region, json=False, **_options):
        found = services.find_chain(chain)
        report = services.gap_for_region(found, region)
        data = services.gap_json(report)
        if json:
            self._json(data)
            return
        self.stdout.write(
            _("%(chain)s · %(region)s (%(code)s) completeness %(completeness)s")
            % {
                "chain": found.name,
                "region": report.area.name,
                "code": report.area.code,
                "completeness": f"{report.completeness:.0%}",
            }
        )
        with translation.override(settings.LANGUAGE_CODE):  # the status words in the installation's language
            status_words = {k: documents.status_word(k) for k in ("strong", "weak", "missing")}
        for node in data["nodes"]:
            mark = "★" if node["key_node"] else " "
            counts = (
                _("%(count)s with evidence") % {"count": node["local_firms"]},
                _("to check %(count)s") % {"count": node["candidates"]},
                _("targets %(count)s") % {"count": node["targets_total"]},
            )
            self.stdout.write(
                f"{'  ' * (node['depth'] - 1)}{mark}{node['name']}\t{status_words[node['status']]}\t"
                + "\t".join(counts)
            )

    def do_assignments(self, chain, region, output, **_options):
        found = services.find_chain(chain)
        report = services.gap_for_region(found, region)
        with translation.override(settings.LANGUAGE_CODE):  # a command writes the installation's language
            Path(output).write_bytes(documents.assignments_xlsx(report))
        self.stdout.write(_("Exported %(file)s") % {"file": output})

    def do_classify_firms(self, chain=None, **_options):
        from tqdm import tqdm

        chains = [services.find_chain(c) for c in chain] if chain else None
        bar = tqdm(total=0, unit=_(" firms"), file=sys.stderr, disable=None)

        def progress(done, total):
            bar.total = total
            bar.n = done
            bar.refresh()

        counts = services.classify_enterprises(None, chains=chains, progress=progress)
        bar.close()
        self.stdout.write(json_line(counts.as_dict()))

    def do_train(self, **_options):
        summary = services.train_learned_layer(None)
        self.stdout.write(
            _("Trained: %(confirmed)s confirmed, %(rejected)s rejected, %(labels)s classes → %(path)s")
            % {
                "confirmed": summary.confirmed,
                "rejected": summary.rejected,
                "labels": summary.labels,
                "path": summary.path,
            }
        )


def _problem_line(problem: BomIssue | ChainFileProblem) -> str:
    if isinstance(problem, ChainFileProblem):
        return _chain_problem(problem)
    if not problem.code:
        return str(problem)
    finding = {
        "code": problem.code,
        "message": str(problem),
        "row": problem.row,
        "column": problem.column or "",
    }
    return issue_message({**finding, "params": {"file": problem.file, **problem.params}})


def _chain_problem(problem: ChainFileProblem) -> str:
    """A chain file's problem in the user's language: where it is, then its code's sentence (the core's Chinese
    line when the language is Chinese, or the code has no sentence)."""
    sentence = ISSUE_MESSAGES.get(problem.code)
    if is_chinese() or sentence is None:
        return str(problem)
    try:
        said = str(sentence) % dict(problem.params)
    except (KeyError, TypeError, ValueError):
        return str(problem)
    where = [problem.file] if problem.file else []
    if problem.sheet:
        where.append(_("sheet “%(sheet)s”") % {"sheet": problem.sheet})
    if problem.row is not None:
        where.append(_("row %(row)s") % {"row": problem.row})
    if problem.node_key:
        where.append(_("node %(node)s") % {"node": problem.node_key})
    if problem.field:
        where.append(_("field “%(field)s”") % {"field": problem.field})
    if not where:
        return said[:1].upper() + said[1:]
    return _("%(where)s: %(problem)s") % {"where": " ".join(where), "problem": said}


def json_line(data) -> str:
    return json.dumps(data, ensure_ascii=False)
