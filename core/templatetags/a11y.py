"""`{% error_summary_items %}`: the entries of the error summary shown after a failed submit
(templates/includes/error_summary.html): one per field error, naming the field and linking to
its control, then the form's non-field errors (no link)."""

from django import template

register = template.Library()


def _control_id(field) -> str:
    """The id a link should focus: the control itself, or the first choice of a group of
    radios or checkboxes (rendered in a fieldset, where the group has no id of its own)."""
    if not field.auto_id:
        return ""
    if field.use_fieldset:
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


@register.simple_tag
def error_summary_items(*, form=None, items=None, extra=None, texts=None, href="") -> list[dict]:
    """`form`: a bound Django form; `items`: ready entries; `extra`: (control id, text) pairs;
    `texts`: messages that all link to `href` (a group of checkboxes, say)."""
    entries: list[dict] = [dict(item) for item in items or []]
    entries.extend({"href": href or "", "text": str(text)} for text in texts or [])
    if getattr(form, "is_bound", False):
        for field in form:
            for error in field.errors:
                control = _control_id(field)
                entries.append(
                    {"href": f"#{control}" if control else "", "text": f"{field.label}：{error}"}
                )
        entries.extend({"href": "", "text": str(error)} for error in form.non_field_errors())
    for control, text in extra or []:
        entries.append({"href": f"#{control}" if control else "", "text": text})
    return entries
