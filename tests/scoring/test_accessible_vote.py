"""The public vote's refusals are named on the page (issue 19): a wrong phone number or SMS
code is shown again (400) in the error summary, linked to its field and marked invalid, with
the ratings kept; nothing is recorded."""

import pytest
from django.urls import reverse

from scoring import sms
from scoring.models import PhoneCode, PublicBallot
from scoring.services.public_vote import vote_set_open
from tests.scoring.factories import campaign_with_batch
from tests.support.a11y import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def vote(settings):
    settings.SMS_BACKEND = "scoring.sms.LocmemSmsBackend"
    sms.outbox.clear()
    staff, campaign, batch, evaluated = campaign_with_batch(2)
    vote_set_open(batch=batch, is_open=True, actor=staff)
    return reverse("scoring:public-vote", args=[campaign.slug, 1]), evaluated


def test_a_wrong_phone_number_is_named_at_its_field(client, vote):
    url, _ = vote

    response = client.post(url, {"action": "code", "phone": "1234"})

    assert response.status_code == 400
    html = response.content.decode()
    page = Page(html)
    assert page.summary_links == [("#phone", "请输入正确的11位手机号码")]
    assert page.invalid == {"phone"} and page.dangling() == []
    assert 'value="1234"' in html and not PhoneCode.objects.exists()


def test_a_wrong_code_is_named_at_the_code_field_and_the_ratings_are_kept(client, vote):
    url, (a, b) = vote
    client.post(url, {"action": "code", "phone": "13912345678"})
    sent = sms.outbox[-1]["code"]
    wrong = "000000" if sent != "000000" else "111111"

    response = client.post(
        url,
        {
            "action": "vote",
            "phone": "13912345678",
            "code": wrong,
            f"rating_{a.pk}": "satisfied",
            f"rating_{b.pk}": "dissatisfied",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    page = Page(html)
    assert page.summary_links == [("#code", "验证码不正确")]
    assert page.invalid == {"code"} and page.dangling() == []
    assert (
        f'id="rating_{b.pk}_2" name="rating_{b.pk}" value="dissatisfied" required checked' in html
    )
    assert not PublicBallot.objects.exists()
