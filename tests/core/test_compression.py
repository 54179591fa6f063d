"""Pages are sent gzip-compressed to browsers that accept it (core.compression, Django's
BREACH-safe GZipMiddleware); downloads and streams are sent as they are."""

import gzip

import pytest
from django.urls import reverse

from hotline.services import import_batch_create, import_batch_run
from tests.factories import EvaluatedDepartmentFactory, StaffFactory
from tests.hotline.factories import ticket, write_csv

pytestmark = pytest.mark.django_db
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_a_public_page_is_gzipped_when_the_browser_accepts_it(client):
    campaign = EvaluatedDepartmentFactory(batch__campaign__title="压缩测试评议").campaign
    url = reverse("campaigns:detail", args=[campaign.slug])

    packed = client.get(url, **GZIP)
    plain = client.get(url)

    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert "压缩测试评议" in html and '<meta name="description"' in html
    assert len(packed.content) < len(plain.content) / 2
    # BREACH mitigation (Django >= 4.2): random bytes in the gzip header's file name field
    # (FLG.FNAME), so the same page does not compress to a steady length.
    assert packed.content[3] & 0x08
    assert not plain.has_header("Content-Encoding")
    assert "压缩测试评议" in plain.content.decode()


def test_a_page_that_varies_with_the_session_is_still_compressed_per_request(client):
    staff = StaffFactory()
    client.force_login(staff)

    response = client.get(reverse("accounts:workspace-staff"), **GZIP)

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "<html" in gzip.decompress(response.content).decode()


def test_downloads_are_not_compressed(client, tmp_path):
    evaluated = EvaluatedDepartmentFactory(
        department__name="淄博市公安局", batch__campaign__year=2021
    )
    path = write_csv(tmp_path / "a.csv", [ticket(1), ticket(2, when="明天")])
    batch = import_batch_run(
        batch_id=import_batch_create(source_name="12345", path=str(path), file_name="a.csv").pk
    )
    client.force_login(StaffFactory(organizer=evaluated.campaign.organizer))

    streamed = client.get(reverse("hotline:import-errors", args=[batch.pk, "csv"]), **GZIP)
    workbook = client.get(reverse("hotline:import-errors", args=[batch.pk, "xlsx"]), **GZIP)

    assert streamed.streaming and not streamed.has_header("Content-Encoding")
    assert "明天" in b"".join(streamed.streaming_content).decode("utf-8-sig")
    assert workbook.content[:2] == b"PK" and not workbook.has_header("Content-Encoding")
