import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from zhaoshang.env import database_config, env_bool, env_choice, env_int, env_list


def test_it_reads_booleans_and_fails_loudly_on_anything_else():
    assert env_bool("X", False, environ={"X": "yes"}) is True
    assert env_bool("X", True, environ={"X": "0"}) is False
    with pytest.raises(ImproperlyConfigured, match="X='maybe' is not a boolean"):
        env_bool("X", False, environ={"X": "maybe"})


def test_it_rejects_a_non_integer_and_a_too_small_integer():
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("N", 1, environ={"N": "five"})
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("N", 1, minimum=1, environ={"N": "0"})
    assert env_int("N", 1, environ={}) == 1


def test_it_rejects_empty_list_items_and_unknown_choices():
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        env_list("L", [], environ={"L": "a,,b"})
    with pytest.raises(ImproperlyConfigured, match="must be one of"):
        env_choice("E", "development", ("development", "production"), environ={"E": "prod"})


def test_database_url_selects_sqlite_or_postgres_and_rejects_other_schemes(tmp_path):
    assert database_config("", default_sqlite_path=str(tmp_path / "x.sqlite3"))["ENGINE"].endswith("sqlite3")
    sqlite = database_config(f"sqlite:///{tmp_path}/db.sqlite3", default_sqlite_path="unused")
    assert sqlite["NAME"] == f"{tmp_path}/db.sqlite3"
    pg = database_config("postgres://user@db.example:5432/zhaoshang", default_sqlite_path="unused")
    assert (
        pg["ENGINE"] == "django.db.backends.postgresql" and pg["NAME"] == "zhaoshang" and pg["PORT"] == 5432
    )
    with pytest.raises(ImproperlyConfigured, match="scheme 'mysql' is not supported"):
        database_config("mysql://root@localhost/x", default_sqlite_path="unused")
    with pytest.raises(ImproperlyConfigured, match="needs a database name"):
        database_config("postgres://user@localhost:5432", default_sqlite_path="unused")


def _run_zhaoshang(args, env_extra, tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZHAOSHANG_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    env.update({"ZHAOSHANG_VAR_DIR": str(tmp_path), **env_extra})
    return subprocess.run(
        [sys.executable, "-m", "zhaoshang", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_settings_refuse_to_start_with_a_bad_value(tmp_path):
    result = _run_zhaoshang(["check"], {"ZHAOSHANG_DEBUG": "perhaps"}, tmp_path)
    assert result.returncode != 0
    assert "ZHAOSHANG_DEBUG='perhaps' is not a boolean" in result.stderr


def test_production_requires_a_secret_key(tmp_path):
    result = _run_zhaoshang(
        ["check"], {"ZHAOSHANG_ENV": "production", "ZHAOSHANG_ALLOWED_HOSTS": "zs.example"}, tmp_path
    )
    assert result.returncode != 0
    assert "ZHAOSHANG_SECRET_KEY is required" in result.stderr


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    result = _run_zhaoshang(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "ZHAOSHANG_ENV": "production",
            "ZHAOSHANG_SECRET_KEY": "k" * 10 + "Z8x!q2Lm#pR4tY7uW0eS3dF6gH9jK1lN5bV8cX2zA4sD6fG",
            "ZHAOSHANG_ALLOWED_HOSTS": "zs.example.gov.cn",
            "DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite3",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_exchange_rates_must_each_be_code_equals_rate(tmp_path):
    from zhaoshang.env import env_rates

    assert env_rates("FX", environ={"FX": "usd=7.1, HKD=0.91"}) == {"USD": 7.1, "HKD": 0.91}
    result = _run_zhaoshang(["check"], {"ZHAOSHANG_FX": "USD=seven"}, tmp_path)
    assert result.returncode != 0
    assert "ZHAOSHANG_FX: 'USD=seven' is not CODE=rate" in result.stderr


def test_a_pipeline_settings_file_sets_the_stage_list_and_refuses_unknown_keys(tmp_path):
    good = tmp_path / "pipeline.yaml"
    good.write_text(
        "stages:\n"
        "  - {code: lead, name_zh: 线索, name_en: Lead, order: 10, max_quiet_days: 20, points: 1}\n"
        "  - {code: signed, name_zh: 签约, name_en: Signed, order: 20, max_quiet_days: 30, points: 9,\n"
        "     requirements: {signed_date: 签约日期}}\n"
        "callback_working_days: 5\n",
        encoding="utf-8",
    )
    script = (
        "import django; django.setup(); from zhaoshang.pipeline import config; "
        "print(config.stage_choices(), config.callback_days())"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZHAOSHANG_", "DATABASE_URL"))}
    env.update(
        {
            "ZHAOSHANG_VAR_DIR": str(tmp_path),
            "ZHAOSHANG_PIPELINE_CONFIG": str(good),
            "DJANGO_SETTINGS_MODULE": "zhaoshang.settings",
        }
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert shown.returncode == 0, shown.stderr
    assert (
        "('signed', '签约')" in shown.stdout
        and "('contact'" not in shown.stdout
        and shown.stdout.strip().endswith("5")
    )

    bad = tmp_path / "bad.yaml"
    bad.write_text("stagez: []\n", encoding="utf-8")
    result = _run_zhaoshang(["check"], {"ZHAOSHANG_PIPELINE_CONFIG": str(bad)}, tmp_path)
    assert result.returncode != 0 and "unknown key 'stagez'" in result.stderr
    result = _run_zhaoshang(["check"], {"ZHAOSHANG_PIPELINE_CONFIG": str(tmp_path / "none.yaml")}, tmp_path)
    assert result.returncode != 0 and "cannot read" in result.stderr


def test_a_stage_list_requiring_a_field_projects_do_not_have_stops_the_check(tmp_path):
    bad = tmp_path / "pipeline.yaml"
    bad.write_text(
        "stages:\n  - {code: lead, name_zh: 线索, name_en: Lead, order: 10, requirements: {shoe_size: 鞋码}}\n",
        encoding="utf-8",
    )
    result = _run_zhaoshang(["check"], {"ZHAOSHANG_PIPELINE_CONFIG": str(bad)}, tmp_path)
    assert result.returncode != 0
    assert "pipeline.E001" in result.stderr and "shoe_size" in result.stderr


def test_ranking_points_for_a_stage_that_does_not_exist_stop_the_check(tmp_path):
    bad = tmp_path / "pipeline.yaml"
    bad.write_text("points: {signed: 9, shaking_hands: 3}\n", encoding="utf-8")
    result = _run_zhaoshang(["check"], {"ZHAOSHANG_PIPELINE_CONFIG": str(bad)}, tmp_path)
    assert result.returncode != 0
    assert "pipeline.E002" in result.stderr and "shaking_hands" in result.stderr
