from django import template

register = template.Library()


@register.inclusion_tag("hotline/_public_panel.html")
def hotline_public_panel(campaign, department):
    """Public figures of a department for the campaign's evaluation window: volumes,
    change, satisfaction rate and categories from the aggregates. No content text, no
    caller data."""
    from hotline.selectors import chart_data_monthly, department_public_figures

    start, end = campaign.evaluation_start, campaign.evaluation_end
    figures = department_public_figures(department_id=department.pk, start=start, end=end)
    categories = figures["categories"]
    return {
        **figures,
        "start": start,
        "end": end,
        "chart_monthly": chart_data_monthly(figures["monthly"]),
        "chart_categories": {
            "labels": [c["name"] for c in categories],
            "values": [c["total"] for c in categories],
        },
    }
