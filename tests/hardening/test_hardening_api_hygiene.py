"""API and web hygiene: 401 with WWW-Authenticate, no 5xx from odd input, CSP, login spraying throttled per IP,
SQLite writers that wait, meeting packs that leave no file behind."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from django.test import Client
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_anonymous_api_call_answers_401_naming_the_scheme(client):
    response = client.get("/api/projects/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "url",
    [
        "/api/followups/?project=99999999999999999999",
        "/api/projects/99999999999999999999/",
        "/api/coordination-items/?project=99999999999999999999",
    ],
)
def test_an_id_beyond_the_databases_integers_is_never_a_server_error(cast, client_for, url):
    response = client_for(cast.owner).get(url)
    # SQLite cannot bind the number (400); PostgreSQL compares it and finds nothing (an empty list or 404)
    assert response.status_code in (200, 400, 404)
    if response.status_code == 200:
        assert response.json()["results"] == []


def test_a_page_with_an_id_beyond_the_databases_integers_is_not_a_server_error(cast, client_for):
    response = client_for(cast.owner).get("/pipeline/99999999999999999999/")
    assert 400 <= response.status_code < 500


def test_every_page_carries_a_self_only_content_security_policy(cast, client_for):
    response = client_for(cast.owner).get("/")
    policy = response["Content-Security-Policy"]
    assert (
        "default-src 'self'" in policy
        and "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("style-src")[0]
    )


def test_one_password_sprayed_over_many_usernames_from_one_address_is_throttled(cast, settings):
    settings.AXES_ENABLED = True
    settings.LOGIN_IP_FAILURE_LIMIT = 6
    client = Client(REMOTE_ADDR="10.0.0.9")
    for i in range(6):
        client.post("/accounts/login/", {"username": f"nobody{i}", "password": "Spring2026!"})
    response = client.post("/accounts/login/", {"username": cast.owner.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (403, 429)
    other = Client(REMOTE_ADDR="10.0.0.10")
    other.post("/accounts/login/", {"username": cast.owner.username, "password": PASSWORD})
    assert "_auth_user_id" in other.session


def test_sqlite_transactions_begin_immediate_and_wait_for_the_writer():
    from zhaoshang.env import database_config

    for url in ("", "sqlite:////srv/zhaoshang/db.sqlite3"):
        options = database_config(url, default_sqlite_path="x.sqlite3")["OPTIONS"]
        assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 30


def test_the_import_limits_are_read_from_the_environment_at_start_up():
    import os
    import subprocess
    import sys

    env = {**os.environ, "ZHAOSHANG_IMPORT_MAX_ROWS": "lots"}
    shown = subprocess.run(
        [sys.executable, "-m", "zhaoshang", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert shown.returncode != 0 and "ZHAOSHANG_IMPORT_MAX_ROWS" in shown.stderr


def test_a_meeting_pack_download_leaves_no_file_behind(cast, client_for):
    before = set(Path(tempfile.gettempdir()).glob("zhaoshang-pack-*"))
    today = dt.date.today()
    response = client_for(cast.leader).get(
        "/pipeline/meeting/",
        {"start": (today - dt.timedelta(days=30)).isoformat(), "end": today.isoformat(), "format": "docx"},
    )
    assert response.status_code == 200
    b"".join(response.streaming_content) if response.streaming else response.content
    assert set(Path(tempfile.gettempdir()).glob("zhaoshang-pack-*")) == before


def test_a_pipeline_import_with_a_100000_character_name_answers_with_the_rows_error(
    cast, client_for, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhaoshang.pipeline.models import Project

    path = tmp_path / "projects.csv"
    path.write_text("项目名称,投资方\n" + "长" * 100_000 + ",某科技有限公司\n", encoding="utf-8")
    response = client_for(cast.owner).post(
        "/pipeline/import/",
        {
            "file": SimpleUploadedFile(path.name, path.read_bytes()),
            "organisation": cast.park.pk,
            "dry_run": "",
        },
    )
    assert response.status_code == 400 and "最多 200 个" in response.content.decode()
    assert not Project.objects.exists()
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "pipeline", "import", str(path), "--org", cast.park.code, stdout=StringIO(), stderr=StringIO()
        )
