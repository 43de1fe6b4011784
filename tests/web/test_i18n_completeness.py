"""Every string a user sees is marked for translation and every zh_Hans catalogue is complete.

Walks every app under src/zhaoshang generically (apps added later are covered without editing this test):
templates' visible text and human-readable attributes must come through {% translate %} / {% blocktranslate %}
(machine names in <code>, file-format names and the brand are the known exceptions), and every entry of every
zh_Hans catalogue must be translated (not empty, not fuzzy), and every marked string must have a translation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "zhaoshang"
# Words that are the same in every language: file formats, the product's brand, units.
NOT_TRANSLATED = {
    "YAML",
    "XLSX",
    "CSV",
    "DOCX",
    "PDF",
    "JSON",
    "API",
    "zhaoshang",
    "招商  zhaoshang",
    "招商 zhaoshang",
}

_DROP = [
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I),
    re.compile(r"<code>.*?</code>", re.S),
    re.compile(r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S),
    re.compile(r"<!--.*?-->", re.S),
]
_ATTRS = re.compile(r"""\b(title|placeholder|aria-label|alt)\s*=\s*"([^"]*)\"""")
_WORDS = re.compile(r"[A-Za-z\u4e00-\u9fff][A-Za-z\u4e00-\u9fff'’ -]*")


def unmarked_strings(source: str) -> list[str]:
    """Visible words of a template that do not come through the translation tags."""
    for pattern in _DROP:
        source = pattern.sub(" ", source)
    texts = []
    for name, value in _ATTRS.findall(source):
        value = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", value, flags=re.S)
        if name == "placeholder" and " " not in value.strip():
            continue  # an example value (a code, a status as the data writes it), not a sentence
        texts.append(value)
    body = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
    texts.append(re.sub(r"<[^>]*>", " ", body, flags=re.S))
    found = []
    for text in texts:
        text = re.sub(r"&[a-zA-Z#0-9]+;", " ", text)
        for match in _WORDS.finditer(text):
            word = match.group().strip(" -")
            if word and word not in NOT_TRANSLATED and (len(word) > 1 or not word.isascii()):
                found.append(word)
    return found


def templates() -> list[Path]:
    return sorted(PACKAGE.glob("*/templates/**/*.html"))


def test_the_scan_catches_an_unmarked_string_and_passes_a_marked_one():
    assert unmarked_strings("<h1>Projects</h1>") == ["Projects"]
    assert unmarked_strings("<th>行号</th>") == ["行号"]
    assert unmarked_strings('<a title="Open the map">x</a>'.replace(">x<", "><")) == ["Open the map"]
    assert (
        unmarked_strings('<h1>{% translate "Projects" %}</h1><code>flags</code><input placeholder="C39">')
        == []
    )
    assert unmarked_strings("{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}") == []


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_template_string_a_user_sees_is_marked_for_translation(path):
    assert unmarked_strings(path.read_text(encoding="utf-8")) == []


def catalogues() -> list[Path]:
    return sorted(PACKAGE.rglob("locale/zh_Hans/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("po_path", catalogues(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_zh_hans_catalogue_entry_is_translated(po_path):
    import polib

    untranslated = [
        e.msgid
        for e in polib.pofile(str(po_path))
        if not e.obsolete and ("fuzzy" in e.flags or not (e.msgstr or all(e.msgstr_plural.values() or [""])))
    ]
    assert untranslated == []


def test_every_marked_string_of_every_app_has_a_chinese_translation():
    from zhaoshang.core.i18n import missing

    assert missing() == {}
