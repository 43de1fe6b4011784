"""The registry's notes in the user's language: how the columns of an import were read (the batch page, the
`firms import` command) and why two firms are a probable duplicate (the review page). They are stored in Chinese
with a code and params; an English user reads them in English, a Chinese user reads the stored Chinese unchanged,
and a note stored before notes had codes stays Chinese."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from tests.registry.conftest import CODE_A, CODE_B

from zhaoshang.registry.core.headers import map_headers
from zhaoshang.registry.messages import NOTES, note_message, said_mapping
from zhaoshang.registry.models import DuplicateCandidate, Enterprise, ImportBatch
from zhaoshang.registry.services import detect_duplicates, import_enterprises, update_enterprise

CJK = re.compile(r"[\u4e00-\u9fff]")
HEADER = ["名称", "公司名称", "企业名称", "对接人微信", "", "统一社会信用代码"]
ROW = ["恒通", "株洲恒通科技有限公司", "株洲恒通科技有限公司", "abc", "x", CODE_A]
CHINESE_NOTES = [
    "“名称”列视为企业简称：文件中另有更完整的“公司名称”列作为企业名称",
    "企业名称取自“公司名称”列（优先使用完整的企业法定名称）；该列为空时依次取“企业名称”列",
    "“对接人微信”列未识别，不会导入",
    "第5列没有表头，不会导入",
]
ENGLISH_NOTES = [
    "Column “名称” is read as the company short name: the file has the fuller column “公司名称” for the company name",
    "The company name is taken from column “公司名称” (the full legal name comes first); where it is empty, "
    "from column “企业名称” in turn",
    "Column “对接人微信” is not recognised and will not be imported",
    "Column 5 has no header and will not be imported",
]


def _upload():
    text = "\n".join(",".join(r) for r in [HEADER, ROW]) + "\n"
    return SimpleUploadedFile("firms.csv", text.encode("utf-8"), content_type="text/csv")


def _import_page(client, cast) -> tuple[ImportBatch, str]:
    client.post(reverse("registry:import_new"), {"file": _upload(), "organisation": cast.park.pk})
    batch = ImportBatch.objects.get()
    return batch, client.get(reverse("registry:import_detail", args=[batch.pk])).content.decode()


# --------------------------------------------------------------------------------------------- column mapping


def test_every_note_of_the_column_mapping_has_an_english_sentence_and_chinese_is_the_cores():
    mapping = map_headers([*HEADER, "主营产品"], overrides={"主营产品": "scope", "统一社会信用代码": "uscc"})
    codes = {note.code for note in mapping.coded_notes}
    assert codes == {
        "header_mapped_as_told",
        "header_generic_name_is_short_name",
        "header_name_with_alternates",
        "header_column_not_recognised",
        "header_column_without_header",
    }
    assert [note.message for note in mapping.coded_notes] == list(mapping.notes)
    with translation.override("en"):
        english = [note_message(n.code, n.params, n.message) for n in mapping.coded_notes]
    with translation.override("zh-hans"):
        chinese = [note_message(n.code, n.params, n.message) for n in mapping.coded_notes]
    assert chinese == list(mapping.notes)
    assert (
        english[0]
        == "As the column mapping says, column “统一社会信用代码” is read as “Unified social credit code”"
    )
    assert english[1] == "As the column mapping says, column “主营产品” is read as “Business scope”"
    assert english[2:] == ENGLISH_NOTES
    other = map_headers(
        ["企业名称", "统一社会信用代码", "信用代码"]
    )  # another field than the name, two columns
    alternates = other.coded_notes[0]
    assert alternates.code == "header_field_with_alternates"
    with translation.override("en"):
        assert note_message(alternates.code, alternates.params, alternates.message) == (
            "“Unified social credit code” is taken from column “统一社会信用代码”; where it is empty, "
            "from column “信用代码” in turn"
        )
    assert map_headers(["公司名称"]).coded_notes[0].code == "header_name_from_column"
    assert {n.code for n in mapping.coded_notes} | {
        "header_field_with_alternates",
        "header_name_from_column",
    } <= set(NOTES)


@pytest.mark.django_db
def test_the_import_page_says_how_the_columns_were_read_in_english(cast, client_for):
    client = client_for(cast.owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    batch, page = _import_page(client, cast)
    assert batch.mapping["notes"] == CHINESE_NOTES  # stored as the core wrote them
    for note in ENGLISH_NOTES:
        assert f"<li>{note}</li>" in page
    assert (
        "<dt>Company name</dt><dd>公司名称</dd>" in page
        and "<dt>Company short name</dt><dd>名称</dd>" in page
    )
    assert "Columns not recognised (not imported): 对接人微信, column 5</p>" in page
    assert not any(note in page for note in CHINESE_NOTES)


@pytest.mark.django_db
def test_the_import_page_in_chinese_is_unchanged(cast, client_for):
    batch, page = _import_page(client_for(cast.owner), cast)
    for note in CHINESE_NOTES:
        assert f"<li>{note}</li>" in page
    assert "<dt>企业名称</dt><dd>公司名称</dd>" in page and "<dt>企业简称</dt><dd>名称</dd>" in page
    assert "对接人微信、第5列</p>" in page
    assert "not recognised" not in page


@pytest.mark.django_db
def test_a_batch_stored_before_notes_had_codes_shows_its_chinese_notes(cast, client_for):
    client = client_for(cast.owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    batch, _page = _import_page(client, cast)
    old = {k: v for k, v in batch.mapping.items() if k not in {"note_codes", "unknown_at"}}
    ImportBatch.objects.filter(pk=batch.pk).update(mapping=old)
    page = client.get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
    assert all(f"<li>{note}</li>" in page for note in CHINESE_NOTES)
    assert "对接人微信, 第5列</p>" in page  # the stored names, joined in the reader's language
    with translation.override("en"):
        assert said_mapping(old)["notes"] == CHINESE_NOTES


@pytest.mark.django_db
def test_the_import_command_prints_the_notes_in_the_users_language(cast, write_csv):
    path = write_csv(HEADER, [ROW])
    with translation.override("en"):
        err = io.StringIO()
        call_command("firms", "import", str(path), "--org", cast.park.code, stdout=io.StringIO(), stderr=err)
    assert [line for line in err.getvalue().splitlines() if line.startswith("· ")] == [
        f"· {note}" for note in ENGLISH_NOTES
    ]
    err = io.StringIO()
    call_command("firms", "import", str(path), "--org", cast.park.code, stdout=io.StringIO(), stderr=err)
    assert [line for line in err.getvalue().splitlines() if line.startswith("· ")] == [
        f"· {note}" for note in CHINESE_NOTES
    ]


# --------------------------------------------------------------------------------------------- duplicates


@pytest.fixture
def pairs(cast, write_csv):
    """Two probable duplicates: one by a similar name, one by the same name once normalised."""
    import_enterprises(
        cast.owner,
        write_csv(
            ["统一社会信用代码", "企业名称"],
            [
                [CODE_A, "株洲恒通轨道交通科技有限公司"],
                ["", "株洲市恒通轨道交通科技有限公司"],
                [CODE_B, "长沙星河电子有限公司"],
                ["", "长沙星河科技有限公司"],
            ],
        ),
        cast.park,
    )
    # renamed by hand to the same name once normalised (an import would take it for the same firm)
    update_enterprise(
        cast.owner, Enterprise.objects.get(name="长沙星河科技有限公司"), name="长沙星河电子有限责任公司"
    )
    detect_duplicates(cast.owner)
    return {pair.reason_code: pair for pair in DuplicateCandidate.objects.all()}


@pytest.mark.django_db
def test_a_probable_duplicates_reason_is_stored_in_chinese_with_its_code(pairs):
    similar = pairs["duplicate_similar_name"]
    assert similar.reason == f"名称相似度{similar.score:.0f}%"
    assert similar.reason_params == {"score": f"{similar.score:.0f}"}
    assert pairs["duplicate_same_normalised_name"].reason == "名称规范化后相同"


@pytest.mark.django_db
def test_the_duplicates_page_says_the_reason_in_english_and_unchanged_in_chinese(cast, client_for, pairs):
    similar = pairs["duplicate_similar_name"]
    score = f"{similar.score:.0f}"
    client = client_for(cast.owner)
    page = client.get(reverse("registry:duplicates")).content.decode()
    assert f"<h2>名称相似度{score}% <small" in page and "<h2>名称规范化后相同 <small" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(reverse("registry:duplicates")).content.decode()
    assert f"<h2>Names {score}% alike <small" in page and "<h2>Same name once normalised <small" in page
    assert "名称相似度" not in page and "名称规范化后相同" not in page


@pytest.mark.django_db
def test_a_pair_with_the_same_credit_code_and_an_old_pair_without_a_code(pairs):
    pair = pairs["duplicate_similar_name"]
    pair.reason, pair.reason_code, pair.reason_params = "统一社会信用代码相同", "duplicate_same_uscc", {}
    with translation.override("en"):
        assert pair.said_reason == "Same unified social credit code"
        pair.reason_code = ""  # found before reasons had codes
        assert pair.said_reason == "统一社会信用代码相同"
    with translation.override("zh-hans"):
        pair.reason_code = "duplicate_same_uscc"
        assert pair.said_reason == "统一社会信用代码相同"
