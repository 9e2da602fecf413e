"""The portal's navigation, in order: (label, URL name). A portal page of another app adds
its entry here."""

ITEMS: list[tuple[str, str]] = [
    ("Home", "portal:home"),
    ("Offers & contracts", "portal:contracts"),
    ("Content", "portal:content_list"),
    ("Shipments", "portal:shipments"),
    ("Money", "portal:money"),
    ("Messages", "portal:threads"),
]
