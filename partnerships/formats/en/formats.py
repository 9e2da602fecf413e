# Dates and times the admin and plain {{ value }} show: on the brand's clock (the middleware
# activates its zone), with the zone's abbreviation, as the pages' `moment` filter writes them.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATETIME_FORMAT = "j M Y, H:i T"
