"""Recompute time and query count of a campaign's score sheet.

    python bench/scoring.py [--scale 1.0]

Builds, in a throwaway test database (SQLite by default, DATABASE_URL for PostgreSQL), one
campaign of 20 departments in 2 batches with 60 committee ballots per batch session, 50,000
public ballots and 5,000 survey responses (each rating every department of its batch), then
times sheet_recompute() twice: at a tenth of the volume and at the full volume. The number
of queries must be the same both times: every input is aggregated in the database.

Hotline: 2,000,000 12345 records (2020 and 2021, spread over the 20 departments) are
bulk-inserted and aggregated by the hotline app's own stats_refresh(), as an import leaves
them; the recompute reads the aggregates, never the records.
Bench data are bulk-inserted, not sent through the services (that would time the services).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

DEPARTMENTS, BATCHES, MEMBERS = 20, 2, 60
PUBLIC_BALLOTS, SURVEY_RESPONSES, HOTLINE_RECORDS = 50_000, 5_000, 2_000_000
RATINGS = ["satisfied", "basic", "dissatisfied"]
GROUPS = ["city_deputy", "district_deputy", "town_deputy", "public", "enterprise"]
CHUNK = 5_000


def build(scale_from: float, scale_to: float, ctx: dict) -> None:
    from scoring.models import (
        PublicBallot,
        PublicRating,
        PublicVote,
        SurveyRating,
        SurveyResponse,
    )

    rnd = ctx["random"]
    batches = ctx["batches"]
    for b, (batch, evaluated) in enumerate(batches):
        vote, _ = PublicVote.objects.get_or_create(batch=batch, campaign=batch.campaign)
        n_from = int(PUBLIC_BALLOTS / BATCHES * scale_from)
        n_to = int(PUBLIC_BALLOTS / BATCHES * scale_to)
        for start in range(n_from, n_to, CHUNK):
            ballots = [
                PublicBallot(id=uuid.uuid4(), vote=vote, seal=uuid.uuid4().hex)
                for _ in range(min(CHUNK, n_to - start))
            ]
            PublicBallot.objects.bulk_create(ballots)
            PublicRating.objects.bulk_create(
                [
                    PublicRating(ballot=ballot, evaluated=ev, rating=rnd.choice(RATINGS))
                    for ballot in ballots
                    for ev in evaluated
                ],
                batch_size=CHUNK,
            )
        survey = ctx["surveys"][b]
        n_from = int(SURVEY_RESPONSES / BATCHES * scale_from)
        n_to = int(SURVEY_RESPONSES / BATCHES * scale_to)
        responses = [
            SurveyResponse(survey=survey, group=rnd.choice(GROUPS)) for _ in range(n_from, n_to)
        ]
        SurveyResponse.objects.bulk_create(responses, batch_size=CHUNK)
        SurveyRating.objects.bulk_create(
            [
                SurveyRating(response=r, evaluated=ev, rating=rnd.choice(RATINGS))
                for r in responses
                for ev in evaluated
            ],
            batch_size=CHUNK,
        )


def build_hotline(scale_from: float, scale_to: float, ctx: dict) -> None:
    import datetime as dt

    from hotline.models import HotlineRecord, HotlineSource
    from hotline.stats import stats_refresh

    rnd = ctx["random"]
    source, _ = HotlineSource.objects.get_or_create(name="基准12345")
    departments = [ev.department_id for _, evaluated in ctx["batches"] for ev in evaluated]
    first_day, days = dt.date(2020, 1, 1), 731
    tz = dt.timezone(dt.timedelta(hours=8))
    n_from, n_to = int(HOTLINE_RECORDS * scale_from), int(HOTLINE_RECORDS * scale_to)
    cells: dict[int, set[dt.date]] = {}
    for start in range(n_from, n_to, 20_000):
        rows = []
        for n in range(start, min(start + 20_000, n_to)):
            day = first_day + dt.timedelta(days=rnd.randrange(days))
            dept = departments[n % len(departments)]
            cells.setdefault(dept, set()).add(day.replace(day=1))
            rows.append(
                HotlineRecord(
                    source=source, ticket_no=f"B{n:08d}", received_day=day,
                    received_at=dt.datetime(day.year, day.month, day.day, 10, tzinfo=tz),
                    department_id=dept, department_name="基准", category="城乡建设>物业管理",
                    satisfaction=rnd.choice((1, 1, 1, 2, 3, None)),
                )
            )  # fmt: skip
        HotlineRecord.objects.bulk_create(rows, batch_size=CHUNK)
    stats_refresh(cells=cells)


def setup(ctx: dict) -> None:
    from accounts.models import Role, User
    from campaigns.models import Batch, Campaign, EvaluatedDepartment
    from departments.models import Department, Organizer
    from scoring.models import (
        CommitteeBallot,
        CommitteeParticipation,
        CommitteeScore,
        CommitteeSession,
        ResearchScore,
        ScoringConfig,
        Survey,
    )

    rnd = ctx["random"]
    organizer = Organizer.objects.create(name="基准测试市人大常委会", level="city")
    campaign = Campaign.objects.create(
        organizer=organizer,
        year=2021,
        title="基准测试评议",
        slug="bench",
        evaluation_start=datetime.date(2021, 1, 1),
        evaluation_end=datetime.date(2021, 10, 31),
    )
    ScoringConfig.objects.create(campaign=campaign)  # the default weights of scoring.md
    staff = User.objects.create(username="bench-staff", role=Role.STAFF, organizer=organizer)
    members = User.objects.bulk_create(
        User(username=f"bench-member-{n}", role=Role.MEMBER, organizer=organizer)
        for n in range(MEMBERS)
    )
    ctx["batches"], ctx["surveys"] = [], []
    per_batch = DEPARTMENTS // BATCHES
    for b in range(BATCHES):
        batch = Batch.objects.create(campaign=campaign, number=b + 1, name=f"第{b + 1}批")
        evaluated = []
        for d in range(per_batch):
            n = b * per_batch + d
            dept = Department.objects.create(
                name=f"基准第{n}局", short_name=f"第{n}局", slug=f"bench-{n}"
            )
            ev = EvaluatedDepartment.objects.create(
                campaign=campaign, batch=batch, department=dept, position=d
            )
            ResearchScore.objects.create(
                evaluated=ev,
                score=rnd.randint(80, 99),
                justification="基准",
                entered_by=staff,
                entered_at=timezone.now(),
            )
            evaluated.append(ev)
        session = CommitteeSession.objects.create(
            batch=batch, opened_by=staff, opened_at=timezone.now(), closed_at=timezone.now()
        )
        for member in members:
            CommitteeParticipation.objects.create(
                session=session, member=member, submitted_at=timezone.now()
            )
            ballot = CommitteeBallot.objects.create(session=session)
            CommitteeScore.objects.bulk_create(
                CommitteeScore(ballot=ballot, evaluated=ev, score=rnd.randint(85, 100))
                for ev in evaluated
            )
        ctx["batches"].append((batch, evaluated))
        ctx["surveys"].append(Survey.objects.create(batch=batch, title="基准调查"))
    ctx["campaign"] = campaign


def measure(ctx: dict, label: str) -> tuple[int, float]:
    from hotline.models import HotlineRecord
    from scoring.models import PublicRating, SurveyRating
    from scoring.services.sheets import sheet_recompute

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        sheet = sheet_recompute(campaign=ctx["campaign"])
        elapsed = time.perf_counter() - started
    print(
        f"{label}: {PublicRating.objects.count():>9,} public ratings, "
        f"{SurveyRating.objects.count():>7,} survey ratings, "
        f"{HotlineRecord.objects.count():>9,} hotline records -> version {sheet.version}, "
        f"{len(queries)} queries, {elapsed * 1000:.0f} ms"
    )
    return len(queries), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the volumes")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":  # not the test suite's file: both may run at once
        connection.settings_dict["TEST"]["NAME"] = "/tmp/pingyi-bench-scoring.sqlite3"
    else:
        connection.settings_dict["TEST"]["NAME"] = f"{old_name}_bench_scoring"
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"database: {connection.vendor} ({test_db})")
    try:
        ctx = {"random": random.Random(args.seed)}
        setup(ctx)
        started = time.perf_counter()
        build(0, args.scale / 10, ctx)
        build_hotline(0, args.scale / 10, ctx)
        small = measure(ctx, "1/10 volume")
        build(args.scale / 10, args.scale, ctx)
        build_hotline(args.scale / 10, args.scale, ctx)
        print(f"(data built in {time.perf_counter() - started:.0f} s)")
        full = measure(ctx, "full volume")
        print(f"committee: {MEMBERS} ballots per batch session; every component present")
        verdict = "constant" if small[0] == full[0] else "GROWS"
        print(f"queries {small[0]} -> {full[0]}: {verdict}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
