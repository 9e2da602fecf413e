from django.db import models

from partnerships.models import Brand


class Influencer(models.Model):
    """A brand's CRM record of one influencer (a person or a community)."""

    brand_path = "brand"

    class Status(models.TextChoices):
        PROSPECT = "prospect", "Prospect"
        CONTACTED = "contacted", "Contacted"
        NEGOTIATING = "negotiating", "Negotiating"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"
        BLOCKED = "blocked", "Blocked"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="influencers")
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 code, e.g. US.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROSPECT)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
