"""Every Python sentence a user sees is said in their language.

Walks every module under src/zhaoshang (apps added later are covered without editing this test) and looks at
what reaches a user: what is raised, a form's error, a flash message, a command's output. Two kinds of module:

- an **edge** module (it imports Django) marks such a sentence for translation (``_()``, ``gettext``, …), or
  raises it with a ``code=`` that has an English sentence in the catalogue (``zhaoshang.core.messages``);
- an **analytic core** (no Django import) cannot translate: a Chinese sentence it raises carries a ``code=``
  with an English sentence registered by its app, and the edge says it (``error_message``).
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "zhaoshang"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
MARKERS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "format_lazy",
}
# calls whose text argument a user reads
SAYING = {
    "add_error",
    "error",
    "warning",
    "success",
    "info",
    "CommandError",
    "ValidationError",
    "HttpResponseBadRequest",
    "PermissionDenied",
    "Http404",
}
WRITING = {"write"}  # self.stdout.write / self.stderr.write


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _unmarked_chinese(node: ast.AST) -> bool:
    """Whether ``node`` holds a Chinese literal that is not inside a translation marker."""
    if isinstance(node, ast.Call) and _name(node.func) in MARKERS:
        return False
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(CHINESE.search(node.value))
    return any(_unmarked_chinese(child) for child in ast.iter_child_nodes(node))


def _code_keyword(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    return None


def _imports_django(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "django":
            return True
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "django" for a in node.names):
            return True
    return False


def findings(source: str, *, edge: bool, known_codes: set[str]) -> list[tuple[int, str]]:
    """(line, why) of every user-visible Chinese sentence of one module that is not said in English."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            call = node.exc
            if not any(_unmarked_chinese(arg) for arg in [*call.args, *(k.value for k in call.keywords)]):
                continue
            code = _code_keyword(call)
            if code is not None and code in known_codes:
                continue
            why = f"code {code!r} has no English sentence" if code else "raised without a code= or a marker"
            found.append((node.lineno, why))
        elif edge and isinstance(node, ast.Call) and _name(node.func) in SAYING | WRITING:
            if any(_unmarked_chinese(arg) for arg in [*node.args, *(k.value for k in node.keywords)]):
                found.append((node.lineno, f"{_name(node.func)}() of an unmarked sentence"))
    return sorted(found)


def modules() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if "migrations" not in p.parts and "tests" not in p.parts and "__pycache__" not in p.parts
    )


def _known_codes() -> set[str]:
    from zhaoshang.core.messages import ERROR_MESSAGES

    return set(ERROR_MESSAGES)


def test_the_scan_catches_an_unmarked_sentence_and_passes_a_marked_one():
    known = {"stage_missing"}
    edge = findings(
        "from django.utils.translation import gettext as _\n"
        "def f(form):\n"
        '    form.add_error(None, "项目不存在")\n'
        '    form.add_error(None, _("No such project"))\n'
        '    raise ValueError(f"缺少{x}")\n'
        '    raise ValueError(_("Missing %(x)s") % {"x": 1})\n'
        '    raise DomainError("缺少阶段", code="stage_missing")\n',
        edge=True,
        known_codes=known,
    )
    assert [line for line, _ in edge] == [3, 5]
    core = findings(
        'def f():\n    raise StageError("缺少", code="stage_missing")\n    raise StageError("缺少", code="other")\n',
        edge=False,
        known_codes=known,
    )
    assert core == [(3, "code 'other' has no English sentence")]


def test_every_sentence_a_user_sees_from_python_is_said_in_english():
    known = _known_codes()
    counts: Counter[str] = Counter()
    lines: dict[str, list[str]] = {}
    for path in modules():
        source = path.read_text(encoding="utf-8")
        if not CHINESE.search(source):
            continue
        tree = ast.parse(source)
        module = str(path.relative_to(PACKAGE))
        for line, why in findings(source, edge=_imports_django(tree), known_codes=known):
            counts[module] += 1
            lines.setdefault(module, []).append(f"{module}:{line}: {why}")
    assert not counts, "\n".join(line for m in sorted(lines) for line in lines[m])
