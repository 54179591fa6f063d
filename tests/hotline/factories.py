import csv
import io
from pathlib import Path

HEADER = [
    "工单编号", "受理时间", "承办单位", "诉求类型", "问题分类", "所属区县", "所属镇街",
    "办理状态", "办结时间", "满意度", "诉求内容", "来电号码",
]  # fmt: skip


def ticket(no, when="2021-03-05 14:22:10", dept="淄博市公安局", satisfaction="满意", **extra):
    row = {
        "工单编号": str(no),
        "受理时间": when,
        "承办单位": dept,
        "诉求类型": extra.get("request_type", "投诉"),
        "问题分类": extra.get("category", "公共安全>交通管理"),
        "所属区县": extra.get("district", "张店区"),
        "所属镇街": extra.get("town", "车站街道"),
        "办理状态": extra.get("status", "已办结"),
        "办结时间": extra.get("closed", ""),
        "满意度": satisfaction,
        "诉求内容": extra.get("content", "路口信号灯故障"),
        "来电号码": extra.get("phone", "13800138000"),
    }
    return row


def write_csv(path: Path, rows, *, header=HEADER, encoding="utf-8", delimiter=",") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [row.get(h, "") if isinstance(row, dict) else row[i] for i, h in enumerate(header)]
        )
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path
