import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from departments.models import Organizer
from hotline.models import ImportBatch
from hotline.services import import_batch_create, import_batch_run


class Command(BaseCommand):
    help = (
        "导入 12345 热线工单文件（CSV：UTF-8/GBK，或 XLSX），按（来源，工单编号）去重更新，"
        "打印导入报告；文件错误时以非零状态退出并在标准错误输出原因。\n"
        "Import a 12345 hotline record file (CSV in UTF-8/GBK, or XLSX), upserting on "
        "(source, ticket_no), and print the batch report; exits non-zero with the reason on "
        "stderr when the file is refused. The source and batch belong to --organizer (default: "
        "the city committee); only that committee's staff (and admins) see them."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="文件路径 / path of the CSV or XLSX file")
        parser.add_argument(
            "--source",
            default="12345热线",
            help="数据来源名称（工单编号在来源内唯一）/ hotline source name (default 12345热线)",
        )
        parser.add_argument(
            "--organizer",
            default="",
            help="数据所属的人大常委会名称，默认市人大常委会 / committee (organizer) name owning "
            "the source and batch (default: the city committee)",
        )
        parser.add_argument(
            "--sheet", default="", help="XLSX 工作表名称，默认第一个 / XLSX sheet name"
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="以一个 JSON 对象输出报告 / print the report as one JSON object",
        )

    def handle(self, *args, **options):
        path = Path(options["path"]).resolve()
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        organizer = None
        if options["organizer"]:
            organizer = Organizer.objects.filter(name=options["organizer"]).first()
            if organizer is None:
                raise CommandError(f"找不到人大常委会：{options['organizer']}")
        batch = import_batch_create(
            organizer=organizer,
            source_name=options["source"],
            path=str(path),
            file_name=path.name,
            sheet=options["sheet"],
        )
        batch = import_batch_run(batch_id=batch.pk)
        report = batch.report()
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{batch.file_name}：读取 {batch.read} 行 = 新增 {batch.inserted} + "
                f"更新 {batch.updated} + 未变化 {batch.unchanged} + 拒绝 {batch.rejected}"
            )
            for name, count in batch.unmatched.items():
                self.stdout.write(f"  未匹配的承办单位：{name}（{count} 条）")
        if batch.state == ImportBatch.State.FAILED:
            sys.stderr.write(f"文件被拒绝 / file refused: {batch.message}\n")
            sys.exit(2)
