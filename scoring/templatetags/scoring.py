"""Small template tags that let other apps' pages show scoring parts without new view code."""

from django import template
from django.utils.html import format_html

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


@register.simple_tag
def component_value(row, name):
    """A component score of a ScoreRow: 0.00 is a score and shows as 0.00; a missing one
    shows "—" with its reason (no rated records, below quorum, not entered)."""
    value = getattr(row, name)
    if value is not None:
        return f"{value:.2f}" if hasattr(value, "quantize") else str(value)
    reason = ((row.details or {}).get("missing_reasons") or {}).get(name, "")
    if not reason:
        return "—"
    return format_html('—<span class="missing-reason muted">（{}）</span>', reason)


@register.filter
def score_or(value, missing="—"):
    """A score, 0.00 included; `missing` only when there is none (unlike |default)."""
    if value is None:
        return missing
    return f"{value:.2f}" if hasattr(value, "quantize") else value
