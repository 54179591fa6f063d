"""A BRIN index on the records' day (PostgreSQL only): the aggregate refresh reads the
touched months through it (see hotline/stats.py and docs/hotline.md, "Aggregates at
scale"). Records arrive roughly in time order, so each 128-page block range covers a few
days; the index is a few hundred kB at 20M records and costs an import almost nothing."""

from django.db import migrations

INDEX = "hotline_rec_day_brin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON hotline_hotlinerecord "
            "USING brin (received_day)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("hotline", "0005_chinese_field_names")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
