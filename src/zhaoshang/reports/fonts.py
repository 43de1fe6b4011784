"""Finding a CJK font that reportlab can embed in PDFs.

reportlab's ``TTFont`` embeds TrueType outlines (``glyf``), from ``.ttf`` files and from ``.ttc`` collections
(with ``subfontIndex``). It refuses OpenType fonts with CFF ("PostScript") outlines. That rules out Debian's
``fonts-noto-cjk`` (``NotoSansCJK-Regular.ttc`` and friends are CFF) and Adobe's Source Han ``.otf`` files.
What works, as checked on Debian 12 with reportlab 4/5:

==========================  ==================================================  ============
Debian package              file                                                works
==========================  ==================================================  ============
``fonts-wqy-zenhei``        /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc        yes (preferred)
``fonts-wqy-microhei``      /usr/share/fonts/truetype/wqy/wqy-microhei.ttc      yes
``fonts-arphic-uming``      /usr/share/fonts/truetype/arphic/uming.ttc          yes
``fonts-droid-fallback``    /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf  yes
``fonts-noto-cjk``          /usr/share/fonts/opentype/noto/NotoSansCJK-*.ttc    no (CFF)
==========================  ==================================================  ============

Set ``ZHAOSHANG_CJK_FONT`` to a font file to choose one (``path#N`` picks face N of a ``.ttc``). If it is
set but unusable we fail instead of quietly using another font.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import CjkFontMissing

logger = logging.getLogger(__name__)

ENV_VAR = "ZHAOSHANG_CJK_FONT"
#: The Debian package the product asks for.
DEBIAN_PACKAGE = "fonts-wqy-zenhei"

#: Known TrueType CJK fonts, best first: (path, face index in a collection).
KNOWN_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc", 0),  # TrueType builds, where packaged
    ("/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf", 0),
)

#: Folders searched, after the known paths, for files whose names look like CJK fonts.
SEARCH_DIRS: tuple[str, ...] = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
_NAME_PATTERN = re.compile(
    r"(notosans.*(cjk|sc|tc|jp|kr)|notoserif.*(cjk|sc|tc)|sourcehan|wqy|uming|ukai|droidsansfallback|"
    r"simsun|simhei|msyh|pingfang|stheiti|hiragino)",
    re.IGNORECASE,
)
_SUFFIXES = {".ttf", ".ttc", ".otf"}


@dataclass(frozen=True)
class CjkFont:
    path: Path
    subfont_index: int
    face_name: str

    @property
    def reportlab_name(self) -> str:
        """The name under which :func:`register_cjk_font` registers it with reportlab."""
        return f"ZhaoshangCJK-{self.face_name}"


def _try_load(path: Path, index: int) -> CjkFont | None:
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    try:
        font = TTFont("probe", str(path), subfontIndex=index)
    except (TTFError, OSError, ValueError) as exc:  # CFF outlines, unreadable or broken files
        logger.debug("CJK font %s#%s not usable by reportlab: %s", path, index, exc)
        return None
    face = font.face.name
    name = face.decode("ascii", "replace") if isinstance(face, bytes) else str(face)
    if not font.face.charToGlyph.get(ord("中")):
        logger.debug("Font %s#%s has no Chinese glyphs", path, index)
        return None
    return CjkFont(path, index, name)


def _parse_override(value: str) -> tuple[Path, int]:
    path, sep, index = value.rpartition("#")
    if sep and index.isdigit():
        return Path(path).expanduser(), int(index)
    return Path(value).expanduser(), 0


def _candidates(known: Iterable[tuple[str, int]], search_dirs: Iterable[str]) -> Iterable[tuple[Path, int]]:
    for known_path, index in known:
        yield Path(known_path), index
    for folder in search_dirs:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() in _SUFFIXES and _NAME_PATTERN.search(path.name):
                yield path, 0


_cache: dict[tuple[object, ...], CjkFont] = {}


def find_cjk_font(
    *,
    environ: Mapping[str, str] | None = None,
    known_fonts: Iterable[tuple[str, int]] | None = None,
    search_dirs: Iterable[str] | None = None,
) -> CjkFont:
    """The CJK font to embed: ``ZHAOSHANG_CJK_FONT`` if set, else the first usable font of ``known_fonts``
    (default :data:`KNOWN_FONTS`), else the first usable CJK-looking file under ``search_dirs``.

    Raises :class:`CjkFontMissing` (naming the Debian package and the variable) when there is none.
    """
    env = os.environ if environ is None else environ
    known = tuple(KNOWN_FONTS if known_fonts is None else known_fonts)
    dirs = tuple(SEARCH_DIRS if search_dirs is None else search_dirs)
    override = env.get(ENV_VAR) or None
    key = (override, known, dirs)
    if key in _cache:
        return _cache[key]

    if override:
        path, index = _parse_override(override)
        if not path.is_file():
            raise CjkFontMissing(
                f"环境变量 {ENV_VAR} 指定的字体文件不存在：{path}。"
                f" / The font file named by {ENV_VAR} does not exist: {path}.",
                code="cjk_font_file_missing",
                variable=ENV_VAR,
                path=str(path),
            )
        font = _try_load(path, index)
        if font is None:
            raise CjkFontMissing(
                f"环境变量 {ENV_VAR} 指定的字体 {path}（字体集第 {index} 款）无法嵌入 PDF："
                "需要 TrueType 轮廓且包含中文字形的 .ttf/.ttc（CFF/OTF 字体如 Noto Sans CJK 不可用）。"
                f" / The font {path} (face {index}) named by {ENV_VAR} cannot be embedded: reportlab needs a"
                " TrueType-outline .ttf/.ttc with Chinese glyphs (CFF/OTF fonts such as Noto Sans CJK do not work).",
                code="cjk_font_not_embeddable",
                variable=ENV_VAR,
                path=str(path),
                index=index,
            )
        _cache[key] = font
        return font

    seen: set[tuple[Path, int]] = set()
    for path, index in _candidates(known, dirs):
        if (path, index) in seen or not path.is_file():
            continue
        seen.add((path, index))
        font = _try_load(path, index)
        if font is not None:
            logger.debug("Using CJK font %s#%s (%s)", path, index, font.face_name)
            _cache[key] = font
            return font
    raise CjkFontMissing(
        missing_font_message(), code="cjk_font_missing", package=DEBIAN_PACKAGE, variable=ENV_VAR
    )


def missing_font_message() -> str:
    return (
        f"未找到可嵌入 PDF 的中文字体。请安装 Debian 软件包 {DEBIAN_PACKAGE}"
        f"（sudo apt-get install {DEBIAN_PACKAGE}），或用环境变量 {ENV_VAR} 指定一个 TrueType 中文字体文件"
        "（.ttf/.ttc；fonts-noto-cjk 的 CFF 字体无法使用）。"
        f" / No CJK font usable for PDFs was found. Install the Debian package {DEBIAN_PACKAGE}"
        f" (sudo apt-get install {DEBIAN_PACKAGE}), or set {ENV_VAR} to a TrueType Chinese font file"
        " (.ttf/.ttc; the CFF fonts of fonts-noto-cjk do not work)."
    )


def register_cjk_font(font: CjkFont | None = None) -> str:
    """Register the font with reportlab (once) and return the font name to use in styles."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = font or find_cjk_font()
    name = font.reportlab_name
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(font.path), subfontIndex=font.subfont_index))
    return name


def clear_cache() -> None:
    """Forget the font found (tests, or after installing a font in a running process)."""
    _cache.clear()
