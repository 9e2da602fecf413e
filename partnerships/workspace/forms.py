from datetime import date

from django import forms

from campaigns import roi
from campaigns.forms import DaysForm
from partnerships.workspace import dashboard


class DashboardRangeForm(DaysForm):
    """The days the dashboard's spend and return cover: GET range=last_30|month|last_month|
    quarter, or range=custom with from= and to= (YYYY-MM-DD)."""

    range = forms.ChoiceField(
        choices=list(dashboard.RANGES.items()),
        initial="last_30",
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def wants_days(self, data: dict) -> bool:
        return data.get("range") == "custom"

    def dates(self, today: date) -> roi.DateRange:
        """The chosen days; the last 30 days while nothing valid is chosen."""
        if not self.is_valid():
            return dashboard.date_range("last_30", today)
        data = self.cleaned_data
        return dashboard.date_range(data["range"] or "last_30", today, data["from"], data["to"])
