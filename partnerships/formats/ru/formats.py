# Times as Django writes them in this language, with the zone's abbreviation added: pages
# read them on the brand's clock (the middleware activates its zone), as in English.
DATETIME_FORMAT = "j E Y г. G:i T"
SHORT_DATETIME_FORMAT = "d.m.Y H:i T"
