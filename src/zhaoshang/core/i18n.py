"""Translation tooling without GNU gettext: find msgids in our sources, compile .po → .mo.

`python -m zhaoshang.core.i18n compile` compiles every catalogue under src/zhaoshang;
`python -m zhaoshang.core.i18n missing` lists source strings that have no zh-Hans translation.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
LANGUAGE_DIR = "zh_Hans"

_PY = re.compile(
    r"""\b(?:_|gettext|gettext_lazy|pgettext_lazy|ngettext)\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')"""
)
_TPL_TRANS = re.compile(r"""\{%\s*(?:translate|trans)\s+(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
_TPL_BLOCK = re.compile(r"\{%\s*blocktrans(?:late)?\b([^%]*)%\}(.*?)\{%\s*endblocktrans(?:late)?\s*%\}", re.S)
_VAR = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def catalogues() -> list[Path]:
    return sorted(PACKAGE.rglob(f"locale/{LANGUAGE_DIR}/LC_MESSAGES/django.po"))


def source_msgids(root: Path = PACKAGE) -> dict[str, str]:
    """msgid → first file it appears in (Python and templates)."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts or path.name == "i18n.py":
            continue
        for match in _PY.finditer(path.read_text(encoding="utf-8")):
            text = match.group(1) if match.group(1) is not None else match.group(2)
            found.setdefault(text.encode().decode("unicode_escape") if "\\" in text else text, str(path))
    for path in sorted(root.rglob("templates/**/*.html")):
        source = path.read_text(encoding="utf-8")
        for match in _TPL_TRANS.finditer(source):
            found.setdefault(match.group(1) if match.group(1) is not None else match.group(2), str(path))
        for match in _TPL_BLOCK.finditer(source):
            body = re.split(r"\{%\s*plural\s*%\}", match.group(2))[0]  # the singular is the msgid
            if "trimmed" in match.group(1):
                body = " ".join(line.strip() for line in body.strip().splitlines())
            found.setdefault(_VAR.sub(r"%(\1)s", body), str(path))
    return found


def translated_msgids() -> dict[str, str]:
    import polib

    done: dict[str, str] = {}
    for po_path in catalogues():
        for entry in polib.pofile(str(po_path)):
            if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags:
                done[entry.msgid] = entry.msgstr
    return done


def missing() -> dict[str, str]:
    done = translated_msgids()
    return {msgid: where for msgid, where in source_msgids().items() if msgid not in done}


def compile_all() -> list[Path]:
    import polib

    written = []
    for po_path in catalogues():
        po = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        po.save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "compile"
    if command == "compile":
        for path in compile_all():
            print(f"compiled {path.relative_to(PACKAGE.parent)}")
        return 0
    if command == "missing":
        gaps = missing()
        for msgid, where in sorted(gaps.items(), key=lambda item: item[1]):
            print(f"{where}: {msgid!r}")
        return 1 if gaps else 0
    print("usage: python -m zhaoshang.core.i18n [compile|missing]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
