from django.core.exceptions import ValidationError
from django.db import models

from influencers.models import Influencer
from partnerships import money
from partnerships.models import Brand


class Partnership(models.Model):
    """The long-term relationship between a brand and one influencer."""

    brand_path = "brand"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="partnerships")
    influencer = models.ForeignKey(
        Influencer, on_delete=models.CASCADE, related_name="partnerships"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    since = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["influencer__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "influencer"], name="one_partnership_per_influencer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand} × {self.influencer}"

    def clean(self) -> None:
        if self.influencer_id and self.brand_id and self.influencer.brand_id != self.brand_id:
            raise ValidationError({"influencer": "This influencer belongs to another brand."})


class Contract(models.Model):
    """What was agreed within a partnership under one cooperation method."""

    brand_path = "partnership__brand"

    class Method(models.TextChoices):
        DISTRIBUTION = "distribution", "Distribution"
        PAID_MEDIA = "paid_media", "Paid self-media"
        JOINT_BRAND = "joint_brand", "Joint brand"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        NEGOTIATING = "negotiating", "Negotiating"
        SIGNED = "signed", "Signed"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        TERMINATED = "terminated", "Terminated"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="contracts")
    method = models.CharField(max_length=14, choices=Method.choices)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, choices=money.CURRENCY_CHOICES, default="USD")

    class Meta:
        ordering = ["-start"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": "The contract cannot end before it starts."})
