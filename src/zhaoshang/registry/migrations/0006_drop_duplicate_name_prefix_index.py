"""PostgreSQL: drop ``registry_ent_name_prefix`` (migration 0003), the same index as Django's own
``registry_enterprise_name_…_like`` (``name varchar_pattern_ops``): it only made every import pay twice.
SQLite is not concerned (migration 0003 created it on PostgreSQL only)."""

from django.db import migrations

FORWARD = "DROP INDEX IF EXISTS registry_ent_name_prefix"
BACKWARD = (
    "CREATE INDEX IF NOT EXISTS registry_ent_name_prefix ON registry_enterprise (name varchar_pattern_ops)"
)


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_import_heartbeat")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
