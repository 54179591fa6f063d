"""Online public vote (网上社会投票): a citizen proves a phone number with a one-time SMS
code and rates every department of the batch, once per campaign.

Stored identity: HMAC-SHA256 of the number keyed with VOTER_HASH_SECRET, never the number.
Codes: 6 digits, stored as an HMAC, valid SMS_CODE_MINUTES, at most SMS_CODE_MAX_ATTEMPTS
wrong tries. Rate limits are counted in the database (the PhoneCode rows), so they hold
across web processes without a shared cache: per number one code a minute and five an
hour, per client address SMS_CODES_PER_CLIENT_HOUR codes an hour.

Counted atomically: a request locks the SmsLimitLock rows of its number and its address
before it counts and writes, so N concurrent requests for one number send exactly one code
and a burst from one address stops exactly at the limit. A guess reserves an attempt
(a conditional UPDATE) before the code is compared, so concurrent wrong guesses never
exceed SMS_CODE_MAX_ATTEMPTS; a right code gives its reservation back."""

import hashlib
import hmac
import ipaddress
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.db.models.functions import TruncMinute
from django.utils import timezone

from campaigns.models import Batch, EvaluatedDepartment
from core.unlinking import ballots_rewrite, vacuum_on_commit

from ..formulas import Rating
from ..models import (
    PhoneCode,
    PublicBallot,
    PublicRating,
    PublicVote,
    PublicVoter,
    SmsLimitLock,
)
from ..sms import get_backend
from .corrections import correction_reason_check, correction_start
from .history import event_record
from .recompute import recompute_soon

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def _key() -> bytes:
    return settings.VOTER_HASH_SECRET.encode()


def phone_normalize(phone: str) -> str:
    phone = re.sub(r"[\s-]", "", phone or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not PHONE_RE.match(phone):
        raise ValidationError({"phone": "请输入正确的11位手机号码"})
    return phone


def voter_hash(phone: str) -> str:
    return hmac.new(_key(), b"voter:" + phone.encode(), hashlib.sha256).hexdigest()


def _code_hash(phone_hash: str, code: str) -> str:
    return hmac.new(_key(), f"code:{phone_hash}:{code}".encode(), hashlib.sha256).hexdigest()


def _seal(voter_id) -> str:
    return hmac.new(_key(), f"seal:{voter_id}".encode(), hashlib.sha256).hexdigest()


def client_network(ip: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) a client address belongs to: one office, one carrier NAT."""
    address = ipaddress.ip_address(ip)
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


@transaction.atomic
def vote_set_open(*, batch: Batch, is_open: bool, actor, reason: str = "") -> PublicVote:
    """Open or close. Re-opening after publication starts a correction (a reason). Closing
    waits for ballots in flight (they lock the vote row) and rewrites the ballots unlinkable
    from their voters (core.unlinking); seals carry over, so a void after the close still
    finds its ballot."""
    vote, _ = PublicVote.objects.get_or_create(batch=batch, defaults={"campaign": batch.campaign})
    vote = PublicVote.objects.select_for_update().get(pk=vote.pk)
    if is_open and not vote.is_open:
        correction_start(
            campaign=batch.campaign,
            actor=actor,
            act=vote_reopen_act(batch),
            reason=reason,
        )
    vote.is_open = is_open
    vote.save(update_fields=["is_open"])
    if not is_open:
        ballots_rewrite(
            ballots=PublicBallot.objects.filter(vote=vote), children=[(PublicRating, "ballot")]
        )
        vacuum_on_commit(PublicBallot, PublicRating)
    event_record(
        campaign=batch.campaign,
        actor=actor,
        action="public_vote.open" if is_open else "public_vote.close",
        summary=f"{batch.name} 网上社会投票{'开始' if is_open else '结束'}",
    )
    return vote


def _limits_lock(*keys: str) -> None:
    """Lock the limit rows of `keys` until the caller's transaction ends. The rows are created
    first, each in its own short transaction (a concurrent creator of the same key makes
    get_or_create read the winner's row), then locked in key order so two requests never
    wait on each other crosswise."""
    for key in keys:
        SmsLimitLock.objects.get_or_create(key=key)
    list(SmsLimitLock.objects.select_for_update().filter(key__in=keys).order_by("key"))


def code_request(*, vote: PublicVote, phone: str, client_ip: str) -> None:
    """Send a verification code, within the rate limits (counted under the limit locks)."""
    if not vote.is_open:
        raise ValidationError("网上社会投票未开放")
    phone = phone_normalize(phone)
    phone_hash = voter_hash(phone)
    if PublicVoter.objects.filter(campaign_id=vote.campaign_id, voter_hash=phone_hash).exists():
        raise ValidationError("该手机号已经投过票，每个手机号在本次评议中只能投票一次")
    keys = (f"phone:{phone_hash}", f"ip:{client_ip}")
    with transaction.atomic():
        _limits_lock(*keys)
        now = timezone.now()  # after the wait: the other request's row is already in
        recent = PhoneCode.objects.filter(
            phone_hash=phone_hash, created_at__gte=now - timedelta(hours=1)
        )
        if recent.filter(created_at__gte=now - timedelta(seconds=60)).exists():
            raise ValidationError("验证码发送过于频繁，请 1 分钟后再试")
        if recent.count() >= settings.SMS_CODES_PER_PHONE_HOUR:
            raise ValidationError("该手机号获取验证码次数过多，请 1 小时后再试")
        per_client = PhoneCode.objects.filter(
            client_ip=client_ip, created_at__gte=now - timedelta(hours=1)
        ).count()
        if per_client >= settings.SMS_CODES_PER_CLIENT_HOUR:
            raise ValidationError("当前网络获取验证码次数过多，请稍后再试")
        code = f"{secrets.randbelow(10**6):06d}"
        minutes = settings.SMS_CODE_MINUTES
        PhoneCode.objects.create(
            vote=vote,
            phone_hash=phone_hash,
            code_hash=_code_hash(phone_hash, code),
            client_ip=client_ip,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    # Sent once the code row is committed (the locks are released by then).
    get_backend().send_code(phone=phone, code=code, minutes=minutes)


def _check_code(*, phone_hash: str, code: str) -> PhoneCode:
    """The matching live code; a refusal names the field "code" (the page links to it).
    Every check first reserves one attempt with a conditional UPDATE (attempts < limit), so
    however many guesses arrive at once, at most SMS_CODE_MAX_ATTEMPTS are ever compared; a
    wrong code keeps its reservation, a right one gives it back. The reservation is committed
    at once, outside the caller's transaction (this runs in autocommit), so it is kept even
    when the ballot then fails."""
    now = timezone.now()
    live = (
        PhoneCode.objects.filter(phone_hash=phone_hash, used_at=None, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if live is None:
        raise ValidationError({"code": "验证码已失效，请重新获取"})
    reserved = PhoneCode.objects.filter(
        pk=live.pk, attempts__lt=settings.SMS_CODE_MAX_ATTEMPTS
    ).update(attempts=F("attempts") + 1)
    if not reserved:
        raise ValidationError({"code": "验证码错误次数过多，请重新获取"})
    if not hmac.compare_digest(live.code_hash, _code_hash(phone_hash, (code or "").strip())):
        raise ValidationError({"code": "验证码不正确"})
    PhoneCode.objects.filter(pk=live.pk).update(attempts=F("attempts") - 1)
    return live


def public_ballot_submit(
    *, vote: PublicVote, phone: str, code: str, ratings: dict, client_ip: str
) -> None:
    """Verify the code and record the ballot: `ratings` maps every evaluated department id
    of the batch to a rating. One ballot per voter per campaign (database constraint)."""
    phone_hash = voter_hash(phone_normalize(phone))
    evaluated_ids = set(
        EvaluatedDepartment.objects.filter(batch_id=vote.batch_id).values_list("id", flat=True)
    )
    if set(ratings) != evaluated_ids:
        raise ValidationError("请对每个被评议部门（单位）作出评价")
    if not set(ratings.values()) <= set(Rating):
        raise ValidationError("评价只能是满意、基本满意或不满意")
    live = _check_code(phone_hash=phone_hash, code=code)
    try:
        with transaction.atomic():
            locked = PublicVote.objects.select_for_update().get(pk=vote.pk)
            if not locked.is_open:
                raise ValidationError("网上社会投票已结束，选票不再计入")
            used = PhoneCode.objects.filter(pk=live.pk, used_at=None).update(used_at=timezone.now())
            if not used:
                raise ValidationError({"code": "验证码已使用，请重新获取"})
            voter = PublicVoter.objects.create(
                campaign_id=vote.campaign_id,
                vote=locked,
                voter_hash=phone_hash,
                client_ip=client_ip,
                client_network=client_network(client_ip),
                voted_at=timezone.now(),
            )
            ballot = PublicBallot.objects.create(vote=locked, seal=_seal(voter.id))
            PublicRating.objects.bulk_create(
                PublicRating(ballot=ballot, evaluated_id=ev_id, rating=rating)
                for ev_id, rating in ratings.items()
            )
    except IntegrityError:
        raise ValidationError("该手机号已经投过票，每个手机号在本次评议中只能投票一次") from None
    recompute_soon(vote.campaign_id)


@transaction.atomic
def vote_reopen_act(batch: Batch) -> str:
    return f"重新开启{batch.name}网上社会投票"


def vote_open_check(*, batch: Batch, is_open: bool, reason: str) -> None:
    """What vote_set_open would refuse before writing anything (its review page asks first)."""
    vote = PublicVote.objects.filter(batch=batch).first()
    if is_open and not (vote and vote.is_open):
        correction_reason_check(campaign=batch.campaign, act=vote_reopen_act(batch), reason=reason)


def voter_void_check(*, reason: str) -> None:
    if not (reason or "").strip():
        raise ValidationError("请填写作废原因")


def voter_void(*, voter: PublicVoter, reason: str, actor) -> None:
    """Void a participation and, through its seal, exactly its ballot; logged with reason."""
    reason = (reason or "").strip()
    voter_void_check(reason=reason)
    voter = PublicVoter.objects.select_for_update().get(pk=voter.pk)
    if voter.voided_at is not None:
        raise ValidationError("该选票已作废")
    correction_start(campaign=voter.campaign, actor=actor, act="作废一张网上投票", reason=reason)
    voter.voided_at = timezone.now()
    voter.void_reason = reason[:200]
    voter.save(update_fields=["voided_at", "void_reason"])
    PublicBallot.objects.filter(seal=_seal(voter.id)).update(voided=True)
    event_record(
        campaign=voter.campaign,
        actor=actor,
        action="public_vote.void",
        summary=f"作废一张网上投票（来自 {voter.client_network}）：{reason[:100]}",
        voter=str(voter.id),
        reason=reason,
    )
    recompute_soon(voter.campaign_id)


@dataclass(frozen=True)
class Anomaly:
    kind: str  # "burst" or "numbers"
    where: str  # a network or a client address
    count: int
    minute: object = None


def vote_anomalies(*, vote: PublicVote) -> list[Anomaly]:
    """Signals for staff: bursts of ballots from one network within a minute, and one client
    address asking codes for many numbers. Two GROUP BY queries."""
    bursts = (
        PublicVoter.objects.filter(vote=vote, voided_at=None)
        .annotate(minute=TruncMinute("voted_at"))
        .values("client_network", "minute")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.PUBLIC_VOTE_BURST_PER_MINUTE)
        .order_by("-n")[:50]
    )
    numbers = (
        PhoneCode.objects.filter(vote=vote)
        .values("client_ip")
        .annotate(n=Count("phone_hash", distinct=True))
        .filter(n__gte=settings.PUBLIC_VOTE_NUMBERS_PER_CLIENT)
        .order_by("-n")[:50]
    )
    return [Anomaly("burst", b["client_network"], b["n"], b["minute"]) for b in bursts] + [
        Anomaly("numbers", n["client_ip"], n["n"]) for n in numbers
    ]
