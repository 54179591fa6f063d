"""Template tags for public pages owned by other apps (the department page of campaigns)."""

from django import template

from ..selectors import public_department_data

register = template.Library()


@register.simple_tag
def public_department_issues(evaluated) -> dict:
    """Confirmed key issues with counts, and the department's funnel (counts only)."""
    return public_department_data(evaluated=evaluated)
