"""Synthetic 12345 tickets for 2020 (the baseline) and 2021 (the evaluation year), imported
through the real importer so the demo shows what a real import leaves behind.

Volumes are the seeds' figures at one tenth: the police department had 2,252 complaints in
Q1 2021 (1,037 for the traffic police) with satisfaction rising from 79.28% to 82.24%;
housing handled 994 cases from January to April, 10% fewer than a year before; overall
volume fell by about 30%. Seasonality (winter heating, summer water and traffic), a
category mix per department and a few unmatched department names (so the import report
shows the alias flow) come on top. Deterministic (seeded): the same file every time, and
the step does nothing when its batch already exists, so load_demo stays idempotent.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import random
from pathlib import Path

from django.conf import settings

from hotline.models import HotlineSource, ImportBatch
from hotline.services import import_batch_create, import_batch_run

from .geography import DISTRICTS

SOURCE = "淄博市12345政务服务便民热线"
FILE_NAME = "演示-12345工单-2020-2021.csv"

# Monthly volume by month of the year (1.0 = average): heating in winter, water and
# traffic in summer, a dip at the Spring Festival.
SEASON = [1.25, 0.85, 1.0, 0.95, 1.0, 1.05, 1.15, 1.15, 1.0, 0.95, 1.0, 1.2]

# name in tickets (full name or alias, weighted) -> monthly volume in 2020, factor for
# 2021, positive rate 2020 and 2021, categories with weights.
Weighted = list[tuple[str, int]]
DEPARTMENTS: list[tuple[Weighted, float, float, float, float, Weighted]] = [
    (
        [("淄博市公安局", 3), ("市公安局", 3), ("公安局交警支队", 5)],
        80, 0.94, 0.7928, 0.8224,
        [("公共安全>交通管理", 46), ("公共安全>治安管理", 24), ("公共安全>户籍证件", 18),
         ("公共安全>噪音扰民", 12)],
    ),
    (
        [("淄博市住房和城乡建设局", 2), ("市住建局", 3)],
        28, 0.90, 0.74, 0.80,
        [("城乡建设>物业管理", 40), ("城乡建设>房屋质量", 20), ("城乡建设>供暖", 25),
         ("城乡建设>老旧小区改造", 15)],
    ),
    ([("淄博市教育局", 1), ("市教育局", 2)], 40, 0.7, 0.80, 0.85,
     [("教育>招生入学", 45), ("教育>校外培训", 25), ("教育>教师管理", 15), ("教育>校园安全", 15)]),
    ([("淄博市民政局", 1), ("市民政局", 1)], 15, 0.7, 0.83, 0.86,
     [("民政>养老服务", 50), ("民政>社会救助", 35), ("民政>婚姻登记", 15)]),
    ([("淄博市交通运输局", 1), ("市交通局", 2), ("淄博市公交公司", 2)], 45, 0.7, 0.76, 0.81,
     [("交通运输>公交服务", 45), ("交通运输>出租车", 30), ("交通运输>道路养护", 25)]),
    ([("淄博市城市管理局", 1), ("市城管局", 3)], 60, 0.68, 0.72, 0.79,
     [("城市管理>占道经营", 35), ("城市管理>环境卫生", 30), ("城市管理>违章建筑", 20),
      ("城市管理>市政设施", 15)]),
    ([("淄博市文化和旅游局", 1), ("市文旅局", 1)], 12, 0.7, 0.86, 0.97,
     [("文化旅游>景区服务", 60), ("文化旅游>文化市场", 40)]),
    ([("淄博市人力资源和社会保障局", 1), ("市人社局", 2)], 35, 0.7, 0.82, 0.96,
     [("劳动保障>欠薪", 45), ("劳动保障>社保缴纳", 35), ("劳动保障>就业服务", 20)]),
    ([("淄博市医疗保障局", 1), ("市医保局", 2)], 25, 0.7, 0.84, 0.95,
     [("医疗保障>医保报销", 60), ("医疗保障>异地就医", 40)]),
    ([("淄博市水利局", 1)], 8, 0.72, 0.8, 0.84, [("水利>河道管理", 60), ("水利>防汛", 40)]),
    ([("淄博市地方金融监督管理局", 1), ("市金融局", 1)], 6, 0.75, 0.7, 0.78,
     [("金融>非法集资", 70), ("金融>小额贷款", 30)]),
    ([("淄博市市场监督管理局", 1), ("市场监管局", 2)], 40, 0.7, 0.8, 0.85,
     [("市场监管>食品安全", 40), ("市场监管>消费维权", 45), ("市场监管>价格", 15)]),
    ([("淄博市卫生健康委员会", 1), ("市卫健委", 2)], 30, 0.72, 0.81, 0.86,
     [("医疗卫生>医疗服务", 50), ("医疗卫生>疫情防控", 35), ("医疗卫生>医德医风", 15)]),
    ([("淄博市生态环境局", 1), ("市环保局", 2)], 20, 0.68, 0.75, 0.82,
     [("生态环境>大气污染", 45), ("生态环境>噪音污染", 30), ("生态环境>水污染", 25)]),
    ([("淄博市自然资源局", 1)], 10, 0.7, 0.78, 0.83,
     [("自然资源>不动产登记", 70), ("自然资源>土地管理", 30)]),
    ([("淄博市住房公积金管理中心", 1), ("市公积金中心", 2)], 12, 0.7, 0.85, 0.9,
     [("住房公积金>提取", 60), ("住房公积金>贷款", 40)]),
    ([("淄博市公共资源交易中心", 1)], 4, 0.75, 0.86, 0.9, [("公共资源交易>招标投标", 100)]),
    ([("博山区教体局", 1)], 6, 0.8, 0.8, 0.84, [("教育>招生入学", 60), ("教育>校车", 40)]),
    ([("博山区民政局", 1)], 3, 0.8, 0.82, 0.85, [("民政>养老服务", 100)]),
    ([("博山区住建局", 1)], 5, 0.85, 0.73, 0.78,
     [("城乡建设>物业管理", 70), ("城乡建设>供暖", 30)]),
    # Names no department carries yet: the report lists them; 张店区交警大队 is the police
    # department's in all but name (one click makes it an alias).
    ([("张店区交警大队", 1)], 6, 0.9, 0.78, 0.8, [("公共安全>交通管理", 100)]),
    ([("淄博市热力有限公司", 1)], 5, 0.8, 0.6, 0.7, [("城乡建设>供暖", 100)]),
]  # fmt: skip

REQUEST_TYPES = [("投诉", 45), ("求助", 25), ("咨询", 20), ("建议", 6), ("举报", 3), ("表扬", 1)]
SATISFIED_WORDS = [("满意", 70), ("非常满意", 30)]
BASIC_WORDS = [("基本满意", 80), ("一般", 20)]
DISSATISFIED_WORDS = [("不满意", 85), ("非常不满意", 15)]
UNRATED_WORDS = [("", 40), ("未回访", 30), ("无法联系", 20), ("未评价", 10)]
RATED_SHARE = 0.8
HEADER = [
    "工单编号", "受理时间", "承办单位", "诉求类型", "问题分类", "所属区县", "所属镇街",
    "办理状态", "办结时间", "满意度", "诉求内容", "来电号码",
]  # fmt: skip


def _pick(rnd: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rnd.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def rows(seed: int = 2021):
    """The demo tickets, ordered by time, as lists of cells (as an export would hold)."""
    rnd = random.Random(seed)
    towns = [(district, town) for district, _, names in DISTRICTS for town in names]
    tickets = []
    for names, volume, factor, rate_2020, rate_2021, categories in DEPARTMENTS:
        boshan = names[0][0].startswith("博山区")
        for year in (2020, 2021):
            for month in range(1, 13):
                season = SEASON[month - 1]
                if any(c.endswith("供暖") for c, _ in categories) and month in (1, 2, 11, 12):
                    season *= 1.3
                expected = volume * season * (factor if year == 2021 else 1)
                count = max(0, round(rnd.gauss(expected, expected**0.5 / 2)))
                days = calendar.monthrange(year, month)[1]
                rate = rate_2021 if year == 2021 else rate_2020
                for _ in range(count):
                    received = dt.datetime(year, month, rnd.randint(1, days), rnd.randint(7, 21),
                                           rnd.randint(0, 59), rnd.randint(0, 59))  # fmt: skip
                    tickets.append((received, names, rate, categories, boshan))
    tickets.sort(key=lambda t: t[0])
    sequence: dict[dt.date, int] = {}
    for received, names, rate, categories, boshan in tickets:
        day = received.date()
        sequence[day] = sequence.get(day, 0) + 1
        ticket_no = f"ZB{day:%Y%m%d}{sequence[day]:05d}"
        district, town = ("博山区", rnd.choice(DISTRICTS[2][2])) if boshan else rnd.choice(towns)
        if rnd.random() < RATED_SHARE:
            roll = rnd.random()
            if roll < rate * 0.78:
                satisfaction = _pick(rnd, SATISFIED_WORDS)
            elif roll < rate:
                satisfaction = _pick(rnd, BASIC_WORDS)
            else:
                satisfaction = _pick(rnd, DISSATISFIED_WORDS)
        else:
            satisfaction = _pick(rnd, UNRATED_WORDS)
        category = _pick(rnd, categories)
        closed = received + dt.timedelta(hours=rnd.randint(4, 24 * 10))
        open_ticket = received > dt.datetime(2021, 12, 24)
        # Time forms vary as they do between the centre's exports.
        when = received.strftime("%Y-%m-%d %H:%M:%S" if rnd.random() < 0.9 else "%Y/%m/%d %H:%M")
        yield [
            ticket_no,
            when.replace("/0", "/"),
            _pick(rnd, names),
            _pick(rnd, REQUEST_TYPES),
            category,
            district,
            town,
            "办理中" if open_ticket else "已办结",
            "" if open_ticket else f"{closed:%Y-%m-%d %H:%M:%S}",
            "" if open_ticket else satisfaction,
            f"市民反映{category.split('>')[-1]}方面的问题，请{district}{town}协调处理。",
            f"1{rnd.choice('3578')}{rnd.randrange(10**9):09d}",
        ]


def write_file(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="gb18030", newline="") as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows())
        # What real exports contain now and then, so the report shows rejected rows.
        writer.writerows(
            [
                ["", "2021-06-01 09:00:00", "市公安局", "投诉", "公共安全>交通管理", "张店区",
                 "车站街道", "已办结", "", "满意", "工单编号缺失的记录", ""],
                ["ZB2021060199999", "待补录", "市城管局", "投诉", "城市管理>占道经营", "张店区",
                 "公园街道", "已办结", "", "", "受理时间未填写的记录", ""],
                ["ZB2021060199998", "2021-06-01 10:00:00", "市教育局", "咨询", "教育>招生入学",
                 "临淄区", "闻韶街道", "已办结", "", "还可以", "满意度取值不规范的记录", ""],
            ]
        )  # fmt: skip
    return path


def load() -> None:
    source = HotlineSource.objects.filter(name=SOURCE).first()
    if source and ImportBatch.objects.filter(source=source, file_name=FILE_NAME).exists():
        return
    path = write_file(Path(settings.MEDIA_ROOT) / "hotline" / "demo" / FILE_NAME)
    batch = import_batch_create(source_name=SOURCE, path=str(path), file_name=FILE_NAME)
    import_batch_run(batch_id=batch.pk)
