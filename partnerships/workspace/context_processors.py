from django.http import HttpRequest
from django.utils import timezone

from partnerships import tenancy
from partnerships.workspace import reminders


def brands(request: HttpRequest) -> dict:
    """The brand switcher's choices, the current brand and its open reminders, for the page
    header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    brands = list(tenancy.brands_of(user))
    if not brands:
        # Pages every sign-in shares (changing the password) keep an influencer in the
        # portal's layout; called only by the pages that extend it.
        return {
            "user_brands": [],
            "account_layout": lambda: (
                "portal/base.html" if user.creator_links.exists() else "base.html"
            ),
        }
    current = tenancy.current_brand(request)
    return {
        "user_brands": brands,
        "current_brand": current,
        "current_role": tenancy.role_of(user, current),
        # Read only by pages that show it, so partial (HTMX) responses do not pay for it.
        "attention": reminders.OpenReminders(current, current.today(timezone.now())),
    }
