"""Published score sheets are frozen in the database too (issue 13), on PostgreSQL.

A BEFORE UPDATE OR DELETE trigger refuses any change to a `scoring_scoresheet` row whose
stored `published_at` is set, and to a `scoring_scorerow` of such a sheet (or moving a row
into one). It allows the one legitimate transition: a draft sheet getting `published_at`. Corrections
add a new version; they never update a published one. A campaign with score sheets cannot be
deleted anyway (ScoreRow.evaluated is PROTECT). SQLite gets no trigger: the model guard
(core/frozen.py) and the read-only admin hold there."""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION scoring_sheet_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.published_at IS NOT NULL THEN
        RAISE EXCEPTION 'score sheet % (version %) is published and frozen', OLD.id, OLD.version
            USING ERRCODE = 'integrity_constraint_violation',
                  HINT = '已公布的成绩表不能修改或删除；如需更正，请计算并公布新版本。';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION scoring_row_frozen() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM scoring_scoresheet
               WHERE id = OLD.sheet_id AND published_at IS NOT NULL)
       OR (TG_OP = 'UPDATE' AND NEW.sheet_id <> OLD.sheet_id AND EXISTS (
               SELECT 1 FROM scoring_scoresheet
               WHERE id = NEW.sheet_id AND published_at IS NOT NULL)) THEN
        RAISE EXCEPTION 'score row % belongs to a published, frozen score sheet', OLD.id
            USING ERRCODE = 'integrity_constraint_violation',
                  HINT = '已公布的成绩表不能修改或删除；如需更正，请计算并公布新版本。';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER scoring_scoresheet_frozen
    BEFORE UPDATE OR DELETE ON scoring_scoresheet
    FOR EACH ROW EXECUTE FUNCTION scoring_sheet_frozen();
CREATE TRIGGER scoring_scorerow_frozen
    BEFORE UPDATE OR DELETE ON scoring_scorerow
    FOR EACH ROW EXECUTE FUNCTION scoring_row_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS scoring_scorerow_frozen ON scoring_scorerow;
DROP TRIGGER IF EXISTS scoring_scoresheet_frozen ON scoring_scoresheet;
DROP FUNCTION IF EXISTS scoring_row_frozen();
DROP FUNCTION IF EXISTS scoring_sheet_frozen();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]

    operations = [
        migrations.RunPython(_on_postgresql(FUNCTIONS), _on_postgresql(DROP), elidable=False),
    ]
