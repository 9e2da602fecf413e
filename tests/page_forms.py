"""What a browser would submit from a form on a page, for test-client tests of edit forms."""

from html.parser import HTMLParser


class _FormValues(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.values: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "form":
            self.inside = attr.get("id") == self.form_id
        if not self.inside or "disabled" in attr:
            return
        name = attr.get("name")
        if tag == "input" and name and attr.get("type") not in ("submit", "button", "file"):
            if attr.get("type") in ("checkbox", "radio"):
                if "checked" in attr:  # a checkbox without a value sends "on"
                    self.values.setdefault(name, []).append(attr.get("value") or "on")
            else:
                self.values.setdefault(name, []).append(attr.get("value") or "")
        elif tag == "select" and name:
            self.select = name
            self.values.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in attr:
            self.values[self.select].append(attr.get("value") or "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.values[name] = [""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            text = self.values[self.textarea][0] + data
            # Browsers drop the one newline that follows <textarea>.
            self.values[self.textarea][0] = text.removeprefix("\n")


def form_values(html: str, form_id: str) -> dict[str, list[str]]:
    """The fields of the form with `form_id` as submitted untouched (disabled ones left out)."""
    parser = _FormValues(form_id)
    parser.feed(html)
    return parser.values
