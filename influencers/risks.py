"""Risk assessments as owners and managers keep them: added, revised and closed with who and
why. Every change rescores the influencer, since open risks lower the fit score, and
re-evaluates the brand's reminders (a review date moved or a risk closed)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from influencers import scoring
from influencers.models import Influencer, RiskAssessment
from partnerships import freshness


def save_risk(risk: RiskAssessment) -> RiskAssessment:
    """Add or revise an open risk, then rescore its influencer."""
    if not risk.is_open:
        raise ValidationError(_("A closed risk is no longer revised; add a new one."))
    with transaction.atomic():
        risk.save()
        scoring.rescore(Influencer.objects.filter(pk=risk.influencer_id))
        freshness.reminders_changed(risk.influencer.brand_id)
    return risk


def close_risk(risk: RiskAssessment, *, by, reason: str, now: datetime) -> RiskAssessment:
    """Close a risk, recording who closed it, when and why; it stops lowering the score."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the risk is closed.")})
    if not risk.is_open:
        raise ValidationError(_("This risk is already closed."))
    risk.is_open, risk.closed_at, risk.closed_by, risk.close_reason = False, now, by, reason
    with transaction.atomic():
        risk.save()
        scoring.rescore(Influencer.objects.filter(pk=risk.influencer_id))
        freshness.reminders_changed(risk.influencer.brand_id)
    return risk
