"""The audit log by field labels and local times, the favicon served locally, `demo --no-serve` prints no URL,
and `zhaoshang worker` exists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_audit_log_shows_field_labels_and_local_times(cast, client_for):
    import time_machine

    from zhaoshang.pipeline import services

    with time_machine.travel(dt.datetime(2026, 12, 4, 1, 30, tzinfo=dt.UTC), tick=False):
        project = services.create_project(
            cast.admin, name="审计测试项目", organisation=cast.park, investor_name="审计测试有限公司"
        )
        services.update_project(cast.admin, project, expected_jobs=120)
    page = client_for(cast.admin).get(reverse("web:audit"), {"model": "pipeline.project"}).content.decode()
    assert "预计就业" in page and "<code>expected_jobs</code>" not in page
    assert "2026-12-04 09:30:00" in page  # Asia/Shanghai, not 01:30 UTC
    assert "招商项目" in page  # the object type by its name


def test_the_favicon_is_served_locally(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert client.get(response["Location"]).status_code == 200


def test_demo_without_serving_prints_no_url(monkeypatch, capsys, db):
    monkeypatch.setattr("zhaoshang.core.management.commands.demo.build_demo", lambda progress: None)
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "http://" not in out and "URL" not in out
    assert "zhaoshang-demo" in out


def test_the_worker_command_is_documented_in_its_help():
    from zhaoshang.notifications.management.commands.worker import Command

    assert "ZHAOSHANG_TASK_QUEUE" in Command.help


def test_the_background_consumer_starts_and_stops_cleanly(tmp_path):
    import signal

    from huey import SqliteHuey

    from zhaoshang.notifications.worker import BackgroundConsumer

    huey = SqliteHuey("t", filename=str(tmp_path / "q.sqlite3"))
    before = signal.getsignal(signal.SIGINT)
    worker = BackgroundConsumer(huey, workers=1).start()
    assert signal.getsignal(signal.SIGINT) is before  # Ctrl+C still reaches the web server
    worker.stop()
    assert not any(t.is_alive() for _, t in worker.consumer.worker_threads)


@pytest.mark.parametrize("name", ["pipeline:detail", "pipeline:followup_done", "registry:import_detail"])
def test_a_link_made_once_per_list_is_the_reversed_url(name):
    from zhaoshang.web.links import link_maker

    make = link_maker(name)
    assert [make(pk) for pk in (1, 42, 918273)] == [reverse(name, args=[pk]) for pk in (1, 42, 918273)]
