"""What waits in the hotline data, on the staff inbox (registered with accounts.workspaces
in HotlineConfig.ready): names of handling departments no ticket could be matched to. They
belong to the committee's imports, not to one campaign, so they have a group of their own."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from accounts.workspaces import InboxItem, workspace_inbox

from .selectors import unmatched_names_for_user


@workspace_inbox("staff")
def staff_hotline_items(request: HttpRequest) -> list[InboxItem]:
    return [
        InboxItem(
            key="unmatched_names",
            label="未匹配到部门的热线承办单位名称（待设为别名）",
            count=unmatched_names_for_user(user=request.user).count(),
            url=reverse("hotline:imports") + "?unmatched=1#unmatched",
            group="12345 热线数据",
            group_order=(1,),
        )
    ]
