from django.http import HttpRequest

from partnerships import tenancy


def brands(request: HttpRequest) -> dict:
    """The brand switcher's choices and the current brand, for the page header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    brands = list(tenancy.brands_of(user))
    if not brands:
        return {"user_brands": []}
    current = tenancy.current_brand(request)
    return {
        "user_brands": brands,
        "current_brand": current,
        "current_role": tenancy.role_of(user, current),
    }
