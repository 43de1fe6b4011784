from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from zhaoshang.reports import fonts
from zhaoshang.reports.errors import CjkFontMissing
from zhaoshang.reports.fonts import DEBIAN_PACKAGE, ENV_VAR, find_cjk_font

MICROHEI = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
NOTO_CFF = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.fixture(autouse=True)
def _fresh_font_cache():
    fonts.clear_cache()
    yield
    fonts.clear_cache()


def test_when_no_font_is_found_the_error_names_the_debian_package_and_the_variable(tmp_path):
    with pytest.raises(CjkFontMissing) as caught:
        find_cjk_font(environ={}, known_fonts=(), search_dirs=[str(tmp_path)])
    message = str(caught.value)
    assert DEBIAN_PACKAGE == "fonts-wqy-zenhei"
    assert "apt-get install fonts-wqy-zenhei" in message
    assert "未找到可嵌入 PDF 的中文字体" in message and "No CJK font" in message
    assert ENV_VAR in message
    assert isinstance(caught.value, ValueError)


def test_an_override_pointing_at_a_missing_file_fails_instead_of_falling_back(tmp_path):
    with pytest.raises(CjkFontMissing, match="指定的字体文件不存在"):
        find_cjk_font(environ={ENV_VAR: str(tmp_path / "nope.ttf")})


def test_an_override_pointing_at_a_file_that_is_not_a_font_is_refused(tmp_path):
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font at all" * 10)
    with pytest.raises(CjkFontMissing, match="无法嵌入 PDF"):
        find_cjk_font(environ={ENV_VAR: str(broken)})


@pytest.mark.skipif(not NOTO_CFF.exists(), reason="fonts-noto-cjk is not installed")
def test_noto_sans_cjk_from_debian_is_rejected_because_its_outlines_are_cff():
    with pytest.raises(CjkFontMissing, match="CFF"):
        find_cjk_font(environ={ENV_VAR: str(NOTO_CFF)})
    # …and the automatic search passes over it.
    with pytest.raises(CjkFontMissing):
        find_cjk_font(environ={}, known_fonts=[(str(NOTO_CFF), 0)], search_dirs=[])


@pytest.mark.skipif(not MICROHEI.exists(), reason="fonts-wqy-microhei is not installed")
def test_an_override_picks_that_font_and_a_face_index_after_a_hash():
    font = find_cjk_font(environ={ENV_VAR: f"{MICROHEI}#1"})
    assert (font.path, font.subfont_index) == (MICROHEI, 1)
    assert font.face_name.startswith("WenQuanYiMicroHei")


@pytest.mark.skipif(not MICROHEI.exists(), reason="fonts-wqy-microhei is not installed")
def test_a_font_whose_name_looks_cjk_is_found_by_searching_the_font_folders(tmp_path):
    shutil.copy(MICROHEI, tmp_path / "wqy-microhei.ttc")
    (tmp_path / "unrelated.ttf").write_bytes(b"x")
    font = find_cjk_font(environ={}, known_fonts=(), search_dirs=[str(tmp_path)])
    assert font.path == tmp_path / "wqy-microhei.ttc"


def test_the_recommended_package_is_what_this_machine_uses_when_installed():
    zenhei = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    if not zenhei.exists():
        pytest.skip(f"{DEBIAN_PACKAGE} is not installed")
    font = find_cjk_font(environ={})
    assert font.path == zenhei and font.face_name == "WenQuanYiZenHei"
