"""Downloads written through a temporary file leave nothing behind in the temp folder."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from zhaoshang.web.exports import file_download


@pytest.fixture(autouse=True)
def own_temp_folder(tmp_path, monkeypatch):
    """This test's own temp folder, so that other tests' downloads running beside it do not count."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def _leftovers() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("zhaoshang-export-*"))


def test_the_download_streams_what_was_written_and_its_folder_is_gone():
    before = _leftovers()
    assert before == set()
    response = file_download("名录.xlsx", ".xlsx", lambda path: path.write_bytes(b"PK data"))
    assert _leftovers() == before  # removed before the response is even read
    assert b"".join(response.streaming_content) == b"PK data"
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''%E5%90%8D%E5%BD%95.xlsx" in response["Content-Disposition"]


def test_a_failing_writer_leaves_no_folder_and_raises():
    before = _leftovers()

    def broken(path: Path) -> None:
        path.write_bytes(b"half")
        raise ValueError("bad export")

    try:
        file_download("x.xlsx", ".xlsx", broken)
    except ValueError as exc:
        assert str(exc) == "bad export"
    else:
        raise AssertionError("the writer's error must reach the caller")
    assert _leftovers() == before
