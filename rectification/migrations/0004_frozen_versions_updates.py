"""Published commitments and progress are frozen in the database too (issue 13), on
PostgreSQL.

A BEFORE UPDATE OR DELETE trigger refuses any change to a `rectification_planversion` row
(every version is a published commitment; a change is a new version, plan_publish) and to a
`rectification_progressupdate` row whose stored state is 'published'. What the process does
passes: a pending update is published (pending → published, with its reviewer and times) or
returned; nothing is written to a published update afterwards. The one other change allowed
is ON DELETE SET NULL of a deleted account (the author, reviewer or publisher column becomes
NULL, every other column stays as it is), so an admin can still delete an account in
/admin/. Deleting a campaign, batch or key issue whose plan has versions or published updates
is refused too (the cascade reaches the trigger; docs/operations.md). SQLite gets no
trigger: the model guard and FrozenQuerySet (core/frozen.py) and the read-only admin hold
there."""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION rectification_version_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND to_jsonb(NEW) - 'published_by_id' = to_jsonb(OLD) - 'published_by_id'
       AND (NEW.published_by_id IS NULL
            OR NEW.published_by_id IS NOT DISTINCT FROM OLD.published_by_id) THEN
        RETURN NEW;  -- ON DELETE SET NULL of the publisher's account
    END IF;
    RAISE EXCEPTION 'plan version % is a published commitment and frozen', OLD.id
        USING ERRCODE = 'integrity_constraint_violation',
              HINT = '已公开的整改承诺版本不能修改或删除；如需调整，请重新提交并公开新版本。';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rectification_update_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.state = 'published' THEN
        IF TG_OP = 'UPDATE'
           AND to_jsonb(NEW) - 'author_id' - 'reviewed_by_id'
               = to_jsonb(OLD) - 'author_id' - 'reviewed_by_id'
           AND (NEW.author_id IS NULL OR NEW.author_id IS NOT DISTINCT FROM OLD.author_id)
           AND (NEW.reviewed_by_id IS NULL
                OR NEW.reviewed_by_id IS NOT DISTINCT FROM OLD.reviewed_by_id) THEN
            RETURN NEW;  -- ON DELETE SET NULL of the author's or reviewer's account
        END IF;
        RAISE EXCEPTION 'progress update % is published and frozen', OLD.id
            USING ERRCODE = 'integrity_constraint_violation',
                  HINT = '已公开的整改进展不能修改或删除。';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER rectification_planversion_frozen
    BEFORE UPDATE OR DELETE ON rectification_planversion
    FOR EACH ROW EXECUTE FUNCTION rectification_version_frozen();
CREATE TRIGGER rectification_progressupdate_frozen
    BEFORE UPDATE OR DELETE ON rectification_progressupdate
    FOR EACH ROW EXECUTE FUNCTION rectification_update_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS rectification_progressupdate_frozen ON rectification_progressupdate;
DROP TRIGGER IF EXISTS rectification_planversion_frozen ON rectification_planversion;
DROP FUNCTION IF EXISTS rectification_update_frozen();
DROP FUNCTION IF EXISTS rectification_version_frozen();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("rectification", "0003_measure_withdrawal")]

    operations = [
        migrations.RunPython(_on_postgresql(FUNCTIONS), _on_postgresql(DROP), elidable=False),
    ]
