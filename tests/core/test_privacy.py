"""core.privacy: the one masking of mobile numbers in free text, used by every export."""

from core import privacy
from hotline.importing import parsing
from issues import exports


def test_mobile_numbers_in_text_keep_their_first_three_and_last_four_digits():
    text = "请回电13800001234，座机0533-2281234，工单2021031300001234"

    assert privacy.mask_mobiles(text) == "请回电138****1234，座机0533-2281234，工单2021031300001234"
    assert privacy.mask_mobiles(privacy.mask_mobiles(text)) == privacy.mask_mobiles(text)


def test_suggestions_and_hotline_exports_share_the_one_implementation():
    assert exports.mask_mobiles is privacy.mask_mobiles
    assert parsing.mask_mobiles is privacy.mask_mobiles
