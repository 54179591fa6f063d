"""Go through a confirmation review (core/confirm.py) the way a browser does: post the act,
read the review page's confirm form, post it back."""

from html.parser import HTMLParser


class _ConfirmForm(HTMLParser):
    def __init__(self, css_class: str):
        super().__init__()
        self.css_class = css_class
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.action = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.css_class in (attrs.get("class") or "").split():
            self.inside = True
            self.action = attrs.get("action") or ""
        elif tag == "input" and self.inside and attrs.get("name"):
            self.fields.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def review_form(response, css_class: str = "confirm-form") -> tuple[str, dict[str, list[str]]]:
    """(action, fields) of the review page's confirm (or alternative) form."""
    assert response.status_code == 200, response.status_code
    parser = _ConfirmForm(css_class)
    parser.feed(response.content.decode())
    assert parser.fields, f"no {css_class} on the page"
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return parser.action, data


def post_confirmed(client, url: str, data=None, *, follow: bool = False, **extra):
    """POST the act, then confirm its review page; returns the confirming response."""
    first = client.post(url, data or {}, **extra)
    action, fields = review_form(first)
    return client.post(action or url, fields, follow=follow, **extra)
