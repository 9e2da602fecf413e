"""The portal's navigation, in order: (label, URL name). A portal page of another app adds
its entry here."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ITEMS: list[tuple[Promise, str]] = [
    (_("Home"), "portal:home"),
    (_("Offers & contracts"), "portal:contracts"),
    (_("Content"), "portal:content_list"),
    (_("Shipments"), "portal:shipments"),
    (_("Money"), "portal:money"),
    (_("Messages"), "portal:threads"),
]
