"""zhaoshang backup → zhaoshang restore into a fresh database gives the same rows in every table; serve trusts the
proxy's X-Forwarded-Proto only when told it runs behind one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.request
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

CHECKSUMS = (
    "import json, django; django.setup(); from zhaoshang.core.backup import table_checksums; "
    "print(json.dumps(table_checksums()))"
)


def _zhaoshang(env, *args, code=None):
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "zhaoshang", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_a_backup_restored_into_a_fresh_database_has_the_same_rows_in_every_table(
    cast, make_project, tmp_path
):
    from zhaoshang.core.backup import table_checksums

    make_project(name="备份项目", planned_investment_wan=100)
    out = tmp_path / "zhaoshang.backup"
    call_command("backup", str(out), stdout=StringIO(), stderr=StringIO())
    before = table_checksums()
    assert before["pipeline_project"][0] == 1 and before["accounts_user"][0] >= 9

    env = {**os.environ, "ZHAOSHANG_ENV": "development", "ZHAOSHANG_VAR_DIR": str(tmp_path / "var")}
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    else:
        name = f"zs_i10_restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
        )
    try:
        restored = _zhaoshang(env, "restore", str(out), "--yes")
        assert restored.returncode == 0, restored.stderr
        shown = _zhaoshang(env, code=CHECKSUMS)
        assert shown.returncode == 0, shown.stderr
    finally:
        if connection.vendor != "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    after = {table: tuple(value) for table, value in json.loads(shown.stdout).items()}
    assert after == before


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    path = tmp_path / "not-a-backup"
    path.write_bytes(b"hello")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="备份文件"):
        call_command("restore", str(path), "--yes", stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize("behind_proxy", [True, False])
def test_serve_trusts_x_forwarded_proto_only_behind_a_proxy(settings, behind_proxy):
    from django.core.handlers.wsgi import WSGIHandler
    from waitress.server import create_server

    from zhaoshang.core.management.commands.serve import waitress_options

    settings.BEHIND_PROXY = behind_proxy
    settings.TRUSTED_PROXY = "127.0.0.1"
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = None
    options = waitress_options(host="127.0.0.1", port=0, threads=2)
    server = create_server(WSGIHandler(), **options)  # a handler built now reads the settings above
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        port = server.effective_port
        opener = urllib.request.build_opener(_NoRedirect)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/accounts/login/", headers={"X-Forwarded-Proto": "https"}
        )
        try:
            status = opener.open(request, timeout=30).status
        except urllib.error.HTTPError as exc:
            status = exc.code
    finally:
        server.close()
    # behind the proxy the request came over HTTPS: the login page; otherwise the header is not trusted: a redirect
    assert status == (200 if behind_proxy else 301)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None
