"""`{% form_token %}`: a builtin (settings TEMPLATES), so templates need no `{% load %}`."""

from django import template

from core.formtokens import form_token_field

register = template.Library()


@register.simple_tag
def form_token():
    return form_token_field()
