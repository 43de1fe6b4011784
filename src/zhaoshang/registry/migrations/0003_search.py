"""Full-text search over name, short name, credit code and business scope that works for Chinese.

SQLite: an FTS5 table with the trigram tokenizer (every 3-character window is a token, so any substring of 3 or
more characters is found, whatever the language), an external-content table over registry_enterprise kept in
sync by triggers. PostgreSQL: pg_trgm GIN indexes (ILIKE '%…%' uses them) and a pattern index for prefixes.
Other databases get nothing; the search service then falls back to prefix matching.
"""

from django.db import migrations

FTS_COLUMNS = "name, short_name, uscc, scope"
_NEW = ", ".join(f"new.{c.strip()}" for c in FTS_COLUMNS.split(","))
_OLD = ", ".join(f"old.{c.strip()}" for c in FTS_COLUMNS.split(","))

SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE registry_enterprise_fts USING fts5(
        {FTS_COLUMNS}, content='registry_enterprise', content_rowid='id', tokenize='trigram')""",
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
    # rows that existed before this migration
    "INSERT INTO registry_enterprise_fts(registry_enterprise_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS registry_enterprise_fts_au",
    "DROP TRIGGER IF EXISTS registry_enterprise_fts_ad",
    "DROP TRIGGER IF EXISTS registry_enterprise_fts_ai",
    "DROP TABLE IF EXISTS registry_enterprise_fts",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registry_ent_name_trgm ON registry_enterprise USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registry_ent_short_trgm ON registry_enterprise USING gin (short_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registry_ent_scope_trgm ON registry_enterprise USING gin (scope gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registry_ent_uscc_trgm ON registry_enterprise USING gin (uscc gin_trgm_ops)",
    # LIKE 'prefix%' under a non-C collation needs the pattern operator class
    "CREATE INDEX IF NOT EXISTS registry_ent_name_prefix ON registry_enterprise (name varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS registry_ent_short_prefix ON registry_enterprise (short_name varchar_pattern_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS registry_ent_short_prefix",
    "DROP INDEX IF EXISTS registry_ent_name_prefix",
    "DROP INDEX IF EXISTS registry_ent_uscc_trgm",
    "DROP INDEX IF EXISTS registry_ent_scope_trgm",
    "DROP INDEX IF EXISTS registry_ent_short_trgm",
    "DROP INDEX IF EXISTS registry_ent_name_trgm",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_duplicates_indexes")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
