import pytest
from django.urls import reverse

from tests.factories import BatchFactory, CampaignFactory, EvaluatedDepartmentFactory

pytestmark = pytest.mark.django_db


def campaign_with(departments_per_batch: int):
    campaign = CampaignFactory(title="2021年专项工作评议")
    for number in (1, 2):
        batch = BatchFactory(campaign=campaign, number=number, name=f"第{number}批")
        EvaluatedDepartmentFactory.create_batch(departments_per_batch, batch=batch)
    return campaign


def test_home_page_lists_batches_and_departments_without_login(client):
    campaign = campaign_with(3)

    response = client.get(reverse("home"))

    body = response.content.decode()
    assert response.status_code == 200
    assert campaign.title in body
    assert "第1批" in body and "第2批" in body
    evaluated = list(campaign.batches.get(number=1).evaluated.select_related("department"))
    assert len(evaluated) == 3  # the loop below checks something
    for ev in evaluated:
        assert ev.department.name in body


@pytest.mark.parametrize("per_batch", [2, 20])
def test_home_page_query_count_does_not_grow_with_departments(
    client, django_assert_max_num_queries, per_batch
):
    campaign_with(per_batch)

    with django_assert_max_num_queries(4):
        client.get(reverse("home"))


def test_campaign_page_by_slug(client, django_assert_max_num_queries):
    campaign = campaign_with(10)

    # campaign, batches, evaluated, plans, transitions, published votes, their candidates
    with django_assert_max_num_queries(7):
        response = client.get(reverse("campaigns:detail", args=[campaign.slug]))

    assert response.status_code == 200
    assert campaign.title in response.content.decode()


def test_unknown_campaign_gives_a_chinese_404(client):
    response = client.get("/no-such-campaign/")

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_home_page_with_no_campaign_says_so(client):
    response = client.get(reverse("home"))

    assert "目前还没有评议活动" in response.content.decode()


def test_department_names_are_escaped(client):
    EvaluatedDepartmentFactory(department__name="<script>alert(1)</script>局")

    body = client.get(reverse("home")).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;局" in body


def test_department_page_within_a_campaign(client, django_assert_max_num_queries):
    ev = EvaluatedDepartmentFactory(department__name="淄博市教育局", department__slug="education")

    # 1 for the page, up to 4 for key issues (issues app), 2 for the hotline figures
    # (aggregates, whatever the ticket count), 1 for the published scores, 2 for the batch's
    # stage stepper (plans, transitions).
    with django_assert_max_num_queries(10):
        response = client.get(f"/{ev.campaign.slug}/departments/education/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "淄博市教育局" in body and ev.campaign.title in body


def test_department_outside_the_campaign_is_not_found(client):
    ev = EvaluatedDepartmentFactory()
    other = EvaluatedDepartmentFactory()

    response = client.get(f"/{ev.campaign.slug}/departments/{other.department.slug}/")

    assert response.status_code == 404


def test_campaign_pages_link_to_department_pages(client):
    ev = EvaluatedDepartmentFactory(department__slug="education")

    body = client.get(f"/{ev.campaign.slug}/").content.decode()

    assert f'href="/{ev.campaign.slug}/departments/education/"' in body
