"""The header's public links need the page's campaign when it has one, without a query."""

from django import template

from campaigns.models import Campaign

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_campaign(context) -> Campaign | None:
    """The campaign of the page (`campaign`, or the home page's `featured`), else None."""
    for name in ("campaign", "featured"):
        value = context.get(name)
        if isinstance(value, Campaign):
            return value
    return None
