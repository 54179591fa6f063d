"""schemathesis against /api/schema/: every operation, generated requests (bounded), on a
seeded database, through WSGI. No server errors, responses match the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import ApiClient, Scope
from rectification import services
from scoring.services.sheets import sheet_recompute
from tests.api.test_hotline_data_api import tickets
from tests.factories import LiaisonFactory
from tests.issues.factories import ConfirmedKeyIssueFactory, SuggestionFactory
from tests.rectification.factories import MeasureFactory, PlanFactory
from tests.scoring.factories import campaign_with_batch

# No server errors, and every response (status, content type, headers, body) as the schema
# says. Left out: "positive data acceptance", which expects every schema-valid request to
# succeed; filters rightly answer 400 to values OpenAPI cannot bound (a NUL character in
# ?search=, a year beyond the column's range), with the documented error body.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def seeded(db):
    staff, campaign, batch, evaluated = campaign_with_batch(2)
    issue = ConfirmedKeyIssueFactory(department=evaluated[0])
    # a published plan with a measure, a pending and a published update, and tickets with
    # their aggregates, so the rectification and hotline endpoints answer with data
    liaison = LiaisonFactory(department=evaluated[0].department)
    plan = PlanFactory(key_issue=issue)
    MeasureFactory(plan=plan, target_value=10, target_unit="处")
    services.plan_submit(plan=plan, actor=liaison)
    services.plan_publish(plan=plan, actor=staff)
    shown = services.update_create(plan=plan, actor=liaison, text="已公开", percent=30)
    services.update_publish(update=shown, actor=staff)
    services.update_create(plan=plan, actor=liaison, text="待审核", percent=40)
    tickets(evaluated[0].department, 4)
    SuggestionFactory(campaign=campaign, text='=HYPERLINK("http://x","y")')
    sheet = sheet_recompute(campaign=campaign, actor=staff)
    sheet.published_at = timezone.now()
    sheet.save()
    client = ApiClient(name="fuzz", user=staff, scopes=list(Scope.values))
    token = client.issue_key()
    client.save()
    return token


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection after each request (Django's test
    client switches that off the same way): the test's transaction must survive."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_conforms_to_its_schema(seeded, keep_connection, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # generated uploads land here
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    # Schemathesis's WSGI transport asks for gzip (requests' default) but never inflates the
    # body; the compression itself is tested in tests/core/test_compression.py.
    headers = {"Authorization": f"Token {seeded}", "Accept-Encoding": "identity"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=15,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
