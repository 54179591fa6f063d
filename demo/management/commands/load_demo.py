from django.core.management.base import BaseCommand

from demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "载入演示数据：淄博市人大常委会2021年专项工作评议（两个批次，6 + 11 个部门（单位），"
        "均已走完至结果公布，所有日期都在2021年），博山区评议活动（正在征集意见建议），"
        "区县、镇（街道），以及每种角色的演示账号。可重复运行：第二次运行不做任何改动。"
        " / Load the demo 2021 campaign (both batches through to results, every date in 2021),"
        " the Boshan campaign (collecting suggestions), geography and one demo login per role."
        " Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet-logins", action="store_true", help="不打印演示账号 / do not print the logins"
        )
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="打印登录地址时使用的网站地址（make run 传入 HOST 和 PORT）"
            " / the site address printed with the logins (make run passes its HOST and PORT);"
            " default http://127.0.0.1:8000/",
        )

    def handle(self, *args, **options):
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / demo data loaded."))
        if options["quiet_logins"]:
            return
        login_url = options["url"].rstrip("/") + "/accounts/login/"
        self.stdout.write(f"\n演示账号 / demo logins ({login_url}):")
        width = max(len(login.username) for login in logins)
        for login in logins:
            name = login.username.ljust(width)
            self.stdout.write(f"  {name}  密码 {login.password}  {login.role} · {login.who}")
