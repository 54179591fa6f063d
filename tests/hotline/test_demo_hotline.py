import datetime as dt

import pytest
from django.core.management import call_command

from departments.models import Department
from hotline.models import ImportBatch
from hotline.selectors import hotline_counts

pytestmark = pytest.mark.django_db


def test_demo_tickets_follow_the_seeds_figures(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", "--quiet-logins")

    batch = ImportBatch.objects.get()
    assert batch.state == "done" and batch.read == batch.inserted + 3 > 5000
    # The demo's import belongs to the city committee, so its staff (and only they) see it.
    assert batch.organizer.name == "淄博市人大常委会" == batch.source.organizer.name
    assert batch.rejected == 3
    assert set(batch.unmatched) == {"张店区交警大队", "淄博市热力有限公司"}
    ids = dict(Department.objects.values_list("slug", "id"))
    counts = hotline_counts(
        department_ids=list(ids.values()), start=dt.date(2021, 1, 1), end=dt.date(2021, 10, 31)
    )
    police = counts[ids["public-security"]]
    assert 0.78 < (police.satisfied + police.basic) / police.rated < 0.88
    window = sum(c.n_window for c in counts.values())
    baseline = sum(c.n_baseline for c in counts.values())
    assert -0.35 < (window - baseline) / baseline < -0.2
    housing = counts[ids["housing"]]
    assert housing.n_window < housing.n_baseline
