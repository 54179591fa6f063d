"""Suggestion answers (办理答复) are append-only in the database too, on PostgreSQL.

A BEFORE UPDATE OR DELETE trigger refuses any change to an `issues_suggestionanswer` row:
a correction is a new version (services.suggestion_answer). The one change allowed is ON
DELETE SET NULL of a deleted account (answered_by becomes NULL, every other column stays),
so an admin can still delete an account. Deleting a campaign or suggestion that has answers
is refused too (the cascade reaches the trigger; docs/operations.md). SQLite gets no trigger:
the model guard and FrozenQuerySet (core/frozen.py) hold there."""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION issues_answer_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND to_jsonb(NEW) - 'answered_by_id' = to_jsonb(OLD) - 'answered_by_id'
       AND NEW.answered_by_id IS NULL THEN
        RETURN NEW;  -- ON DELETE SET NULL of the answering account
    END IF;
    RAISE EXCEPTION 'suggestion answer % was sent and is frozen', OLD.id
        USING ERRCODE = 'integrity_constraint_violation',
              HINT = '已发出的答复不能修改或删除；如需更正，请提交更正答复并说明理由。';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER issues_suggestionanswer_frozen
    BEFORE UPDATE OR DELETE ON issues_suggestionanswer
    FOR EACH ROW EXECUTE FUNCTION issues_answer_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS issues_suggestionanswer_frozen ON issues_suggestionanswer;
DROP FUNCTION IF EXISTS issues_answer_frozen();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("issues", "0005_suggestion_answer")]

    operations = [
        migrations.RunPython(_on_postgresql(FUNCTIONS), _on_postgresql(DROP), elidable=False),
    ]
