"""A liaison marks reminders read, one or all; the home page shows the unread count."""

import pytest
from django.urls import reverse

from rectification.models import Notice
from tests.factories import LiaisonFactory, StaffFactory

from .factories import NoticeFactory

pytestmark = pytest.mark.django_db

HOME = "rectification:liaison"


def _read_states():
    return dict(Notice.objects.values_list("pk", "read_at"))


def test_home_shows_unread_count_and_read_buttons(client):
    liaison = LiaisonFactory()
    NoticeFactory.create_batch(3, recipient=liaison)
    client.force_login(liaison)

    html = client.get(reverse(HOME)).content.decode()

    assert 'data-unread="3"' in html and "未读 3" in html
    assert reverse("rectification:liaison-notices-read-all") in html
    assert html.count(">标为已读<") == 3
    assert 'name="csrfmiddlewaretoken"' in html and 'name="form_token"' in html


def test_liaison_marks_one_reminder_read(client):
    liaison = LiaisonFactory()
    first, second = NoticeFactory.create_batch(2, recipient=liaison)
    client.force_login(liaison)

    response = client.post(reverse("rectification:liaison-notice-read", args=[first.pk]))

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    html = client.get(reverse(HOME)).content.decode()
    assert 'data-unread="1"' in html
    # Reading it again keeps the first time.
    read_at = first.read_at
    client.post(reverse("rectification:liaison-notice-read", args=[first.pk]))
    first.refresh_from_db()
    assert first.read_at == read_at


def test_liaison_marks_all_reminders_read_and_only_their_own(client):
    liaison, other = LiaisonFactory(), LiaisonFactory()
    NoticeFactory.create_batch(3, recipient=liaison)
    others = NoticeFactory(recipient=other)
    client.force_login(liaison)

    response = client.post(reverse("rectification:liaison-notices-read-all"), follow=True)

    assert "已将 3 条提醒标记为已读" in " ".join(str(m) for m in response.context["messages"])
    assert not Notice.objects.filter(recipient=liaison, read_at__isnull=True).exists()
    others.refresh_from_db()
    assert others.read_at is None
    html = response.content.decode()
    assert 'data-unread="0"' in html and "全部标为已读" not in html


def test_another_users_reminder_answers_404_and_stays_unread(client):
    notice = NoticeFactory()
    client.force_login(LiaisonFactory())

    response = client.post(reverse("rectification:liaison-notice-read", args=[notice.pk]))

    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_liaisons_post_to_the_read_routes(client, method):
    notice = NoticeFactory()
    before = _read_states()
    client.force_login(StaffFactory())

    one = getattr(client, method)(reverse("rectification:liaison-notice-read", args=[notice.pk]))
    every = getattr(client, method)(reverse("rectification:liaison-notices-read-all"))

    assert one.status_code in (403, 405) and every.status_code in (403, 405)
    assert _read_states() == before


def test_liaison_home_reads_reminders_in_fixed_queries(client, django_assert_max_num_queries):
    liaison = LiaisonFactory()
    NoticeFactory.create_batch(2, recipient=liaison)
    client.force_login(liaison)
    client.get(reverse(HOME))  # warm the session and caches
    with django_assert_max_num_queries(30) as few:
        client.get(reverse(HOME))
    NoticeFactory.create_batch(15, recipient=liaison)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(HOME))
