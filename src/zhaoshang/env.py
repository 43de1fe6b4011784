"""Typed readers for settings taken from environment variables.

Each helper fails loudly with ImproperlyConfigured on a value it cannot read, so a
typo in a deployment never turns silently into a default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    return (os.environ if environ is None else environ).get(name)


def env_str(name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
        return default
    return value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"Environment variable {name}={value!r} is not a boolean (use 1/0, true/false)."
    )


def env_int(
    name: str, default: int, *, minimum: int | None = None, environ: Mapping[str, str] | None = None
) -> int:
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"Environment variable {name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"Environment variable {name}={number} must be at least {minimum}.")
    return number


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} has an empty item in its comma list."
        )
    return items


def env_choice(
    name: str, default: str, choices: tuple[str, ...], *, environ: Mapping[str, str] | None = None
) -> str:
    value = _raw(name, environ)
    if value is None:
        return default
    if value not in choices:
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} must be one of {', '.join(choices)}."
        )
    return value


def env_tile_url(name: str, *, environ: Mapping[str, str] | None = None) -> str:
    """An XYZ map-tile URL template (``http(s)://host/…/{z}/{x}/{y}.png``), or "" when unset or empty."""
    from urllib.parse import urlsplit

    value = (_raw(name, environ) or "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(key not in value for key in ("{z}", "{x}", "{y}"))
    ):
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} must be an http(s) URL with {{z}}, {{x}} and {{y}}, "
            "e.g. http://tiles.intranet/{z}/{x}/{y}.png."
        )
    return value


def env_rates(name: str, *, environ: Mapping[str, str] | None = None) -> dict[str, float]:
    """``USD=7.1,HKD=0.91`` → {"USD": 7.1, "HKD": 0.91}; every item must be CODE=positive number."""
    rates: dict[str, float] = {}
    for item in env_list(name, [], environ=environ):
        code, sep, rate = item.partition("=")
        try:
            value = float(rate) if sep else -1.0
        except ValueError:
            value = -1.0
        if not code.strip().isalpha() or value <= 0:
            raise ImproperlyConfigured(
                f"Environment variable {name}: {item!r} is not CODE=rate (e.g. USD=7.1)."
            )
        rates[code.strip().upper()] = value
    return rates


def env_settings_file(
    name: str, allowed: Mapping[str, type], *, environ: Mapping[str, str] | None = None
) -> dict[str, object]:
    """A YAML file named by the variable, holding only the keys in ``allowed`` with values of their types."""
    path = _raw(name, environ)
    if not path:
        return {}
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
    except OSError as exc:
        raise ImproperlyConfigured(
            f"Environment variable {name}: cannot read {path}: {exc.strerror}."
        ) from None
    except yaml.YAMLError as exc:
        raise ImproperlyConfigured(f"Environment variable {name}: {path} is not valid YAML: {exc}.") from None
    if not isinstance(data, dict):
        raise ImproperlyConfigured(f"Environment variable {name}: {path} must hold a mapping of settings.")
    for key, value in data.items():
        if key not in allowed:
            raise ImproperlyConfigured(
                f"Environment variable {name}: {path} has an unknown key {key!r} (known: {', '.join(allowed)})."
            )
        if not isinstance(value, allowed[key]) or (isinstance(value, bool) and allowed[key] is not bool):
            raise ImproperlyConfigured(
                f"Environment variable {name}: {path} key {key!r} must be a {allowed[key].__name__}."
            )
    return data


#: SQLite as a server database: WAL (readers never wait for the writer); every transaction starts as a writer
#: (``BEGIN IMMEDIATE``), so that two transactions that both read then write wait for each other at their start
#: (the busy timeout applies) instead of one failing at once with "database is locked" when it tries to write.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 60,
}


def database_config(url: str | None, *, default_sqlite_path: str) -> dict:
    """DATABASE_URL → Django DATABASES['default']; SQLite under var/ when unset."""
    import dj_database_url

    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": default_sqlite_path,
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    scheme = url.split(":", 1)[0]
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {scheme!r} is not supported: use sqlite:///path or postgres://user@host:5432/name."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60)
    except Exception as exc:  # dj-database-url raises several types on malformed URLs
        raise ImproperlyConfigured(f"DATABASE_URL could not be parsed: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise ImproperlyConfigured("DATABASE_URL for SQLite needs a path: sqlite:///path/to/file.sqlite3")
        config["OPTIONS"] = dict(SQLITE_OPTIONS)
    elif not config.get("NAME"):
        raise ImproperlyConfigured(
            "DATABASE_URL for PostgreSQL needs a database name: postgres://user@host:5432/name"
        )
    return config
