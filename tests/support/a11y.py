"""Reading a page's accessibility wiring in view tests (issue 19)."""

from html.parser import HTMLParser


class Page(HTMLParser):
    """The ids, the aria-describedby references, the aria-invalid controls and the error
    summary's links of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: set[str] = set()
        self.described: list[tuple[str, str]] = []
        self.invalid: set[str] = set()
        self.summary_links: list[tuple[str, str]] = []
        self.summaries = 0
        self._in_summary = 0
        self._href = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        for ref in (a.get("aria-describedby") or "").split():
            self.described.append((a.get("id") or tag, ref))
        if a.get("aria-invalid") == "true":
            self.invalid.add(a.get("id") or a.get("name") or tag)
        if "data-error-summary" in a:
            self.summaries += 1
            self._in_summary = 1
            assert a.get("role") == "alert" and a.get("tabindex") == "-1"
            assert "autofocus" in a
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if self._in_summary and tag == "a":
            self._href = a.get("href")
            self.summary_links.append((self._href, ""))

    def handle_endtag(self, tag):
        if self._in_summary and tag == "div":
            self._in_summary -= 1
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        if self._href is not None and self.summary_links:
            href, text = self.summary_links[-1]
            self.summary_links[-1] = (href, text + data)

    def dangling(self) -> list[tuple[str, str]]:
        return [(el, ref) for el, ref in self.described if ref not in self.ids]
