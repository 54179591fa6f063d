import datetime as dt
import io

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image

from rectification.models import Measure, Notice, Plan
from tests.issues.factories import ConfirmedKeyIssueFactory


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    key_issue = factory.SubFactory(ConfirmedKeyIssueFactory)
    goals = "小学课后延时服务全覆盖。"
    deadline = dt.date(2021, 7, 31)


class MeasureFactory(DjangoModelFactory):
    class Meta:
        model = Measure

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"整改措施{n}")
    responsible_unit = "基础教育科"
    responsible_person = "张科长"
    deadline = dt.date(2021, 6, 30)
    position = factory.Sequence(lambda n: n)


def jpeg_bytes(size=(800, 600), color=(200, 40, 30), exif_orientation: int | None = None) -> bytes:
    img = Image.new("RGB", size, color)
    out = io.BytesIO()
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        exif[0x010F] = "TestCam"  # Make
        img.save(out, format="JPEG", exif=exif.tobytes())
    else:
        img.save(out, format="JPEG")
    return out.getvalue()


class NoticeFactory(DjangoModelFactory):
    """A workspace reminder (rectification.Notice); unread unless read_at is given."""

    class Meta:
        model = Notice

    recipient = factory.SubFactory("tests.factories.LiaisonFactory")
    kind = Notice.Kind.OVERDUE
    object_id = factory.Sequence(lambda n: n + 1)
    condition_key = "2021-06-30"
    message = factory.Sequence(lambda n: f"市教育局：整改措施“措施{n}”已逾期 3 天。")
    url = "/workspace/liaison/rectification/"
    created_at = factory.LazyFunction(timezone.now)
