from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from campaigns.models import Campaign

from .selectors import feed_updates


class PublishedUpdatesFeed(Feed):
    """Atom feed of a campaign's published progress updates (never pending ones)."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        self.campaign = get_object_or_404(Campaign, slug=slug)
        return self.campaign

    def title(self, campaign):
        return f"{campaign.title} · 整改进展"

    def subtitle(self, campaign):
        return "被评议部门（单位）重点整改问题的公开整改进展。"

    def link(self, campaign):
        return reverse("rectification:board", args=[campaign.slug])

    def items(self, campaign):
        return feed_updates(campaign=campaign)

    def item_title(self, update):
        issue = update.plan.key_issue
        return f"{issue.department.department.name}：{issue.title}（完成 {update.percent}%）"

    def item_description(self, update):
        return update.text

    def item_link(self, update):
        issue = update.plan.key_issue
        return reverse("rectification:issue", args=[self.campaign.slug, issue.pk])

    def item_pubdate(self, update):
        return update.published_at

    def item_updateddate(self, update):
        return update.published_at
