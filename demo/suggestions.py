"""Demo suggestions, themes and key issues for the 2021 campaign.

The key issues the seeds name (004_*.txt: 学校课后服务不能满足群众需求, 为老年人助餐服务资源有效
供给不足, 公交整体服务水平与群众期盼还有差距, 增加公共阅读空间, 市管公园设施不全服务不细, 断保人员
续保难题, the medical insurance accounts ...) plus plausible ones for the other departments:
14 in batch 1 and 23 in batch 2, as in the seeds. Each has a focus theme whose suggestions are
generated from a few phrasings (a fixed seed, so the text never changes), plus suggestions
still waiting for triage. Idempotent: rows are keyed on natural keys (import_key
"demo:...", theme and key-issue titles) and a second run creates or changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from zoneinfo import ZoneInfo

from accounts.models import User
from campaigns.models import Campaign, EvaluatedDepartment
from departments.models import District
from issues.models import Channel, KeyIssue, SourceType, Suggestion, SuggestionAnswer, Theme
from issues.services import RECEIPT_ALPHABET

TZ = ZoneInfo("Asia/Shanghai")

# slug -> [(key issue, description, hotline categories, theme, public summary, phrasings)]
KEY_ISSUES: dict[str, list[tuple[str, str, str, str, str, list[str]]]] = {
    "education": [
        (
            "学校课后服务不能满足群众需求",
            "小学放学时间早于家长下班时间，课后服务覆盖面不足、内容单一。",
            "教育>课后服务\n教育>校外托管",
            "小学放学早、课后无人看管",
            "家长普遍反映小学放学时间早于下班时间，希望学校普遍开展课后延时服务。",
            [
                "孩子下午三点半就放学了，双职工根本接不了，建议学校开展课后延时服务",
                "小学放学太早，家长还在上班，孩子放学后没人看管",
                "校外托管班收费贵、安全没保障，学校能不能延长在校时间",
                "课后服务只是看着写作业，希望增加兴趣小组和体育活动",
                "学校有课后服务但名额有限，报不上名",
            ],
        ),
        (
            "校外培训机构监管不到位",
            "部分校外培训机构无证办学、预收费用过高、退费难。",
            "教育>校外培训",
            "校外培训机构收费和退费",
            "群众反映部分校外培训机构预收费用多、退费难，希望加强监管。",
            [
                "培训机构一次要交一年的学费，跑路了钱要不回来",
                "小区底商开了好几家培训班，不知道有没有资质",
                "报的辅导班想退费，机构一直拖着不退",
            ],
        ),
        (
            "中小学校周边交通秩序混乱",
            "上下学高峰校门口接送车辆乱停，存在安全隐患。",
            "教育>校园安全\n交通管理>违章停车",
            "校门口接送拥堵",
            "上下学时段校门口接送车辆拥堵、乱停，家长希望规划接送区域。",
            [
                "早上送孩子校门口堵成一团，车都乱停",
                "学校门口没有接送等候区，家长只能站在马路上等",
                "放学时校门口电动车和汽车混在一起，太危险",
            ],
        ),
    ],
    "civil-affairs": [
        (
            "为老年人助餐服务资源有效供给不足",
            "长者食堂数量少、分布不均，老年人就餐不便。",
            "民政>养老服务\n民政>老年助餐",
            "长者食堂少、老人吃饭难",
            "独居、高龄老人做饭不便，希望在社区多建长者食堂并给予就餐补贴。",
            [
                "社区老年人多，独居老人做饭不方便，建议多建长者食堂",
                "父母都八十多了，自己做饭困难，附近要是有个老年食堂就好了",
                "长者食堂饭菜价格能不能再便宜点，退休金不高的老人吃不起",
                "村里老人吃饭是个大问题，儿女都在外地打工",
                "助老餐桌只在几个大社区有，我们小区的老人要走很远",
            ],
        ),
        (
            "养老机构服务质量参差不齐",
            "部分养老机构护理人员不足、服务不规范。",
            "民政>养老机构",
            "养老院护理服务质量",
            "群众反映部分养老机构护理人员少、收费不透明。",
            [
                "养老院护工太少，一个人照顾十几个老人",
                "养老机构收费项目不透明，经常额外收钱",
                "想给失能老人找个养老院，好的排不上，差的不放心",
            ],
        ),
        (
            "社区居家养老服务覆盖不足",
            "居家养老上门服务项目少、覆盖面窄。",
            "民政>居家养老",
            "居家养老上门服务",
            "老年人希望增加助浴、助医等居家上门服务。",
            [
                "老人腿脚不好，希望社区能提供上门助浴服务",
                "居家养老服务中心平时总锁着门",
                "希望有人定期上门看看独居老人",
            ],
        ),
    ],
    "public-security": [
        (
            "交通信号配时不合理、高峰拥堵",
            "部分路口信号灯配时不合理，早晚高峰拥堵严重。",
            "交通管理>信号灯\n交通管理>交通拥堵",
            "路口信号灯配时和拥堵",
            "市民反映部分路口红灯时间长、早晚高峰拥堵，希望优化信号配时。",
            [
                "这个路口红灯太长了，早晚高峰排好几百米",
                "信号灯配时不合理，直行绿灯太短",
                "上下班高峰堵得厉害，交警能不能多疏导",
            ],
        ),
        (
            "户籍业务办理等待时间长",
            "户籍窗口少、材料要求多，群众多次跑腿。",
            "公安>户籍办理",
            "户籍办理跑腿多",
            "群众反映办理户籍业务排队时间长、材料要求不一，希望一次办好。",
            [
                "办个户口迁移跑了三趟，每次都说缺材料",
                "派出所户籍窗口就开一个，排队一上午",
                "能不能网上预约办身份证",
            ],
        ),
    ],
    "transport": [
        (
            "公交整体服务水平与群众期盼还有差距",
            "线路覆盖不足、发车间隔长、准点率低。",
            "交通运输>公交服务\n交通运输>公交线路",
            "公交线路少、等车时间长",
            "市民希望优化公交线路、缩短发车间隔，新建小区和园区尽快通公交。",
            [
                "公交车等半个小时也不来，上班经常迟到",
                "新小区入住好几年了还没有公交线路",
                "公交车末班车太早，晚上下班回不了家",
                "建议开通到工业园区的定制公交",
                "公交站台没有遮雨棚，下雨天等车全身湿透",
            ],
        ),
        (
            "农村客运班线少、群众出行不便",
            "部分镇村客运班次少，群众进城难。",
            "交通运输>农村客运",
            "农村客运班次少",
            "农村群众反映客车班次少、停运多，希望保障镇村公交。",
            [
                "村里一天就两班车，错过了就进不了城",
                "镇上到县城的客车经常停运",
                "希望村村通公交能真正通到村口",
            ],
        ),
    ],
    "housing": [
        (
            "老旧小区改造进度慢、质量不高",
            "改造工期拖延，部分项目质量不达标。",
            "城乡建设>老旧小区改造",
            "老旧小区改造",
            "居民希望老旧小区改造加快进度、保证质量，并听取居民意见。",
            [
                "小区改造挖开路面半年了还没完工",
                "老旧小区改造刚铺的路就裂了",
                "改造方案没征求居民意见，加装的设施不实用",
            ],
        ),
        (
            "物业服务不规范、群众投诉多",
            "部分物业企业收费不透明、服务不到位。",
            "城乡建设>物业管理",
            "物业服务与收费",
            "业主反映物业收费不透明、维修不及时，希望加强物业监管。",
            [
                "物业费年年涨，服务越来越差",
                "楼道灯坏了报修一个月没人来",
                "物业不公开公共收益的去向",
            ],
        ),
    ],
    "urban-management": [
        (
            "市管公园设施不全服务不细",
            "公园健身器材、座椅、照明和厕所不足，管理不细。",
            "城市管理>公园管理",
            "公园设施不全",
            "市民希望公园增加健身器材、座椅、照明和厕所，服务更细致。",
            [
                "人民公园健身器材太少，座椅也不够，老人走累了没地方坐",
                "公园里路灯坏了好久没人修，晚上散步不安全",
                "公园厕所太少而且不干净",
                "齐盛湖公园垃圾桶少，周末垃圾到处都是",
            ],
        ),
        (
            "占道经营和噪音扰民治理不到位",
            "夜市占道、广场舞噪音等问题反复出现。",
            "城市管理>占道经营\n城市管理>噪音扰民",
            "占道经营和夜间噪音",
            "居民反映夜市占道经营、夜间噪音扰民，希望加强管理。",
            [
                "小区门口夜市占道，晚上车都开不进去",
                "广场舞音响开得太大，晚上十点还在跳",
                "烧烤摊占了人行道，油烟大",
            ],
        ),
    ],
    "culture-tourism": [
        (
            "增加公共阅读空间",
            "公共图书馆分布少、开放时间短，居民就近阅读不便。",
            "文化旅游>公共文化服务",
            "就近阅读的地方少",
            "市民希望在社区和商圈建设城市书房，延长开放时间。",
            [
                "离家最近的图书馆也要坐半小时公交",
                "图书馆周末人太多，找不到座位",
                "希望小区附近能有个城市书房，晚上也能去看书",
                "农家书屋常年锁门，书也很旧",
            ],
        ),
        (
            "景区旅游服务质量有待提升",
            "部分景区停车难、导览标识不清。",
            "文化旅游>景区服务",
            "景区停车和服务",
            "游客反映节假日景区停车难、标识不清、服务不规范。",
            [
                "周末去景区停车场全满，只能停路边被贴条",
                "景区里指示牌太少，很容易走错路",
                "景区商铺价格不透明",
            ],
        ),
    ],
    "human-resources": [
        (
            "断保人员续保难题",
            "断缴养老保险人员补缴、续保手续复杂，困难群众缴费压力大。",
            "人力资源社会保障>养老保险",
            "断保续保难",
            "断缴人员反映续保补缴手续复杂、一次性缴费压力大，希望有帮扶办法。",
            [
                "以前单位倒闭了，养老保险断了好几年，不知道怎么续上",
                "想补缴养老保险，要跑好几个部门开证明",
                "年纪大了一次性补缴几万块拿不出来，能不能想想办法",
                "灵活就业人员续保在网上办不了",
            ],
        ),
        (
            "欠薪问题处置不及时",
            "农民工讨薪投诉处理周期长。",
            "人力资源社会保障>劳动保障监察",
            "拖欠工资",
            "务工人员反映欠薪投诉处理慢，希望建立快速处置机制。",
            [
                "工地干了半年活，老板一直拖着不给工资",
                "投诉欠薪两个月了还没有结果",
                "劳动监察电话总是打不通",
            ],
        ),
    ],
    "medical-insurance": [
        (
            "医保个人账户家庭共济使用不便",
            "子女医保个人账户余额用不上，父母账户不够用。",
            "医疗保障>个人账户",
            "医保个人账户余额不能给家人用",
            "参保人希望个人账户余额可以给父母、子女等家庭成员使用。",
            [
                "子女的医保卡账户余额没地方花，父母医保卡里的钱不够花",
                "我的医保账户攒了好几千，能不能给父母买药用",
                "孩子看病不能用我的医保个人账户，很不方便",
            ],
        ),
        (
            "基层医保服务网点少、办事跑远路",
            "医保业务只能到区县大厅办理。",
            "医疗保障>经办服务",
            "医保办事跑远路",
            "群众希望在镇街和社区就近办理医保业务。",
            ["办个医保报销要跑到区里大厅", "希望在社区就能办医保业务", "异地就医备案手续太麻烦"],
        ),
        (
            "集采药品购买不便",
            "集采降价药品在药店买不到。",
            "医疗保障>药品价格",
            "集采药品在药店买不到",
            "群众希望集采降价药品能在附近药店买到。",
            ["医院集采的药便宜，可药店里买不到", "慢性病的药每个月都要去医院开，太麻烦"],
        ),
    ],
    "water-resources": [
        (
            "河湖管理保护存在薄弱环节",
            "部分河道垃圾多、私搭乱建。",
            "水利>河道管理",
            "河道垃圾和乱占",
            "群众反映部分河道垃圾多、岸边私搭乱建，希望加强河长制落实。",
            [
                "河道里漂着很多垃圾，夏天有臭味",
                "河边有人私自圈地种菜搭棚子",
                "河长公示牌上的电话打不通",
            ],
        ),
        (
            "农村饮水安全保障不足",
            "部分村庄供水不稳定、水质差。",
            "水利>农村供水",
            "农村自来水不稳定",
            "农村群众反映自来水时有时无、水质发黄。",
            ["村里自来水三天两头停", "自来水有时候发黄，不敢直接喝", "夏天用水高峰村里水压上不去"],
        ),
    ],
    "local-finance": [
        (
            "非法集资风险防范宣传不够",
            "老年人易受高息理财诱骗。",
            "金融>非法集资",
            "老人被高息理财骗",
            "群众希望加强防范非法集资宣传，特别是面向老年人。",
            [
                "小区里有人办讲座卖高息理财，专骗老人",
                "父母被拉去投资养老项目，钱要不回来了",
                "希望社区多搞防诈骗防集资的宣传",
            ],
        ),
        (
            "小微企业融资难融资贵",
            "小微企业贷款门槛高、审批慢。",
            "金融>企业融资",
            "小微企业贷款难",
            "小微企业反映贷款担保要求高、审批慢，希望拓宽融资渠道。",
            [
                "小企业去银行贷款要抵押，我们没有厂房",
                "贷款审批一个多月，订单都耽误了",
                "希望政府的应急转贷资金门槛低一点",
            ],
        ),
    ],
    "market-regulation": [
        (
            "食品安全监管存在盲区",
            "小作坊、网络订餐食品安全问题较多。",
            "市场监管>食品安全",
            "小餐馆和外卖卫生",
            "群众反映部分小餐馆、外卖后厨卫生差，希望加强检查。",
            [
                "外卖吃出了头发，商家后厨卫生太差",
                "早市上卖的熟食没有任何标签",
                "学校周边小卖部卖三无零食",
            ],
        ),
        (
            "消费投诉处理不及时",
            "预付卡消费纠纷多、处理周期长。",
            "市场监管>消费维权",
            "预付卡和消费纠纷",
            "消费者反映预付卡商家关门跑路、投诉处理慢。",
            [
                "健身房办了卡就关门了，钱退不回来",
                "投诉商家一个月了没人回复",
                "理发店办卡时说的优惠后来都不认",
            ],
        ),
    ],
    "health": [
        (
            "基层医疗机构服务能力不足",
            "社区卫生服务中心医生少、药品不全。",
            "医疗卫生>基层医疗",
            "社区医院看病难",
            "居民希望社区卫生服务中心配齐医生和常用药。",
            [
                "社区医院常用药都没有，还得去大医院",
                "社区卫生服务站只有一个医生",
                "家庭医生签约了但是从来没联系过",
            ],
        ),
        (
            "大医院看病排队时间长",
            "挂号、检查、取药排队时间长。",
            "医疗卫生>医疗服务",
            "大医院排队久",
            "患者反映挂号难、检查预约时间长，希望优化就诊流程。",
            [
                "专家号一放出来就没了",
                "做个核磁要排一个星期",
                "看病挂号、缴费、取药每个环节都要排长队",
            ],
        ),
    ],
    "ecology-environment": [
        (
            "餐饮油烟和噪声污染扰民",
            "沿街餐饮油烟直排、夜间施工噪声扰民。",
            "生态环境>油烟污染\n生态环境>噪声污染",
            "油烟和噪声扰民",
            "居民反映楼下餐馆油烟直排、夜间施工噪声大。",
            [
                "楼下饭店的油烟直接往我家窗户里灌",
                "工地半夜还在施工，吵得睡不着",
                "烧烤店油烟净化器从来不开",
            ],
        ),
        (
            "工业企业异味排放投诉多",
            "部分化工企业周边夜间异味明显。",
            "生态环境>大气污染",
            "工业园区夜间异味",
            "周边居民反映夜间闻到刺鼻异味，希望查明来源并整治。",
            [
                "晚上总能闻到化工厂的刺鼻味道",
                "园区附近的河水颜色不正常",
                "一到夜里就有臭味，不敢开窗",
            ],
        ),
    ],
    "natural-resources": [
        (
            "不动产登记办理不便捷",
            "房产证办理时间长、历史遗留问题多。",
            "自然资源>不动产登记",
            "房产证办不下来",
            "群众反映买房多年办不下不动产权证，希望解决历史遗留问题。",
            [
                "房子买了八年了，房产证还办不下来",
                "不动产登记要交的材料太多",
                "开发商的问题导致业主办不了证",
            ],
        ),
        (
            "违法占地查处不及时",
            "违法占地、违建举报后处理慢。",
            "自然资源>土地执法",
            "违法占地",
            "群众反映违法占用耕地建房，举报后查处慢。",
            ["村边耕地上盖起了厂房，举报了没人管", "有人在基本农田上挖塘", "违法建筑拆了又建"],
        ),
    ],
    "housing-fund": [
        (
            "住房公积金提取手续繁琐",
            "提取需要材料多、部分业务不能网上办。",
            "住房公积金>提取",
            "公积金提取麻烦",
            "缴存职工希望简化提取材料，更多业务网上办、掌上办。",
            [
                "提取公积金还款要打好几份证明",
                "公积金提取不能在手机上办",
                "租房提取公积金的额度太低",
            ],
        ),
        (
            "公积金贷款审批时间长",
            "贷款审批和放款周期长。",
            "住房公积金>贷款",
            "公积金贷款放款慢",
            "职工反映公积金贷款审批慢、放款周期长。",
            [
                "公积金贷款批下来用了两个月",
                "二手房公积金贷款手续太复杂",
                "异地缴存的公积金在这里贷不了款",
            ],
        ),
    ],
    "public-resources": [
        (
            "招投标信息公开不充分",
            "部分项目公告时间短、信息不完整。",
            "公共资源交易>信息公开",
            "招标信息公开",
            "企业反映部分项目招标公告时间短、评标结果公示不完整。",
            [
                "招标公告发布时间太短，来不及准备",
                "中标结果公示里没有评分情况",
                "小项目的招标信息很难查到",
            ],
        ),
        (
            "交易平台操作不便、服务效率不高",
            "电子交易平台操作复杂，保证金退还慢。",
            "公共资源交易>平台服务",
            "交易平台和保证金退还",
            "企业反映交易平台操作复杂、投标保证金退还慢。",
            [
                "投标保证金一个多月都没退",
                "电子交易平台经常卡顿，上传文件失败",
                "CA证书办理要跑现场",
            ],
        ),
    ],
}

# Suggestions still waiting for triage: plausible, not tied to a focus theme.
LOOSE = [
    "希望部门办事窗口中午也能开放",
    "12345反映的问题转来转去没人管",
    "建议政务服务大厅增加自助办理机",
    "网上办事平台经常登录不上",
    "工作人员态度冷淡，问什么都说不知道",
    "办事指南写得不清楚，来回跑了好几趟",
    "希望周末也能办理业务",
    "信息公开不及时，很多政策群众不知道",
]
UNASSIGNED = [
    "小区附近没有菜市场，买菜很不方便",
    "楼下有人养鸽子，卫生很差",
    "希望多建几个停车场",
    "老城区电线乱拉乱接，存在火灾隐患",
    "路边井盖丢了好几天了",
    "建议在社区设置充电桩",
]
PLACES = ["张店区", "淄川区", "博山区", "周村区", "临淄区", "桓台县", "高青县", "沂源县"]
PREFIXES = ["", "", "", "我是{place}居民，", "{place}群众反映：", "我们{place}这边", "代表建议："]
SUFFIXES = ["。", "。", "，希望尽快解决。", "，请有关部门重视。", "！", "，谢谢。"]
CHANNELS = [
    (Channel.WEB, 40),
    (Channel.DEPUTY, 15),
    (Channel.OPEN_LETTER, 10),
    (Channel.OPINION_BOX, 8),
    (Channel.SYMPOSIUM, 8),
    (Channel.FIELD_VISIT, 6),
    (Channel.HOTLINE, 10),
    (Channel.SURVEY, 3),
]
DEPUTY_SOURCES = [SourceType.CITY_DEPUTY, SourceType.DISTRICT_DEPUTY, SourceType.TOWN_DEPUTY]
OTHER_SOURCES = [
    (SourceType.PUBLIC, 70),
    (SourceType.ENTERPRISE, 10),
    (SourceType.DEPARTMENT, 5),
    (SourceType.DISTRICT_COMMITTEE, 5),
    (SourceType.OTHER, 5),
]


def _receipt(key: str) -> str:
    digest = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    chars = []
    for _ in range(8):
        digest, index = divmod(digest, len(RECEIPT_ALPHABET))
        chars.append(RECEIPT_ALPHABET[index])
    return "YJ2021-" + "".join(chars)


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _text(rng: random.Random, base: str) -> str:
    place = rng.choice(PLACES)
    return rng.choice(PREFIXES).format(place=place) + base + rng.choice(SUFFIXES)


COLLECTION_OPENED = {1: dt.date(2021, 3, 5), 2: dt.date(2021, 5, 11)}


def _suggestion(rng, key, campaign, department, text, start, districts, staff, theme=None):
    channel = _pick(rng, CHANNELS)
    if channel == Channel.DEPUTY:
        source = rng.choice(DEPUTY_SOURCES)
    elif channel in (Channel.WEB, Channel.HOTLINE):
        source = SourceType.PUBLIC
    else:
        source = _pick(rng, OTHER_SOURCES)
    return Suggestion(
        campaign=campaign,
        department=department,
        channel=channel,
        source_type=source,
        district=rng.choice(districts)
        if source != SourceType.PUBLIC or rng.random() < 0.5
        else None,
        text=text,
        submitted_on=start + dt.timedelta(days=rng.randrange(30)),
        receipt=_receipt(key),
        import_key=key,
        status=Suggestion.Status.MERGED if theme else Suggestion.Status.RECEIVED,
        theme=theme,
        submitted_by=None if channel in (Channel.WEB, Channel.DEPUTY) else staff,
    )


def load() -> None:
    campaign = Campaign.objects.get(slug="2021")
    staff = User.objects.get(username="staff")
    research = User.objects.get(username="research")
    districts = list(District.objects.filter(name__in=PLACES).order_by("name"))
    existing = set(
        Suggestion.objects.filter(campaign=campaign, import_key__startswith="demo:").values_list(
            "import_key", flat=True
        )
    )
    new: list[Suggestion] = []
    evaluated = EvaluatedDepartment.objects.filter(campaign=campaign).select_related(
        "department", "batch"
    )
    for ev in evaluated:
        slug = ev.department.slug
        rng = random.Random(f"pingyi-demo-{slug}")  # noqa: S311 - demo text, not security
        # Submitted while the batch collected suggestions (demo/selection.py: batch 1 from
        # 2021-03-05, batch 2 from 2021-05-11); key issues confirmed in the next stage.
        start = COLLECTION_OPENED[ev.batch.number]
        confirmed_at = dt.datetime.combine(start + dt.timedelta(days=45), dt.time(10), TZ)
        for position, (title, description, hotline, theme_title, summary, phrasings) in enumerate(
            KEY_ISSUES.get(slug, []), start=1
        ):
            theme, _ = Theme.objects.get_or_create(
                campaign=campaign,
                department=ev,
                title=theme_title,
                defaults={
                    "summary": summary,
                    "summary_approved": True,
                    "is_focus": True,
                    "created_by": staff,
                },
            )
            issue, _ = KeyIssue.objects.get_or_create(
                department=ev,
                title=title,
                defaults={
                    "description": description,
                    "hotline_categories": hotline,
                    "status": KeyIssue.Status.CONFIRMED,
                    "position": position,
                    "proposed_by": research,
                    "confirmed_by": staff,
                    "confirmed_at": confirmed_at,
                },
            )
            issue.themes.add(theme)
            for n in range(rng.randint(18, 40)):
                key = f"demo:{slug}:{position}:{n}"
                text = _text(rng, rng.choice(phrasings))
                row = _suggestion(rng, key, campaign, ev, text, start, districts, staff, theme)
                if key not in existing:
                    new.append(row)
        for n in range(rng.randint(8, 16)):
            key = f"demo:{slug}:loose:{n}"
            row = _suggestion(
                rng, key, campaign, ev, _text(rng, rng.choice(LOOSE)), start, districts, staff
            )
            if key not in existing:
                new.append(row)
    rng = random.Random("pingyi-demo-unassigned")  # noqa: S311
    for n in range(24):
        key = f"demo:unassigned:{n}"
        text = _text(rng, rng.choice(UNASSIGNED))
        row = _suggestion(rng, key, campaign, None, text, COLLECTION_OPENED[1], districts, staff)
        if key not in existing:
            new.append(row)
    Suggestion.objects.bulk_create(new, batch_size=500)
    _answers(campaign, staff)


# A handful of suggestions with an answer (办理答复), so the receipt page shows one: the first
# suggestion behind each of these departments' first key issue; the first one corrected.
ANSWERED = ["education", "civil-affairs", "public-security", "transport", "housing"]
ANSWERED_ON = dt.datetime(2021, 6, 18, 15, 0, tzinfo=TZ)
CORRECTED_ON = dt.datetime(2021, 6, 25, 9, 30, tzinfo=TZ)


def _answers(campaign: Campaign, staff: User) -> None:
    keys = [f"demo:{slug}:1:0" for slug in ANSWERED]
    rows = (
        Suggestion.objects.filter(campaign=campaign, import_key__in=keys)
        .select_related("department__department", "theme")
        .prefetch_related("theme__key_issues")
    )
    answers = []
    for s in rows:
        issue = s.theme.key_issues.all()[0] if s.theme and s.theme.key_issues.all() else None
        text = (
            f"您反映的问题已与同类意见建议归并为“{s.theme.title if s.theme else '—'}”，"
            f"并纳入{s.department.department.name}的重点整改问题“{issue.title if issue else '—'}”。"
            "整改目标、措施和完成时限已向社会公开承诺，整改进展可在部门页面查看。感谢您的参与。"
        )
        answers.append(
            SuggestionAnswer(
                suggestion=s, version=1, text=text, answered_by=staff, created_at=ANSWERED_ON
            )
        )
        if s.import_key == keys[0]:
            answers.append(
                SuggestionAnswer(
                    suggestion=s,
                    version=2,
                    text=text + "整改完成时限为2021年12月底。",
                    reason="补充整改完成时限",
                    answered_by=staff,
                    created_at=CORRECTED_ON,
                )
            )
    # Keyed on (suggestion, version): a second load inserts nothing.
    SuggestionAnswer.objects.bulk_create(answers, ignore_conflicts=True)
