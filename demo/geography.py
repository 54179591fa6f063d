"""Zibo's districts and counties and some of their towns and street offices."""

from departments.models import District, Organizer, Town

DISTRICTS = [
    ("张店区", "district", ["车站街道", "公园街道", "和平街道", "科苑街道", "马尚街道", "中埠镇"]),
    ("淄川区", "district", ["般阳路街道", "松龄路街道", "钟楼街道", "昆仑镇", "罗村镇"]),
    ("博山区", "district", ["城东街道", "城西街道", "山头街道", "博山镇", "池上镇"]),
    ("周村区", "district", ["丝绸路街道", "青年路街道", "永安街街道", "王村镇"]),
    ("临淄区", "district", ["闻韶街道", "雪宫街道", "辛店街道", "齐都镇", "皇城镇"]),
    ("桓台县", "county", ["索镇街道", "少海街道", "田庄镇", "马桥镇"]),
    ("高青县", "county", ["田镇街道", "芦湖街道", "高城镇", "黑里寨镇"]),
    ("沂源县", "county", ["历山街道", "南麻街道", "鲁村镇", "东里镇"]),
]

CITY_COMMITTEE = "淄博市人大常委会"
BOSHAN_COMMITTEE = "博山区人大常委会"


def load() -> None:
    for position, (name, kind, towns) in enumerate(DISTRICTS, start=1):
        district, _ = District.objects.update_or_create(
            name=name, defaults={"kind": kind, "position": position}
        )
        for town in towns:
            Town.objects.update_or_create(
                district=district,
                name=town,
                defaults={"kind": "street" if town.endswith("街道") else "town"},
            )
    Organizer.objects.update_or_create(
        name=CITY_COMMITTEE, defaults={"short_name": "市人大常委会", "level": "city"}
    )
    Organizer.objects.update_or_create(
        name=BOSHAN_COMMITTEE,
        defaults={
            "short_name": "博山区人大常委会",
            "level": "district",
            "district": District.objects.get(name="博山区"),
        },
    )
