"""SQLite: a city-and-status facet in both full-text tables, and their segments merged.

The commonest list search — a scope word with a city and a status (软件开发 + 株洲 + 存续) — asked the index of
migration 0007 for the word's trigrams AND the city's digit trigrams AND the status's trigrams. Each status
trigram is in most firms (存续: 625,000 of 1,000,000), and FTS5 reads every posting of every trigram it ANDs,
so the status alone was about half the work. This migration adds, after the facets of 0007 (all kept: a
province, a county, a status alone still use them), one more facet per firm:

    C C status C C

where ``C`` is the firm's city (the first four digits of its region code) written as one private-use character,
U+F0000 + the four digits as a number (U+F0000–U+F270F, plane 15, never typed). Every trigram of it contains the
city, so each is in the firms of one city with that status only (about 58,000 of 1,000,000 for 株洲 + 存续): a city
and a status are the AND of the trigrams of ``C C status C C`` (:func:`zhaoshang.registry.search._city_status_tokens`),
which read a tenth of the postings. A firm without a six-digit region code gets no such facet.

Both tables are filled again (contentless FTS5 has no ``rebuild``) and then merged into one segment
(``optimize``): a lookup reads every segment, and an index filled batch by batch has many. The import merges
them again at its end (:func:`zhaoshang.registry.bulk_db.merge_full_text_segments`). PostgreSQL is not concerned.
"""

from importlib import import_module

from django.db import migrations

_previous = import_module("zhaoshang.registry.migrations.0007_i8registry_search_facets")

SEPARATOR = _previous.SEPARATOR
REGION_MARK = _previous.REGION_MARK
STATUS_MARK = _previous.STATUS_MARK
MERGED_MARK = _previous.MERGED_MARK
DIGIT_BASE = _previous.DIGIT_BASE
#: The city character of the city-and-status facet: CITY_BASE + the first four digits of the region code.
CITY_BASE = 0xF0000


def _city_status_sql(row: str) -> str:
    city = f"char({CITY_BASE} + CAST(substr({row}.region_code, 1, 4) AS INTEGER))"
    return (
        f"CASE WHEN {row}.region_code GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]'"
        f" THEN {city} || {city} || {row}.status || {city} || {city} ELSE '' END"
    )


def body_sql(row: str) -> str:
    """The SQL expression of the indexed text of the row alias ``row`` (``new``, ``old`` or a table name)."""
    return f"{_previous.body_sql(row)} || {_city_status_sql(row)}"


def name_body_sql(row: str) -> str:
    """The indexed text of the name table: name, short name and the same facets."""
    return f"{_previous.name_body_sql(row)} || {_city_status_sql(row)}"


def _statements(body, name_body) -> list[str]:
    watched = _previous.WATCHED
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name in _previous.TRIGGERS),
        "INSERT INTO registry_enterprise_fts(registry_enterprise_fts) VALUES ('delete-all')",
        "INSERT INTO registry_enterprise_name_fts(registry_enterprise_name_fts) VALUES ('delete-all')",
        f"""CREATE TRIGGER registry_enterprise_fts_ai AFTER INSERT ON registry_enterprise BEGIN
            INSERT INTO registry_enterprise_fts(rowid, body) VALUES (new.id, {body("new")});
            INSERT INTO registry_enterprise_name_fts(rowid, body) VALUES (new.id, {name_body("new")});
        END""",
        f"""CREATE TRIGGER registry_enterprise_fts_ad AFTER DELETE ON registry_enterprise BEGIN
            INSERT INTO registry_enterprise_fts(registry_enterprise_fts, rowid, body)
            VALUES ('delete', old.id, {body("old")});
            INSERT INTO registry_enterprise_name_fts(registry_enterprise_name_fts, rowid, body)
            VALUES ('delete', old.id, {name_body("old")});
        END""",
        f"""CREATE TRIGGER registry_enterprise_fts_au AFTER UPDATE OF {watched} ON registry_enterprise BEGIN
            INSERT INTO registry_enterprise_fts(registry_enterprise_fts, rowid, body)
            VALUES ('delete', old.id, {body("old")});
            INSERT INTO registry_enterprise_fts(rowid, body) VALUES (new.id, {body("new")});
            INSERT INTO registry_enterprise_name_fts(registry_enterprise_name_fts, rowid, body)
            VALUES ('delete', old.id, {name_body("old")});
            INSERT INTO registry_enterprise_name_fts(rowid, body) VALUES (new.id, {name_body("new")});
        END""",
        f"""INSERT INTO registry_enterprise_fts(rowid, body)
            SELECT id, {body("registry_enterprise")} FROM registry_enterprise""",
        f"""INSERT INTO registry_enterprise_name_fts(rowid, body)
            SELECT id, {name_body("registry_enterprise")} FROM registry_enterprise""",
        "INSERT INTO registry_enterprise_fts(registry_enterprise_fts) VALUES ('optimize')",
        "INSERT INTO registry_enterprise_name_fts(registry_enterprise_name_fts) VALUES ('optimize')",
    ]


SQLITE_FORWARD = _statements(body_sql, name_body_sql)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _statements(_previous.body_sql, _previous.name_body_sql):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_merge_above_scale_and_version")]

    operations = [migrations.RunPython(forward, backward)]
