"""Score sheets: compute a version from the current inputs, publish a complete one."""

import hashlib
import json
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign

from ..formulas import Component, DepartmentScore, batch_scores, rank
from ..models import ScoreRow, ScoreSheet
from ..sources import collect_inputs, evaluated_departments, inputs_snapshot
from .config import config_get, settings_of, settings_snapshot
from .history import event_record


def _s(value) -> str | None:
    return None if value is None else str(value)


def _details(score: DepartmentScore) -> dict:
    """Intermediate values the export's detail sheets print."""
    h, c = score.hotline, score.committee
    return {
        "hotline": {
            "satisfied": h.satisfied,
            "basic": h.basic,
            "dissatisfied": h.dissatisfied,
            "rated": h.rated,
            "n_window": h.n_window,
            "n_baseline": h.n_baseline,
            "rate": _s(h.rate),
            "change": _s(h.change),
            "s": _s(h.s_score),
            "t": _s(h.t_score),
            "score": _s(h.score),
            "low_sample": h.low_sample,
        },
        "survey": [
            {
                "group": str(g.group),
                "label": g.group.label,
                "weight": str(g.weight),
                "counts": {str(r): n for r, n in g.ratings.counts.items()},
                "total": g.ratings.total,
                "mean": _s(g.mean),
                "score": _s(g.ratings.score),
            }
            for g in score.survey.groups
        ],
        "public_vote": {
            "counts": {str(r): n for r, n in score.public_vote.counts.items()},
            "total": score.public_vote.total,
            "score": _s(score.public_vote.score),
        },
        "committee": {
            "scores": [str(s) for s in c.scores],
            "dropped_high": _s(c.dropped_high),
            "dropped_low": _s(c.dropped_low),
            # Positions in "scores" (lowest first, then highest): marks go by position.
            "dropped_positions": list(c.dropped_positions),
            "roll": c.roll,
            "below_quorum": c.below_quorum,
            "score": _s(c.score),
        },
        # Component -> why it has no score (shown next to its "—").
        "missing_reasons": {str(k): v for k, v in score.missing_reasons().items()},
    }


def _canonical(value):
    """JSON with every number-like string as a normalized Decimal string, so that "0.25"
    and "0.2500", or "95" and "95.00", are the same input (issue 13: saving unchanged
    weights made an empty new version)."""
    if isinstance(value, dict):
        # A key holding None is the same as no key: snapshots stored before a key existed
        # (committee_roll) compare equal to new ones when the input is unknown in both.
        return {str(k): _canonical(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | Decimal | str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value
        if number.is_finite():
            return f"{number.normalize():f}" if number else "0"
    return value


def fingerprint(settings_snapshot: dict, inputs: dict) -> str:
    """Digest of a version's settings and inputs (department id -> inputs snapshot),
    comparing numbers as numbers. The quorum rule acts only on a committee roll: without
    any roll (sessions opened before rolls were stored) it cannot change a number, so it
    is left out, and versions stored before the setting existed still compare equal."""
    settings_snapshot = dict(settings_snapshot)
    if not any((v or {}).get("committee_roll") is not None for v in inputs.values()):
        settings_snapshot.pop("committee_quorum", None)
    payload = {
        "settings": _canonical(settings_snapshot),
        "inputs": [[str(k), _canonical(v)] for k, v in sorted(inputs.items())],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def sheet_fingerprint(sheet: ScoreSheet) -> str:
    """The fingerprint of a stored version, from its own snapshots (also for versions
    stored before fingerprints compared numbers as numbers)."""
    inputs = dict(sheet.rows.values_list("evaluated_id", "inputs"))
    return fingerprint(sheet.settings_snapshot, inputs)


@transaction.atomic
def sheet_recompute(*, campaign: Campaign, actor=None) -> ScoreSheet:
    """A new version from the current inputs, or the latest one when nothing changed.

    Versions of one campaign are numbered under a row lock on the campaign, so two
    recomputes never take the same number. Published versions are never touched."""
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    settings = settings_of(config_get(campaign=campaign)).validated()
    evaluated = evaluated_departments(campaign=campaign)
    inputs = collect_inputs(campaign=campaign, evaluated=evaluated)
    snapshot_settings = settings_snapshot(settings)
    snapshots = {item.key: inputs_snapshot(item) for item in inputs}
    digest = fingerprint(snapshot_settings, snapshots)
    latest = campaign.score_sheets.order_by("-version").first()
    if latest is not None and (
        latest.inputs_digest == digest or sheet_fingerprint(latest) == digest
    ):
        return latest

    scores = {s.key: s for s in batch_scores(inputs, settings)}  # ranked across the campaign
    batch_ranks: dict = {}
    by_batch: dict = {}
    for ev in evaluated:
        by_batch.setdefault(ev.batch_id, {})[ev.id] = scores[ev.id].score
    for composites in by_batch.values():
        batch_ranks.update(rank(composites))

    sheet = ScoreSheet.objects.create(
        campaign=campaign,
        version=(latest.version + 1) if latest else 1,
        created_at=timezone.now(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
        settings_snapshot=snapshot_settings,
        inputs_digest=digest,
        complete=all(not s.incomplete for s in scores.values()) and bool(scores),
    )
    ScoreRow.objects.bulk_create(
        ScoreRow(
            sheet=sheet,
            evaluated=ev,
            batch_name=ev.batch.name,
            department_name=ev.department.name,
            research=scores[ev.id].research.score,
            hotline=scores[ev.id].hotline.score,
            survey=scores[ev.id].survey.score,
            public_vote=scores[ev.id].public_vote.score,
            committee=scores[ev.id].committee.score,
            composite=scores[ev.id].score,
            rank_batch=batch_ranks[ev.id],
            rank_campaign=scores[ev.id].rank,
            missing=[str(c) for c in scores[ev.id].missing],
            low_sample=scores[ev.id].low_sample,
            explanation=scores[ev.id].explain(),
            inputs=snapshots[ev.id],
            details=_details(scores[ev.id]),
        )
        for ev in evaluated
    )
    event_record(
        campaign=campaign,
        actor=actor,
        action="sheet.recompute",
        summary=f"计算成绩表第 {sheet.version} 版" + ("" if sheet.complete else "（不完整）"),
        version=sheet.version,
    )
    return sheet


def incomplete_rows(sheet: ScoreSheet) -> list[str]:
    """'部门：缺少 A（理由）、B' for every department without a composite."""
    lines = []
    for row in sheet.rows.order_by("evaluated__batch__number", "evaluated__position"):
        if row.missing:
            reasons = (row.details or {}).get("missing_reasons", {})
            names = "、".join(
                Component(m).label + (f"（{reasons[m]}）" if m in reasons else "")
                for m in row.missing
            )
            lines.append(f"{row.department_name}：缺少{names}")
    return lines


def last_published(*, campaign: Campaign) -> ScoreSheet | None:
    return (
        campaign.score_sheets.filter(published_at__isnull=False)
        .select_related("published_by")
        .order_by("-version")
        .first()
    )


@transaction.atomic
def sheet_publish(*, sheet: ScoreSheet, actor, reason: str = "") -> ScoreSheet:
    """Publish the latest, complete version. When a version is already public this is a
    correction (发布更正版本): it needs a written reason, and the new sheet records the
    version it corrects; the published one is never written to."""
    Campaign.objects.select_for_update().filter(pk=sheet.campaign_id).first()
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.is_published:
        raise ValidationError("该版本已经公布")
    latest = sheet.campaign.score_sheets.order_by("-version").values_list("version", flat=True)[0]
    if sheet.version != latest:
        raise ValidationError(f"只能公布最新版本（第 {latest} 版）")
    missing = incomplete_rows(sheet)
    if missing or not sheet.complete:
        raise ValidationError(["成绩表不完整，不能公布：", *missing])
    previous = last_published(campaign=sheet.campaign)
    reason = (reason or "").strip()
    if previous is not None and not reason:
        raise ValidationError(f"第 {previous.version} 版已公布，发布更正版本须填写更正理由")
    sheet.published_at = timezone.now()
    sheet.published_by = actor
    fields = ["published_at", "published_by"]
    if previous is not None:
        sheet.corrects, sheet.correction_reason = previous, reason
        fields += ["corrects", "correction_reason"]
    sheet.save(update_fields=fields)
    event_record(
        campaign=sheet.campaign,
        actor=actor,
        action="sheet.correct" if previous else "sheet.publish",
        summary=(
            f"发布更正版本第 {sheet.version} 版（更正第 {previous.version} 版）：{reason[:100]}"
            if previous
            else f"公布成绩表第 {sheet.version} 版"
        ),
        version=sheet.version,
        **({"corrects": previous.version, "reason": reason} if previous else {}),
    )
    return sheet
