# Times as Django writes them in this language, with the zone's abbreviation added: pages
# read them on the brand's clock (the middleware activates its zone), as in English.
DATETIME_FORMAT = "Y年n月j日 H:i T"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i T"
