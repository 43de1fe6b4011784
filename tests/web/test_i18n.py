import polib

from zhaoshang.core.i18n import catalogues, missing, source_msgids


def test_every_source_string_has_a_chinese_translation():
    gaps = missing()
    assert not gaps, "untranslated: " + "; ".join(
        f"{where}: {msgid!r}" for msgid, where in sorted(gaps.items())[:20]
    )


def test_the_extractor_finds_python_and_template_strings():
    found = source_msgids()
    assert "Workbench" in found and "Too many failed logins" in found
    assert "Page %(n)s of %(total)s" in found  # from a blocktranslate


def test_compiled_catalogues_match_their_po_files():
    for po_path in catalogues():
        po = {e.msgid: e.msgstr for e in polib.pofile(str(po_path)) if e.msgstr}
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} missing: run `make messages`"
        mo = {e.msgid: e.msgstr for e in polib.mofile(str(mo_path)) if e.msgid}
        assert mo == po, f"{mo_path} is stale: run `make messages`"
