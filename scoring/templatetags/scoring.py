"""Small template tags that let other apps' pages show scoring parts without new view code."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def public_score_row(evaluated):
    return selectors.public_row(evaluated=evaluated)


@register.simple_tag
def member_open_sessions(user):
    return list(selectors.open_sessions_for_member(user=user))


@register.simple_tag
def deputy_open_surveys(user):
    return list(selectors.deputy_surveys(user=user))


@register.simple_tag
def campaign_public_links(campaign):
    return selectors.public_links(campaign=campaign)
