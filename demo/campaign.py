"""The 2021 campaign of the seeds (004_*.txt): batch 1 voted in February with 6 departments,
batch 2 voted in April with 11 (9 government departments, 2 public institutions), reports
heard in August and November. Batch 2's top scores were culture and tourism, human
resources and social security, and medical insurance. The Boshan district campaign is at an
earlier stage: collecting suggestions."""

import datetime as dt
from zoneinfo import ZoneInfo

from campaigns.models import Batch, Campaign, EvaluatedDepartment, StagePlan, StageTransition
from campaigns.stages import Stage
from departments.models import Department, DepartmentAlias, District, Organizer
from departments.naming import normalize_name

from .geography import BOSHAN_COMMITTEE, CITY_COMMITTEE

GOV, INST = Department.Kind.GOVERNMENT, Department.Kind.INSTITUTION

# (full name, short name, slug, kind, hotline aliases)
CITY_DEPARTMENTS = [
    ("淄博市教育局", "市教育局", "education", GOV, ["市教育局", "教育局"]),
    ("淄博市民政局", "市民政局", "civil-affairs", GOV, ["市民政局", "民政局"]),
    (
        "淄博市公安局",
        "市公安局",
        "public-security",
        GOV,
        ["市公安局", "公安局交警支队", "市公安局交通警察支队"],
    ),
    (
        "淄博市交通运输局",
        "市交通运输局",
        "transport",
        GOV,
        ["市交通运输局", "市交通局", "淄博市公交公司"],
    ),
    (
        "淄博市住房和城乡建设局",
        "市住房城乡建设局",
        "housing",
        GOV,
        ["市住房城乡建设局", "市住建局", "住建局"],
    ),
    (
        "淄博市城市管理局",
        "市城市管理局",
        "urban-management",
        GOV,
        ["市城市管理局", "市城管局", "城管局"],
    ),
    (
        "淄博市文化和旅游局",
        "市文化和旅游局",
        "culture-tourism",
        GOV,
        ["市文化和旅游局", "市文旅局"],
    ),
    (
        "淄博市人力资源和社会保障局",
        "市人力资源社会保障局",
        "human-resources",
        GOV,
        ["市人社局", "市人力资源社会保障局", "人社局"],
    ),
    ("淄博市医疗保障局", "市医保局", "medical-insurance", GOV, ["市医保局", "医保局"]),
    ("淄博市水利局", "市水利局", "water-resources", GOV, ["市水利局"]),
    (
        "淄博市地方金融监督管理局",
        "市地方金融监管局",
        "local-finance",
        GOV,
        ["市地方金融监管局", "市金融局"],
    ),
    (
        "淄博市市场监督管理局",
        "市市场监管局",
        "market-regulation",
        GOV,
        ["市市场监管局", "市场监管局"],
    ),
    ("淄博市卫生健康委员会", "市卫生健康委", "health", GOV, ["市卫生健康委", "市卫健委"]),
    ("淄博市生态环境局", "市生态环境局", "ecology-environment", GOV, ["市生态环境局", "市环保局"]),
    ("淄博市自然资源局", "市自然资源局", "natural-resources", GOV, ["市自然资源局"]),
    (
        "淄博市住房公积金管理中心",
        "市住房公积金中心",
        "housing-fund",
        INST,
        ["市公积金中心", "住房公积金管理中心"],
    ),
    (
        "淄博市公共资源交易中心",
        "市公共资源交易中心",
        "public-resources",
        INST,
        ["市公共资源交易中心"],
    ),
]

BATCH_1 = [
    "education",
    "civil-affairs",
    "public-security",
    "transport",
    "housing",
    "urban-management",
]
BATCH_2 = [
    "culture-tourism",
    "human-resources",
    "medical-insurance",
    "water-resources",
    "local-finance",
    "market-regulation",
    "health",
    "ecology-environment",
    "natural-resources",
    "housing-fund",
    "public-resources",
]

BOSHAN_DEPARTMENTS = [
    ("博山区教育和体育局", "区教育和体育局", "boshan-education", GOV, ["博山区教体局"]),
    ("博山区民政局", "区民政局", "boshan-civil-affairs", GOV, ["博山区民政局"]),
    ("博山区住房和城乡建设局", "区住房城乡建设局", "boshan-housing", GOV, ["博山区住建局"]),
]


def _departments(rows, district=None) -> dict[str, Department]:
    result = {}
    for name, short, slug, kind, aliases in rows:
        dept, _ = Department.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "short_name": short, "kind": kind, "district": district},
        )
        for alias in aliases:
            DepartmentAlias.objects.update_or_create(
                name=normalize_name(alias), defaults={"department": dept}
            )
        result[slug] = dept
    return result


def _batch(campaign, number, name, vote_date, hearing_date, departments) -> None:
    batch, _ = Batch.objects.update_or_create(
        campaign=campaign,
        number=number,
        defaults={"name": name, "vote_date": vote_date, "hearing_date": hearing_date},
    )
    for position, dept in enumerate(departments, start=1):
        EvaluatedDepartment.objects.update_or_create(
            campaign=campaign, department=dept, defaults={"batch": batch, "position": position}
        )


def load() -> None:
    city = Organizer.objects.get(name=CITY_COMMITTEE)
    depts = _departments(CITY_DEPARTMENTS)
    campaign, _ = Campaign.objects.update_or_create(
        organizer=city,
        year=2021,
        defaults={
            "title": "淄博市人大常委会2021年专项工作评议",
            "slug": "2021",
            "evaluation_start": dt.date(2021, 1, 1),
            "evaluation_end": dt.date(2021, 10, 31),
        },
    )
    _batch(
        campaign,
        1,
        "第一批",
        dt.date(2021, 2, 26),
        dt.date(2021, 8, 26),
        [depts[s] for s in BATCH_1],
    )
    _batch(
        campaign,
        2,
        "第二批",
        dt.date(2021, 4, 28),
        dt.date(2021, 11, 1),
        [depts[s] for s in BATCH_2],
    )

    boshan = Organizer.objects.get(name=BOSHAN_COMMITTEE)
    boshan_depts = _departments(BOSHAN_DEPARTMENTS, district=District.objects.get(name="博山区"))
    district_campaign, _ = Campaign.objects.update_or_create(
        organizer=boshan,
        year=2021,
        defaults={
            "title": "博山区人大常委会2021年专项工作评议",
            "slug": "boshan-2021",
            "evaluation_start": dt.date(2021, 1, 1),
            "evaluation_end": dt.date(2021, 10, 31),
        },
    )
    _batch(
        district_campaign,
        1,
        "第一批",
        dt.date(2021, 3, 18),
        None,  # the report is heard after rectification, not scheduled yet
        list(boshan_depts.values()),
    )
    _boshan_stage(district_campaign)


# The district campaign is at an earlier stage than the city's: its departments are chosen
# and suggestions are being collected (the public form is open; no closing date set yet).
BOSHAN_PLANS = [
    (Stage.SELECTION, dt.date(2021, 3, 1), dt.date(2021, 3, 18)),
    (Stage.SUGGESTIONS, dt.date(2021, 3, 19), None),
]
BOSHAN_OPENED = dt.datetime(2021, 3, 19, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _boshan_stage(campaign: Campaign) -> None:
    batch = Batch.objects.get(campaign=campaign, number=1)
    for stage, start, end in BOSHAN_PLANS:
        StagePlan.objects.update_or_create(
            batch=batch, stage=stage.value, defaults={"planned_start": start, "planned_end": end}
        )
    StageTransition.objects.get_or_create(
        batch=batch,
        from_stage=Stage.SELECTION.value,
        to_stage=Stage.SUGGESTIONS.value,
        at=BOSHAN_OPENED,
        defaults={"note": "动员部署会议召开，面向社会征集意见建议"},
    )
    Batch.objects.filter(pk=batch.pk).exclude(stage=Stage.SUGGESTIONS.value).update(
        stage=Stage.SUGGESTIONS.value
    )
