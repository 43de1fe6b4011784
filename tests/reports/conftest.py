"""Fixtures for the report tests: reading rendered PDFs back without a PDF library.

These tests cover plain-Python code that never imports Django; they run with ``-p no:django``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from zhaoshang.reports.errors import CjkFontMissing
from zhaoshang.reports.fonts import DEBIAN_PACKAGE, find_cjk_font


@pytest.fixture
def cjk_font_required() -> None:
    """Skip (saying which package to install) when the machine has no CJK font for PDFs."""
    try:
        find_cjk_font()
    except CjkFontMissing:
        pytest.skip(f"no CJK font for PDFs on this machine: apt-get install {DEBIAN_PACKAGE}")


@pytest.fixture
def pdf_text() -> Callable[[Path], str]:
    return _pdf_text


@pytest.fixture
def pdf_pages_text() -> Callable[[Path], list[str]]:
    return _pdf_pages_text


@pytest.fixture
def pdf_embedded_truetype_fonts() -> Callable[[Path], list[str]]:
    return _pdf_embedded_truetype_fonts


def _pdf_text(path: Path) -> str:
    """The PDF's text with all whitespace removed (pdftotext's spacing of CJK text varies)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: apt-get install poppler-utils")
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", out)


def _pdf_pages_text(path: Path) -> list[str]:
    return [page for page in _pdf_text_raw(path).split("\f") if page.strip()]


def _pdf_text_raw(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: apt-get install poppler-utils")
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _pdf_embedded_truetype_fonts(path: Path) -> list[str]:
    """/FontName of every font descriptor that carries an embedded TrueType program (/FontFile2).

    Reads the raw bytes (reportlab writes font descriptors uncompressed), so it needs no PDF library.
    """
    names = []
    for body in re.findall(rb"<<((?:(?!<<|>>).)*?)>>", path.read_bytes(), re.S):
        if b"/FontDescriptor" in body and b"/FontFile2" in body:
            found = re.search(rb"/FontName\s*/([^\s/>]+)", body)
            if found:
                names.append(found.group(1).decode("latin-1"))
    return names
