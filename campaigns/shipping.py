"""A product-seeding shipment's status: requested → preparing → shipped → delivered, or
returned and lost on the way. Shipping and delivery dates are set by the move that reaches
them, so a shipment is never marked shipped without saying when."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaigns.models import Shipment
from partnerships import freshness

Status = Shipment.Status
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REQUESTED: frozenset({Status.PREPARING, Status.SHIPPED, Status.LOST}),
    Status.PREPARING: frozenset({Status.REQUESTED, Status.SHIPPED, Status.LOST}),
    Status.SHIPPED: frozenset({Status.DELIVERED, Status.RETURNED, Status.LOST}),
    Status.DELIVERED: frozenset({Status.RETURNED}),
    Status.RETURNED: frozenset(),
    Status.LOST: frozenset(),
}
# Moves that record a date, and the field it goes in.
DATED = {Status.SHIPPED: "shipped_on", Status.DELIVERED: "delivered_on"}


def allowed(shipment: Shipment) -> list[str]:
    """The statuses the shipment may move to from where it is."""
    return [status for status in Status.values if status in TRANSITIONS[shipment.status]]


def refusal(shipment: Shipment, to: str, *, on: date | None, today: date) -> str | None:
    """Why the shipment may not move to `to` (on day `on`), or None when it may."""
    if to not in Status.values:
        return _("“%(status)s” is not a shipment status.") % {"status": to}
    values = {
        "current": shipment.get_status_display().lower(),
        "status": Status(to).label.lower(),
    }
    if to == shipment.status:
        return _("The shipment is already %(current)s.") % values
    if to not in TRANSITIONS[shipment.status]:
        if not TRANSITIONS[shipment.status]:
            return _("A %(current)s shipment cannot change status.") % values
        return _("A %(current)s shipment cannot become %(status)s.") % values
    if to in DATED:
        if on is None:
            return _("Say when it was %(status)s.") % values
        if on > today:
            return _("That day is still to come.")
        earliest, message = (
            (shipment.requested_on, _("It was requested on %(day)s; pick that day or later."))
            if to == Status.SHIPPED
            else (shipment.shipped_on, _("It was shipped on %(day)s; pick that day or later."))
        )
        if earliest and on < earliest:
            return message % {"day": date_format(earliest, "j M Y")}
    return None


def move(shipment: Shipment, to: str, *, on: date | None, today: date) -> Shipment:
    """Move the shipment to `to`, recording `on` as its shipping or delivery day; raise
    ValidationError({"status": reason}) when it may not."""
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update()
            .select_related("participant__campaign")
            .get(pk=shipment.pk)
        )
        shipped_on = shipment.shipped_on
        if reason := refusal(shipment, to, on=on, today=today):
            raise ValidationError({"status": reason})
        if to in DATED:
            setattr(shipment, DATED[to], on)
        elif to in (Status.REQUESTED, Status.PREPARING):
            shipment.shipped_on = shipment.delivered_on = None
        shipment.status = to
        shipment.save(update_fields=["status", "shipped_on", "delivered_on"])
        brand_id = shipment.participant.campaign.brand_id
        if shipped_on != shipment.shipped_on:
            since = min(day for day in (shipped_on, shipment.shipped_on) if day is not None)
            freshness.figures_changed(brand_id, since, resolves_reminders=True)
        else:
            freshness.reminders_changed(brand_id)
    return shipment
