"""The 2021 campaign's selection votes, stages and commitment statements (seeds 000, 001,
003, 004): batch 1 voted on 26 February (8 candidates, 6 slots), mobilization meeting on
5 March, now in rectification; batch 2 voted on 28 April (13 candidates, 11 slots),
mobilization on 11 May, now fixing its key issues.

Ballots are drawn from a seeded generator and counted with campaigns.tally, like a real
close. Idempotent: a batch whose round-1 vote exists is left alone (its ballots have random
UUIDs, so they are written once); everything else is keyed on natural keys."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

from accounts.models import Role, User
from campaigns.models import (
    Ballot,
    BallotChoice,
    Batch,
    Campaign,
    CommitmentStatement,
    EvaluatedDepartment,
    Nomination,
    StagePlan,
    StageTransition,
    VoteCandidate,
    VoteEligibility,
    VoteParticipation,
    VoteSession,
)
from campaigns.services.voting import vote_ballots_unlink
from campaigns.stages import Stage
from campaigns.tally import tally
from departments.models import Department, Organizer

from .geography import CITY_COMMITTEE
from .users import DEMO_PASSWORD, DemoLogin

TZ = ZoneInfo("Asia/Shanghai")

# member2..member30 join `member` (李建国) from users.py: 30 committee members in all.
MEMBER_NAMES = [
    "王桂兰",
    "张志刚",
    "刘文华",
    "陈晓东",
    "杨秀英",
    "赵国庆",
    "黄海燕",
    "周明亮",
    "吴卫东",
    "徐丽娟",
    "孙建华",
    "马红霞",
    "朱永强",
    "胡玉梅",
    "郭长林",
    "何淑珍",
    "高振宇",
    "林晓梅",
    "罗志勇",
    "郑春燕",
    "梁德胜",
    "谢雅琴",
    "宋立军",
    "唐慧敏",
    "许宏伟",
    "韩凤英",
    "冯少华",
    "邓丽萍",
    "曹文斌",
]

DECISION = (
    "淄博市人大常委会会议表决通过《关于开展2021年专项工作评议的决定》，以12345政务服务热线"
    "大数据为主体依法强化对政府部门工作的监督。今年评议分两个批次进行：2月份票决确定第一批"
    "被评议部门6个，4月份票决确定第二批11个（市政府部门9个、市政府直属事业单位2个）；8月份、"
    "11月份分别听取两个批次突出问题整改情况的报告，每个部门确定2至3个重点整改问题，整改目标、"
    "措施、过程、结果全部向社会公开，实行市、区县、镇（街道）人大“三级联动”。"
)

EXTRA_DEPARTMENTS = [
    ("淄博市农业农村局", "市农业农村局", "agriculture"),
    ("淄博市商务局", "市商务局", "commerce"),
    ("淄博市行政审批服务局", "市行政审批服务局", "administrative-approval"),
]

REASONS = {
    "education": "课后服务、校外培训等问题群众反映集中，12345热线诉求量居前",
    "civil-affairs": "养老服务、社会救助办理时效问题反映较多",
    "public-security": "交通秩序、户籍办理类诉求量大，关系群众安全感",
    "transport": "公交线路、出租车服务投诉量较大",
    "housing": "物业管理、房产证办理问题诉求集中",
    "urban-management": "占道经营、环境卫生问题群众反映强烈",
    "culture-tourism": "文化惠民和旅游市场秩序群众关注度高",
    "human-resources": "社保待遇、欠薪投诉量较大",
    "medical-insurance": "医保报销、异地就医问题诉求集中",
    "water-resources": "农村供水保障问题反映较多",
    "local-finance": "非法集资风险防范群众关注",
    "market-regulation": "食品安全、消费维权投诉量居前",
    "health": "就医难、看病贵等问题群众反映集中",
    "ecology-environment": "噪声、油烟、扬尘污染投诉较多",
    "natural-resources": "不动产登记、历史遗留问题群众反映强烈",
    "housing-fund": "公积金提取、贷款办理时效问题反映较多",
    "public-resources": "交易流程、营商环境问题企业关注",
    "agriculture": "农村人居环境问题反映较多",
    "commerce": "预付卡消费纠纷投诉较多",
    "administrative-approval": "审批事项办理时限问题企业关注",
}

# (slug, extra candidates, slots, opened, closed, published, voters out of 30, seed)
VOTES = {
    1: (["agriculture", "commerce"], 6, (2, 26, 9, 0), (2, 26, 9, 40), (2, 26, 16, 0), 28, 2021),
    2: (
        ["administrative-approval", "commerce"],
        11,
        (4, 28, 9, 0),
        (4, 28, 9, 45),
        (4, 28, 16, 0),
        29,
        428,
    ),
}

# (from, to, datetime, note) per batch. Both batches went through to results in 2021:
# batch 1 heard in August, batch 2 in November; the score sheet is published on
# RESULTS_PUBLISHED (demo/scores.py) once batch 2 has been evaluated.
TRANSITIONS = {
    1: [
        (
            Stage.SELECTION,
            Stage.SUGGESTIONS,
            (3, 5, 10, 0),
            "动员部署会议召开，6个被评议部门负责人作表态发言",
        ),
        (Stage.SUGGESTIONS, Stage.KEY_ISSUES, (4, 16, 9, 0), "意见建议征集结束，归并整合后交办"),
        (
            Stage.KEY_ISSUES,
            Stage.RECTIFICATION,
            (5, 11, 15, 0),
            "第一批整改调度会议，重点整改问题公开承诺",
        ),
        (
            Stage.RECTIFICATION,
            Stage.EVALUATION,
            (8, 16, 9, 0),
            "整改基本完成，开展问卷调查、网上社会投票和专项调研",
        ),
        (
            Stage.EVALUATION,
            Stage.PUBLISHED,
            (8, 27, 9, 0),
            "常委会会议听取第一批整改情况报告并进行满意度测评",
        ),
    ],
    2: [
        (Stage.SELECTION, Stage.SUGGESTIONS, (5, 11, 10, 0), "第二批动员部署暨第一批整改调度会议"),
        (
            Stage.SUGGESTIONS,
            Stage.KEY_ISSUES,
            (6, 15, 9, 0),
            "意见建议征集结束，调研组开展专项调研",
        ),
        (
            Stage.KEY_ISSUES,
            Stage.RECTIFICATION,
            (7, 16, 15, 0),
            "第二批整改调度会议，重点整改问题公开承诺",
        ),
        (
            Stage.RECTIFICATION,
            Stage.EVALUATION,
            (10, 11, 9, 0),
            "整改基本完成，开展问卷调查、网上社会投票和专项调研",
        ),
        (
            Stage.EVALUATION,
            Stage.PUBLISHED,
            (11, 5, 9, 0),
            "常委会会议听取第二批整改情况报告，公布评议结果",
        ),
    ],
}

PLANS = {
    1: [
        (Stage.SELECTION, (1, 15), (2, 26)),
        (Stage.SUGGESTIONS, (3, 1), (4, 15)),
        (Stage.KEY_ISSUES, (4, 16), (5, 10)),
        (Stage.RECTIFICATION, (5, 11), (8, 25)),
        (Stage.EVALUATION, (7, 15), (8, 26)),
        (Stage.PUBLISHED, (8, 27), (9, 15)),
        (Stage.FOLLOW_UP, (9, 16), (12, 31)),
    ],
    2: [
        (Stage.SELECTION, (3, 15), (4, 28)),
        (Stage.SUGGESTIONS, (5, 11), (6, 14)),
        (Stage.KEY_ISSUES, (6, 15), (7, 15)),
        (Stage.RECTIFICATION, (7, 16), (10, 31)),
        (Stage.EVALUATION, (9, 15), (11, 1)),
        (Stage.PUBLISHED, (11, 2), (11, 30)),
        (Stage.FOLLOW_UP, (12, 1), (12, 31)),
    ],
}

# Short excerpts of the statements in the seeds (000: education, 001: the 2020 speeches,
# 003: health), adapted to 2021; the other departments get the commitment most speeches share.
STATEMENTS = {
    "education": (
        "市教育局党组书记、局长",
        "市人大常委会将市教育局列为专项工作评议对象，充分体现了对全市教育高质量发展的殷切期望。"
        "全市教育系统将把本次评议作为改进工作、提升质效的新起点，统一思想，不等不靠，确保措施到位、"
        "责任到位。对市人大反馈的意见建议，我们将虚心接受、照单全收、坚决整改，举一反三、见微知著，"
        "实现“评一次管长远、评一项带一片”的效果，办好人民群众满意的品质教育。",
    ),
    "public-security": (
        "市人民政府副市长，市公安局党委书记、局长",
        "高度重视，高频推进：第一时间召开迎接专项工作评议动员会议，按照“三级联动”要求，市公安局和"
        "区县公安机关分别成立“一把手”任组长的迎评工作组。强化问题导向和有解思维，努力降低12345"
        "市民投诉量、提升办理满意率，通过上门走访、电话回访等方式开门纳谏，边查边改。",
    ),
    "housing": (
        "市住房城乡建设局党组书记、局长",
        "我们将广开言路、开门纳谏、倾听民意：以“公开信”求意见，组成调研组“走下去”听意见，配合市人大"
        "调研组“坐下来”诊意见，对征集到的意见建议归并整合，梳理出重点评议内容，逐条建立台账、限时整改。",
    ),
    "human-resources": (
        "市人力资源和社会保障局党组书记、局长",
        "针对市人大交办的问题清单，我们真诚接受、照单全收，在市人大监督指导下，落实“四个一”工作要求，"
        "不折不扣抓好问题整改，推进“堵点变亮点”：迅速制定整改方案，细化整改内容，建立整改台账。",
    ),
    "natural-resources": (
        "市自然资源局党组书记、局长",
        "以群众满意为工作导向，切实履行好自然资源保护管理职责。对人大代表和群众关注度较高的方面，"
        "按照“办一件成一件”的标准细化措施、立知立改；落实首问负责制，做到交办信息不过夜、调查处理不超期。",
    ),
    "health": (
        "市卫生健康委员会党组书记、主任",
        "市人大常委会将市卫生健康委员会列为评议对象，充分体现了对卫生健康工作的高度重视和关心厚爱。"
        "我们真诚欢迎市人大开展评议监督，将迅速组织动员、广泛发动，全面提升全系统干部职工的履职能力"
        "和担当意识，以评议促整改，以整改促提升。",
    ),
}
GENERIC = (
    "{short}党组书记、局长",
    "我们真诚欢迎市人大常委会对{short}工作进行评议监督。全系统将提高政治站位，把接受评议作为改进"
    "工作、提升质效的新机遇，对人大代表和群众反映的问题虚心接受、照单全收、坚决整改，整改目标、"
    "措施、过程、结果全部向社会公开，让群众看到变化、见到成效、得到实惠。",
)
MOBILIZATION = {1: dt.date(2021, 3, 5), 2: dt.date(2021, 5, 11)}


def _at(month_day_hour_minute) -> dt.datetime:
    month, day, hour, minute = month_day_hour_minute
    return dt.datetime(2021, month, day, hour, minute, tzinfo=TZ)


def _members(city: Organizer) -> tuple[list[User], list[DemoLogin]]:
    logins = []
    for number, name in enumerate(MEMBER_NAMES, start=2):
        user, created = User.objects.update_or_create(
            username=f"member{number}",
            defaults={"name": f"{name}（常委会委员）", "role": Role.MEMBER, "organizer": city},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    logins.append(
        DemoLogin("member2 … member30", DEMO_PASSWORD, Role.MEMBER.label, "另外29名常委会组成人员")
    )
    members = list(
        User.objects.filter(
            role=Role.MEMBER, organizer=city, username__startswith="member"
        ).order_by("pk")
    )
    return members, logins


def _ballots(rng: random.Random, chosen: list[str], extras: list[str], slots: int, voters: int):
    """Plausible ballots: most members choose most of the committee's shortlist, some pick
    an extra candidate instead, one abstains."""
    ballots = []
    for n in range(voters):
        if n == voters // 2:
            ballots.append([])  # one abstention
            continue
        ballot = [slug for slug in chosen if rng.random() < 0.86]
        for slug in extras:
            if rng.random() < 0.3:
                ballot.append(slug)
        rng.shuffle(ballot)
        ballots.append(ballot[:slots])
    return ballots


def _vote(batch: Batch, staff: User, members: list[User], departments: dict) -> None:
    if VoteSession.objects.filter(batch=batch, round=1).exists():
        return
    extras, slots, opened, closed, published, voters, seed = VOTES[batch.number]
    chosen = list(
        EvaluatedDepartment.objects.filter(batch=batch)
        .order_by("position")
        .values_list("department__slug", flat=True)
    )
    candidates = chosen + extras
    ballots = _ballots(random.Random(seed), chosen, extras, slots, voters)
    result = tally(candidates, ballots, slots)
    assert sorted(result.selected) == sorted(chosen) and not result.tied, result  # noqa: S101

    session = VoteSession.objects.create(
        batch=batch,
        round=1,
        slots=slots,
        state=VoteSession.State.PUBLISHED,
        opened_by=staff,
        opened_at=_at(opened),
        closed_by=staff,
        closed_at=_at(closed),
        published_by=staff,
        published_at=_at(published),
        eligible_count=len(members),
        ballots_cast=result.ballots_cast,
        abstentions=result.abstentions,
        threshold=result.threshold,
    )
    by_slug = {}
    for position, slug in enumerate(candidates, start=1):
        by_slug[slug] = VoteCandidate.objects.create(
            session=session,
            department=departments[slug],
            position=position,
            reason=REASONS[slug],
            votes=result.votes[slug],
            outcome=VoteCandidate.Outcome.SELECTED
            if slug in result.selected
            else VoteCandidate.Outcome.NOT_SELECTED,
        )
    VoteEligibility.objects.bulk_create(VoteEligibility(session=session, member=m) for m in members)
    VoteParticipation.objects.bulk_create(
        VoteParticipation(session=session, member=m) for m in members[:voters]
    )
    for ballot in ballots:
        row = Ballot.objects.create(session=session)
        BallotChoice.objects.bulk_create(
            BallotChoice(ballot=row, candidate=by_slug[slug]) for slug in ballot
        )
    # As a real close does: shuffled, fresh ids, nothing lines up with the participations.
    vote_ballots_unlink(session=session)


def load() -> list[DemoLogin]:
    city = Organizer.objects.get(name=CITY_COMMITTEE)
    campaign = Campaign.objects.get(organizer=city, year=2021)
    Campaign.objects.filter(pk=campaign.pk).exclude(decision_text=DECISION).update(
        decision_text=DECISION
    )
    for name, short, slug in EXTRA_DEPARTMENTS:
        Department.objects.update_or_create(
            slug=slug, defaults={"name": name, "short_name": short, "kind": "government"}
        )
    departments = {d.slug: d for d in Department.objects.filter(district__isnull=True)}
    members, logins = _members(city)
    staff = User.objects.get(username="staff")

    for batch in Batch.objects.filter(campaign=campaign).order_by("number"):
        extras, slots, *_ = VOTES[batch.number]
        Batch.objects.filter(pk=batch.pk).exclude(slots=slots).update(slots=slots)
        evaluated = list(
            EvaluatedDepartment.objects.filter(batch=batch)
            .select_related("department")
            .order_by("position")
        )
        for slug in [ev.department.slug for ev in evaluated] + extras:
            Nomination.objects.get_or_create(
                batch=batch,
                department=departments[slug],
                defaults={
                    "reason": REASONS[slug],
                    "created_by": staff,
                    "created_at": _at((1 if batch.number == 1 else 3, 20, 10, 0)),
                },
            )
        _vote(batch, staff, members, departments)

        for stage, start, end in PLANS[batch.number]:
            StagePlan.objects.update_or_create(
                batch=batch,
                stage=stage.value,
                defaults={
                    "planned_start": dt.date(2021, *start),
                    "planned_end": dt.date(2021, *end),
                },
            )
        for source, target, when, note in TRANSITIONS[batch.number]:
            StageTransition.objects.get_or_create(
                batch=batch,
                from_stage=source.value,
                to_stage=target.value,
                at=_at(when),
                defaults={"actor": staff, "note": note},
            )
        final = TRANSITIONS[batch.number][-1][1].value
        Batch.objects.filter(pk=batch.pk).exclude(stage=final).update(stage=final)

        meeting = MOBILIZATION[batch.number]
        published_at = dt.datetime.combine(meeting, dt.time(18, 0), tzinfo=TZ)
        for ev in evaluated:
            speaker, text = STATEMENTS.get(ev.department.slug, GENERIC)
            CommitmentStatement.objects.get_or_create(
                evaluated=ev,
                defaults={
                    "speaker": speaker.format(short=ev.department.short_name),
                    "date": meeting,
                    "text": text.format(short=ev.department.short_name),
                    "is_published": True,
                    "updated_by": staff,
                    "updated_at": published_at,
                    "published_by": staff,
                    "published_at": published_at,
                },
            )
    return logins
