"""The login form refuses what cannot be a username before anything is recorded."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_username_longer_than_any_account_is_a_form_error_not_a_500(client):
    """Found by the malformed-input walk on PostgreSQL: a 100 KB username went to
    authenticate(), whose failure django-axes stores in a 255-character column."""
    response = client.post(reverse("accounts:login"), {"username": "a" * 100_000, "password": "x"})

    assert response.status_code == 200
    assert "用户名" in response.content.decode()
    assert not AccessAttempt.objects.exists()
