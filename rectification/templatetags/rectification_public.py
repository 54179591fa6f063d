"""Template tags for public pages owned by other apps (the department page of campaigns)."""

from django import template
from django.utils import timezone

from ..selectors import department_progress

register = template.Library()


@register.simple_tag
def department_rectification(evaluated) -> list:
    return department_progress(evaluated=evaluated, today=timezone.localdate())
