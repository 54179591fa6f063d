"""Rectification of every demo key issue (seed 004): a published plan with measures, a
history of progress updates at time nodes with generated photos and charts, and the
committee's verdicts. Real figures from the seed where it gives them (353所小学, 长者食堂176处,
16条公交线路 ...). Also: one overdue measure (地方金融监管局), one returned update (教育局) and
one re-rectification (交通运输局).

Idempotent: a key issue that already has a plan is left alone. Every date is fixed: a batch's
commitments start the day it entered rectification (batch 1 on 2021-05-11, batch 2 on
2021-07-16), so no batch shows progress before its stage allows it."""

import datetime as dt
import hashlib
import io
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from accounts.models import Role, User
from campaigns.models import Campaign, StageTransition
from campaigns.stages import Stage
from issues.models import KeyIssue
from rectification import services
from rectification.models import Plan, Verdict

TZ = ZoneInfo("Asia/Shanghai")
FONT_PATHS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
]

# key issue title -> measures (title, unit, person, target value, target unit)
SEEDED: dict[str, list[tuple[str, str, str, int | None, str]]] = {
    "学校课后服务不能满足群众需求": [
        ("全市小学全面开展课后延时服务", "基础教育科", "孙卫东", 353, "所"),
        ("课后服务惠及小学生", "各区县教育和体育局", "李红", 124744, "人"),
        ("丰富课后服务内容，开设兴趣小组和体育活动", "体育卫生与艺术教育科", "王磊", None, ""),
    ],
    "为老年人助餐服务资源有效供给不足": [
        ("建成长者食堂", "养老服务科", "赵敏", 176, "处"),
        ("对老年人助餐实行普惠性补贴", "社会救助科", "周强", None, ""),
    ],
    "公交整体服务水平与群众期盼还有差距": [
        ("优化调整公交线路", "公交集团线网规划部", "刘洋", 16, "条"),
        ("新开通公交线路（其中定制线路6条）", "公交集团线网规划部", "刘洋", 7, "条"),
    ],
    "增加公共阅读空间": [
        ("建成“城市书房+”", "公共服务科", "陈晓", 92, "处"),
        ("建成城市阅读吧", "公共服务科", "陈晓", 40, "处"),
        ("建成农家书屋示范点", "各区县文化和旅游局", "马林", 40, "处"),
    ],
    "市管公园设施不全服务不细": [
        ("增设健身器材", "园林绿化科", "高峰", 288, "套"),
        ("增设座凳", "园林绿化科", "高峰", 511, "个"),
        ("增设照明灯", "市政设施科", "韩冰", 3831, "盏"),
        ("建成综合服务驿站", "园林绿化科", "高峰", 4, "处"),
    ],
    "基层医保服务网点少、办事跑远路": [
        ("建设基层医保服务站，打造“15分钟医保服务圈”", "医保经办中心", "吴静", 2058, "家"),
    ],
    "集采药品购买不便": [
        ("组织“集采药品进药店”，药店设立专柜", "医药服务管理科", "郑伟", 387, "家"),
    ],
    "非法集资风险防范宣传不够": [
        ("整改进度每周系统内通报、每两周面向社会公示", "办公室", "冯涛", None, ""),
        ("进社区、进企业开展防范非法集资宣传", "打击非法金融活动科", "冯涛", 120, "场"),
        ("建立地方金融组织风险监测预警平台", "地方金融监管科", "何平", None, ""),
    ],
}

GENERIC = [
    ("围绕“{t}”开展专项排查，建立问题清单和整改台账", "办公室", None, ""),
    ("针对“{t}”制定完善工作制度和服务标准", "政策法规科", None, ""),
    ("建立“{t}”整改长效机制，整改情况向社会公开", "办公室", None, ""),
]
PEOPLE = ["王晓明", "李静", "张伟", "刘芳", "陈刚", "杨帆", "赵磊", "孙丽"]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), TZ)


def _font(size: int):
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def demo_image(seed: str, caption: str, bars: list[tuple[float, float]] | None = None) -> bytes:
    """A small photo-like picture: a sky-to-ground gradient, a few buildings, a caption; or
    a bar chart of reached vs target. Same seed, same bytes."""
    h = hashlib.sha256(seed.encode()).digest()
    w, ht = 480, 300
    img = Image.new("RGB", (w, ht))
    draw = ImageDraw.Draw(img)
    if bars is None:
        top, bottom = (120 + h[0] % 80, 170 + h[1] % 60, 220), (90 + h[2] % 60, 120, 80 + h[3] % 50)
        for y in range(ht):
            t = y / ht
            color = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
            draw.line([(0, y), (w, y)], fill=color)
        x = 20
        for i in range(8):
            bw, bh = 30 + h[4 + i] % 40, 60 + h[12 + i] % 110
            shade = 150 + h[20 + i] % 90
            draw.rectangle([x, 225 - bh, x + bw, 225], fill=(shade, shade - 20, shade - 40))
            x += bw + 15
        draw.rectangle([0, 225, w, ht], fill=(110, 140, 90))
    else:
        draw.rectangle([0, 0, w, ht], fill=(250, 250, 248))
        base = 230
        for i, (value, target) in enumerate(bars):
            x = 40 + i * 110
            full = 170
            draw.rectangle([x, base - full, x + 70, base], outline=(200, 200, 200), width=2)
            done = int(full * min(value / target, 1)) if target else 0
            draw.rectangle([x, base - done, x + 70, base], fill=(179, 38, 30))
    draw.rectangle([0, ht - 36, w, ht], fill=(0, 0, 0))
    draw.text((12, ht - 32), caption, fill=(255, 255, 255), font=_font(20))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _measures(issue: KeyIssue, seq: int) -> list[tuple[str, str, str, int | None, str]]:
    if issue.title in SEEDED:
        return SEEDED[issue.title]
    short = issue.title[:14]
    return [
        (title.format(t=short), unit, PEOPLE[(seq + i) % len(PEOPLE)], target, tu)
        for i, (title, unit, target, tu) in enumerate(GENERIC)
    ]


def _plan(issue: KeyIssue, seq: int, liaison, staff, start: dt.date, hearing: dt.date):
    """Plan, measures and publication; returns the plan and its measures."""
    plan = services.plan_get_or_create(key_issue=issue)
    day = start
    goals = (
        f"聚焦“{issue.title}”，{issue.description or '逐项整改到位'}"
        f"力争在{hearing.month}月听取整改情况报告前取得明显成效，建立长效机制。"
    )
    services.plan_update(plan=plan, actor=liaison, goals=goals, deadline=hearing, at=_at(day))
    measures = []
    for i, (title, unit, person, target, target_unit) in enumerate(_measures(issue, seq)):
        deadline = start + dt.timedelta(days=60 + 30 * i)
        measures.append(
            services.measure_save(
                plan=plan,
                actor=liaison,
                title=title,
                responsible_unit=unit,
                responsible_person=person,
                deadline=min(deadline, hearing - dt.timedelta(days=10)),
                target_value=Decimal(target) if target else None,
                target_unit=target_unit,
                at=_at(day),
            )
        )
    services.plan_submit(plan=plan, actor=liaison, at=_at(day, 15))
    services.plan_publish(plan=plan, actor=staff, at=_at(day + dt.timedelta(days=3)))
    return plan, measures


def _update(
    plan, liaison, staff, day, text, percent, values=None, image=None, publish=True, caption=""
):
    files = [image] if image else []
    u = services.update_create(
        plan=plan,
        actor=liaison,
        text=text,
        percent=percent,
        values=values or {},
        files=files,
        caption=caption,
        at=_at(day),
    )
    if publish:
        services.update_publish(update=u, actor=staff, at=_at(day + dt.timedelta(days=2)))
    return u


def _history(issue, plan, measures, liaison, staff, start, hearing, overdue_title=None):
    """Updates at time nodes (start, middle, before the hearing); measures done, closed."""
    span = (hearing - start).days
    nodes = [start + dt.timedelta(days=span * k // 4) for k in (1, 2, 3)]
    for n, day in enumerate(nodes, start=1):
        share = n / 3
        values = {
            m.pk: (m.target_value * Decimal(share)).quantize(Decimal(1))
            for m in measures
            if m.target_value
        }
        figures = "，".join(
            f"{m.title}{values[m.pk]}{m.target_unit}" for m in measures if m.pk in values
        )
        text = [
            "已制定整改工作方案，明确责任科室和时间节点。",
            "各项措施有序推进，阶段目标基本完成。",
            "整改措施基本落实到位，正在总结经验、建立长效机制。",
        ][n - 1] + (f"目前{figures}。" if figures else "")
        image = None
        if n == 3 or (n == 1 and issue.title in SEEDED):
            bars = [(float(v), float(m.target_value)) for m in measures if (v := values.get(m.pk))]
            image = (
                f"progress-{issue.pk}-{n}.jpg",
                demo_image(
                    f"{issue.pk}-{n}",
                    f"{issue.department.department.short_name} {day:%Y-%m-%d}",
                    bars=bars or None if n == 3 else None,
                ),
            )
        # Departments move at different speeds: 25-35%, 55-70%, 90-100%.
        k = issue.pk % 4
        percent = [25 + 5 * (k % 3), 55 + 5 * k, 90 + 5 * (k % 3)][n - 1]
        # The liaison's caption of the photo: it is the photo's alt text with department and date.
        caption = "整改指标完成情况图" if n == 3 else "整改工作部署会现场"
        _update(plan, liaison, staff, day, text, percent, values, image, caption=caption)
    for m in measures:
        if m.title == overdue_title:
            continue
        done_day = min(m.deadline, nodes[-1])
        services.measure_mark_done(
            measure=m,
            actor=liaison,
            evidence="已按承诺完成，佐证材料见整改进展。",
            at=_at(done_day),
        )
        if hearing < dt.date(2021, 9, 1):
            services.measure_close(measure=m, actor=staff, at=_at(done_day + dt.timedelta(days=5)))


def load() -> None:
    campaign = Campaign.objects.get(slug="2021")
    staff = User.objects.get(username="staff")
    liaisons = {u.department_id: u for u in User.objects.filter(role=Role.LIAISON)}
    issues = (
        KeyIssue.objects.filter(department__campaign=campaign, status=KeyIssue.Status.CONFIRMED)
        .select_related("department__department", "department__batch")
        .order_by("department__batch__number", "department__position", "position", "id")
    )
    done = set(Plan.objects.filter(key_issue__in=issues).values_list("key_issue_id", flat=True))
    starts = {
        t.batch_id: timezone.localdate(t.at)
        for t in StageTransition.objects.filter(
            batch__campaign=campaign, to_stage=Stage.RECTIFICATION.value
        ).order_by("at")
    }
    for seq, issue in enumerate(issues):
        if issue.pk in done:
            continue
        ev = issue.department
        liaison = liaisons.get(ev.department_id, staff)  # departments without a demo liaison
        # Commitments are written once the batch enters rectification (demo/selection.py).
        start = starts[ev.batch_id]
        hearing = ev.batch.hearing_date
        plan, measures = _plan(issue, seq, liaison, staff, start, hearing)
        slug = ev.department.slug
        if issue.title == "学校课后服务不能满足群众需求":
            returned = _update(
                plan,
                liaison,
                staff,
                start + dt.timedelta(days=10),
                "课后服务工作已部署。",
                10,
                publish=False,
            )
            services.update_return(
                update=returned,
                actor=staff,
                reason="请补充已开展课后服务的学校数和现场照片后重新报送。",
                at=_at(start + dt.timedelta(days=11)),
            )
        overdue = "建立地方金融组织风险监测预警平台" if slug == "local-finance" else None
        _history(issue, plan, measures, liaison, staff, start, hearing, overdue)
        if overdue and any(m.title == overdue for m in measures):
            # Late and still waiting for staff review: what the dashboard is for.
            _update(
                plan,
                liaison,
                staff,
                dt.date(2021, 10, 25),
                "风险监测预警平台已完成招标，正在开发调试，预计年底上线。",
                95,
                publish=False,
            )
        if ev.batch.number != 1:
            continue
        if issue.title == "公交整体服务水平与群众期盼还有差距":
            _rerectify(issue, plan, liaison, staff, hearing)
        else:
            services.verdict_record(
                key_issue=issue,
                actor=staff,
                result=Verdict.Result.SATISFIED,
                remarks="整改措施落实到位，群众反映明显改善。",
                at=_at(hearing, 16),
            )


def _rerectify(issue, plan, liaison, staff, hearing):
    """Not satisfied at the hearing: a new round with a new deadline, then satisfied."""
    new_deadline = dt.date(2021, 11, 30)
    services.verdict_record(
        key_issue=issue,
        actor=staff,
        result=Verdict.Result.NOT_SATISFIED,
        remarks="高峰时段发车间隔仍然偏长，部分新建小区公交覆盖不足，要求重新整改。",
        new_deadline=new_deadline,
        at=_at(hearing, 16),
    )
    plan.refresh_from_db()
    extra = services.measure_save(
        plan=plan,
        actor=liaison,
        title="高峰时段加密发车班次，新建小区开通公交接驳",
        responsible_unit="公交集团运营调度中心",
        responsible_person="刘洋",
        deadline=dt.date(2021, 11, 15),
        target_value=Decimal(12),
        target_unit="个小区",
        at=_at(hearing + dt.timedelta(days=7)),
    )
    services.plan_submit(plan=plan, actor=liaison, at=_at(hearing + dt.timedelta(days=7), 15))
    services.plan_publish(plan=plan, actor=staff, at=_at(hearing + dt.timedelta(days=9)))
    day = dt.date(2021, 10, 20)
    _update(
        plan,
        liaison,
        staff,
        day,
        "重新整改：早晚高峰加密发车，已为12个新建小区开通公交接驳。",
        100,
        {extra.pk: Decimal(12)},
        (f"rerectify-{issue.pk}.jpg", demo_image(f"re-{issue.pk}", f"公交接驳 {day:%Y-%m-%d}")),
        caption="新建小区公交接驳站点",
    )
    services.measure_mark_done(
        measure=extra, actor=liaison, evidence="12个小区公交接驳已开通。", at=_at(day)
    )
    services.measure_close(measure=extra, actor=staff, at=_at(day + dt.timedelta(days=5)))
    services.verdict_record(
        key_issue=issue,
        actor=staff,
        result=Verdict.Result.SATISFIED,
        remarks="重新整改到位。",
        at=_at(dt.date(2021, 12, 10), 16),
    )
