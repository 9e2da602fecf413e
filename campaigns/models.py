from django.core.exceptions import ValidationError
from django.db import models

from partnerships.models import Brand


class Campaign(models.Model):
    brand_path = "brand"

    class Objective(models.TextChoices):
        SALES = "sales", "Sales"
        LAUNCH = "launch", "Launch"
        AWARENESS = "awareness", "Awareness"
        AUDIENCE = "audience", "Audience"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=200)
    objective = models.CharField(max_length=10, choices=Objective.choices)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["-start"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": "The campaign cannot end before it starts."})
