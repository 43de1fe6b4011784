"""Writes wait instead of failing: 20 API writers against a live server while an import runs, and two imports of
the same file at once — 0 failures, no traceback, nothing half-written, no batch left running."""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
import threading
import urllib.request

import pytest
from django.db import connection

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _firms_csv(path, rows):
    lines = ["企业名称,统一社会信用代码,住所"]
    lines += [f"株洲并发{i}科技有限公司,,湖南省株洲市天元区{i}号" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _env():
    env = {**os.environ, "ZHAOSHANG_ENV": "development", "ZHAOSHANG_LOGIN_THROTTLING": "0"}
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        env["DATABASE_URL"] = (
            f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    return env


def test_two_imports_of_the_same_file_at_once_both_end_cleanly_without_duplicates(cast, tmp_path):
    from zhaoshang.registry.models import Enterprise, ImportBatch

    path = _firms_csv(tmp_path / "firms.csv", 3000)
    command = [
        sys.executable,
        "-m",
        "zhaoshang",
        "firms",
        "import",
        str(path),
        "--org",
        cast.bureau.code,
        "--json",
    ]
    runs = [
        subprocess.Popen(command, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(p.wait(timeout=600), p.stdout.read(), p.stderr.read()) for p in runs]
    for code, _out, err in results:
        assert "Traceback" not in err, err
        assert code == 0 or "另一个导入" in err, err
    assert any(code == 0 for code, _, _ in results)
    assert Enterprise.objects.count() == 3000
    assert not ImportBatch.objects.filter(
        status__in=[ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING]
    ).exists()


def test_twenty_api_writers_during_an_import_see_no_failure(cast, live_server, tmp_path, make_project):
    from rest_framework.authtoken.models import Token

    from zhaoshang.registry.services import import_enterprises

    project = make_project()
    token = Token.objects.create(user=cast.owner).key
    path = _firms_csv(tmp_path / "firms.csv", 20_000)
    importing = threading.Thread(
        target=lambda: import_enterprises(cast.officer, path, cast.bureau), daemon=True
    )

    def write(i):
        body = json.dumps(
            {"project": project.pk, "date": "2026-03-06", "way": "call", "content": f"并发跟进{i}"}
        ).encode()
        request = urllib.request.Request(
            f"{live_server.url}/api/followups/",
            data=body,
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    importing.start()
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(write, range(100)))
    importing.join(timeout=600)
    assert statuses.count(201) == 100, sorted(set(statuses))
    assert project.followups.count() == 100
