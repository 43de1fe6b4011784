"""The SQLite full-text table without token positions (``detail=none``) and without per-row column sizes.

The trigram index with positions (migration 0003) cost more to fill than everything else an import does; without
them it is about half the size and twice as fast to build. A phrase can no longer be matched inside the index, so
the search looks up every trigram of a term (a row must have all of them) and then checks that the term itself
occurs (``zhaoshang.registry.search``). PostgreSQL is not concerned.
"""

from django.db import migrations

FTS_COLUMNS = "name, short_name, uscc, scope"
_NEW = ", ".join(f"new.{c.strip()}" for c in FTS_COLUMNS.split(","))
_OLD = ", ".join(f"old.{c.strip()}" for c in FTS_COLUMNS.split(","))
_TRIGGERS = ("registry_enterprise_fts_au", "registry_enterprise_fts_ad", "registry_enterprise_fts_ai")


def _table(options: str) -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name in _TRIGGERS),
        "DROP TABLE IF EXISTS registry_enterprise_fts",
        f"""CREATE VIRTUAL TABLE registry_enterprise_fts USING fts5(
            {FTS_COLUMNS}, content='registry_enterprise', content_rowid='id', tokenize='trigram'{options})""",
        f"""CREATE TRIGGER registry_enterprise_fts_ai AFTER INSERT ON registry_enterprise BEGIN
            INSERT INTO registry_enterprise_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {_NEW});
        END""",
        f"""CREATE TRIGGER registry_enterprise_fts_ad AFTER DELETE ON registry_enterprise BEGIN
            INSERT INTO registry_enterprise_fts(registry_enterprise_fts, rowid, {FTS_COLUMNS})
            VALUES ('delete', old.id, {_OLD});
        END""",
        f"""CREATE TRIGGER registry_enterprise_fts_au AFTER UPDATE OF {FTS_COLUMNS} ON registry_enterprise BEGIN
            INSERT INTO registry_enterprise_fts(registry_enterprise_fts, rowid, {FTS_COLUMNS})
            VALUES ('delete', old.id, {_OLD});
            INSERT INTO registry_enterprise_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {_NEW});
        END""",
        "INSERT INTO registry_enterprise_fts(registry_enterprise_fts) VALUES ('rebuild')",
    ]


SQLITE_FORWARD = _table(", detail=none, columnsize=0")
SQLITE_BACKWARD = _table("")


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_search")]

    operations = [migrations.RunPython(_run(SQLITE_FORWARD), _run(SQLITE_BACKWARD))]
