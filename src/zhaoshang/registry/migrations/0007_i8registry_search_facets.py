"""SQLite: one full-text column that also finds two-character words and answers the region and status filters.

The trigram table of migrations 0003/0004 could not find a word of two characters (there is no trigram to look
up: 宏图 found nothing) and left the region and status filters to row reads, which made a common scope word with a
city and a status filter slow at 1,000,000 firms. The table is replaced by a contentless FTS5 table (trigram
tokenizer, no positions) over one computed column ``body``:

    name ␀ short name ␀ credit code ␀ scope ␀ [region facet] [status facet] [merged facet]

* ``␀`` is U+E000 (private use, never typed): no trigram spans two fields, and every field ends with it, so each
  two-character word ``XY`` of the text is the start of at least one indexed trigram ``XY?`` — the search finds
  those trigrams in the ``registry_enterprise_fts_vocab`` table (a range of terms) and asks for any of them.
* Region facet: U+E001 then the six digits of the region code, each written as a private-use character that
  encodes its position and value (U+E010 + 10 × position + digit). A province (43), a city (4302) or a county
  (430211) is then the AND of one to four trigrams that no text contains.
* Status facet: the status between two U+E002; merged facet: U+E003 three times when the firm was merged into
  another one.

A second, small table ``registry_enterprise_name_fts`` indexes the name and the short name alone, with the same
facets (``name_body_sql``): the relevance order (exact name, name prefix, brand inside the name) reads the few
firms whose name matches instead of every firm whose scope does.

A contentless table has no ``rebuild``: the triggers and the large-import path give the same computed values
(``zhaoshang.registry.search.fts_body_sql``). PostgreSQL is not concerned.
"""

from django.db import migrations

SEPARATOR = 0xE000
REGION_MARK = 0xE001
STATUS_MARK = 0xE002
MERGED_MARK = 0xE003
DIGIT_BASE = 0xE010


def _facets_sql(row: str) -> str:
    digits = ", ".join(f"{DIGIT_BASE + 10 * i} + substr({row}.region_code, {i + 1}, 1)" for i in range(6))
    return (
        f"CASE WHEN {row}.region_code GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]'"
        f" THEN char({REGION_MARK}, {digits}) ELSE '' END"
        f" || char({STATUS_MARK}) || {row}.status || char({STATUS_MARK})"
        f" || CASE WHEN {row}.merged_into_id IS NULL THEN '' ELSE char({MERGED_MARK}, {MERGED_MARK}, {MERGED_MARK}) END"
    )


def body_sql(row: str) -> str:
    """The SQL expression of the indexed text of the row alias ``row`` (``new``, ``old`` or a table name)."""
    sep = f"char({SEPARATOR})"
    return (
        f"{row}.name || {sep} || {row}.short_name || {sep} || coalesce({row}.uscc, '') || {sep} || {row}.scope || {sep}"
        f" || {_facets_sql(row)}"
    )


def name_body_sql(row: str) -> str:
    """The indexed text of the name table: name, short name and the same facets."""
    sep = f"char({SEPARATOR})"
    return f"{row}.name || {sep} || {row}.short_name || {sep} || {_facets_sql(row)}"


WATCHED = "name, short_name, uscc, scope, region_code, status, merged_into_id"
TRIGGERS = ("registry_enterprise_fts_au", "registry_enterprise_fts_ad", "registry_enterprise_fts_ai")

SQLITE_FORWARD = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    "DROP TABLE IF EXISTS registry_enterprise_fts",
    """CREATE VIRTUAL TABLE registry_enterprise_fts USING fts5(
        body, content='', tokenize='trigram', detail=none, columnsize=0)""",
    "CREATE VIRTUAL TABLE registry_enterprise_fts_vocab USING fts5vocab(registry_enterprise_fts, 'row')",
    """CREATE VIRTUAL TABLE registry_enterprise_name_fts USING fts5(
        body, content='', tokenize='trigram', detail=none, columnsize=0)""",
    f"""CREATE TRIGGER registry_enterprise_fts_ai AFTER INSERT ON registry_enterprise BEGIN
        INSERT INTO registry_enterprise_fts(rowid, body) VALUES (new.id, {body_sql("new")});
        INSERT INTO registry_enterprise_name_fts(rowid, body) VALUES (new.id, {name_body_sql("new")});
    END""",
    f"""CREATE TRIGGER registry_enterprise_fts_ad AFTER DELETE ON registry_enterprise BEGIN
        INSERT INTO registry_enterprise_fts(registry_enterprise_fts, rowid, body)
        VALUES ('delete', old.id, {body_sql("old")});
        INSERT INTO registry_enterprise_name_fts(registry_enterprise_name_fts, rowid, body)
        VALUES ('delete', old.id, {name_body_sql("old")});
    END""",
    f"""CREATE TRIGGER registry_enterprise_fts_au AFTER UPDATE OF {WATCHED} ON registry_enterprise BEGIN
        INSERT INTO registry_enterprise_fts(registry_enterprise_fts, rowid, body)
        VALUES ('delete', old.id, {body_sql("old")});
        INSERT INTO registry_enterprise_fts(rowid, body) VALUES (new.id, {body_sql("new")});
        INSERT INTO registry_enterprise_name_fts(registry_enterprise_name_fts, rowid, body)
        VALUES ('delete', old.id, {name_body_sql("old")});
        INSERT INTO registry_enterprise_name_fts(rowid, body) VALUES (new.id, {name_body_sql("new")});
    END""",
    f"""INSERT INTO registry_enterprise_fts(rowid, body)
        SELECT id, {body_sql("registry_enterprise")} FROM registry_enterprise""",
    f"""INSERT INTO registry_enterprise_name_fts(rowid, body)
        SELECT id, {name_body_sql("registry_enterprise")} FROM registry_enterprise""",
]


def _backward_statements():
    from importlib import import_module

    previous = import_module("zhaoshang.registry.migrations.0004_search_index_without_positions")
    drop = [
        "DROP TABLE IF EXISTS registry_enterprise_fts_vocab",
        "DROP TABLE IF EXISTS registry_enterprise_name_fts",
    ]
    return [*drop, *previous.SQLITE_FORWARD]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _backward_statements():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_drop_duplicate_name_prefix_index")]

    operations = [migrations.RunPython(forward, backward)]
