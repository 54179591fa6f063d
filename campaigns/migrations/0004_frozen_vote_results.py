"""Published selection-vote results are frozen in the database too (issue 13), on PostgreSQL.

A BEFORE UPDATE OR DELETE trigger refuses any change to a `campaigns_votesession` row whose
stored state is 'published', and to a `campaigns_votecandidate` of such a session (or moving
a candidate into one). What the process does passes: open → closed (the count, with the
candidates' votes and outcomes) and closed → published (vote_publish, all closed rounds of the
batch at once); there is no correction of a published result. The users a session names are
PROTECT, so no ON DELETE SET NULL ever updates a published row. Deleting a campaign or batch
with published results is refused too (the cascade reaches the trigger; docs/operations.md).
SQLite gets no trigger: the model guard and FrozenQuerySet (core/frozen.py) and the read-only
admin hold there."""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION campaigns_session_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.state = 'published' THEN
        RAISE EXCEPTION 'vote session % is published and frozen', OLD.id
            USING ERRCODE = 'integrity_constraint_violation',
                  HINT = '已公布的票决结果不能修改或删除。';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION campaigns_candidate_frozen() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM campaigns_votesession
               WHERE id = OLD.session_id AND state = 'published')
       OR (TG_OP = 'UPDATE' AND NEW.session_id <> OLD.session_id AND EXISTS (
               SELECT 1 FROM campaigns_votesession
               WHERE id = NEW.session_id AND state = 'published')) THEN
        RAISE EXCEPTION 'vote candidate % belongs to a published, frozen vote session', OLD.id
            USING ERRCODE = 'integrity_constraint_violation',
                  HINT = '已公布的票决结果不能修改或删除。';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER campaigns_votesession_frozen
    BEFORE UPDATE OR DELETE ON campaigns_votesession
    FOR EACH ROW EXECUTE FUNCTION campaigns_session_frozen();
CREATE TRIGGER campaigns_votecandidate_frozen
    BEFORE UPDATE OR DELETE ON campaigns_votecandidate
    FOR EACH ROW EXECUTE FUNCTION campaigns_candidate_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS campaigns_votecandidate_frozen ON campaigns_votecandidate;
DROP TRIGGER IF EXISTS campaigns_votesession_frozen ON campaigns_votesession;
DROP FUNCTION IF EXISTS campaigns_candidate_frozen();
DROP FUNCTION IF EXISTS campaigns_session_frozen();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0003_stages_votes_statements")]

    operations = [
        migrations.RunPython(_on_postgresql(FUNCTIONS), _on_postgresql(DROP), elidable=False),
    ]
