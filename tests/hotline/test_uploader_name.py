"""The import page names the uploader by full name, not username (issue 14)."""

import pytest
from django.urls import reverse

from hotline.services import import_batch_create
from tests.factories import StaffFactory
from tests.hotline.factories import ticket, write_csv

pytestmark = pytest.mark.django_db


def test_import_page_shows_the_uploaders_name(client, tmp_path):
    staff = StaffFactory(name="王晓燕", username="wangxy")
    path = write_csv(tmp_path / "a.csv", [ticket(1)])
    batch = import_batch_create(source_name="12345", path=str(path), file_name="a.csv", actor=staff)
    client.force_login(staff)

    page = client.get(reverse("hotline:import", args=[batch.pk])).content.decode()

    meta = page[page.index('class="meta"') :][:300]
    assert "王晓燕" in meta and "wangxy" not in meta
