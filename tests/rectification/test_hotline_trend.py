"""The public key-issue page shows the 12345 trend of the categories the key issue names."""

from django.urls import reverse

from hotline.services import import_batch_create, import_batch_run
from tests.hotline.factories import ticket, write_csv


def issue_url(plan):
    ev = plan.key_issue.department
    return reverse("rectification:issue", args=[ev.campaign.slug, plan.key_issue_id])


def test_key_issue_page_shows_the_hotline_trend_of_its_categories(
    client, published_plan, tmp_path, django_assert_max_num_queries
):
    # Given a key issue linked to 教育>课后服务 and 10 such tickets last year, 7 this year
    issue = published_plan.key_issue
    issue.hotline_categories = "教育>课后服务"
    issue.save(update_fields=["hotline_categories"])
    dept = issue.department.department.name
    year = issue.department.campaign.year
    rows = [ticket(f"a{i}", when=f"{year - 1}-03-01", dept=dept, category="教育>课后服务>延时")
            for i in range(10)]  # fmt: skip
    rows += [ticket(f"b{i}", when=f"{year}-03-01", dept=dept, category="教育>课后服务")
             for i in range(7)]  # fmt: skip
    rows += [ticket("other", when=f"{year}-03-01", dept=dept, category="教育>招生入学")]
    path = write_csv(tmp_path / "t.csv", rows)
    import_batch_run(batch_id=import_batch_create(source_name="12345", path=str(path),
                                                  file_name="t.csv").pk)  # fmt: skip

    # When the public opens the key-issue page
    with django_assert_max_num_queries(11):
        body = client.get(issue_url(published_plan)).content.decode()

    # Then the trend counts only the linked categories (sub-categories included)
    assert "12345热线相关诉求" in body
    assert "评价期内相关诉求 <strong>7</strong> 件，上年同期 10 件" in body
    assert "同比下降 <strong>30.0%</strong>" in body
    assert 'data-chart-data="key-issue-trend"' in body
    assert "echarts.min.js" in body


def test_key_issue_without_hotline_categories_has_no_trend_section(client, published_plan):
    issue = published_plan.key_issue
    issue.hotline_categories = ""
    issue.save(update_fields=["hotline_categories"])

    body = client.get(issue_url(published_plan)).content.decode()

    assert "12345热线相关诉求" not in body
    assert "echarts.min.js" not in body
