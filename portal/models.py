from django.conf import settings
from django.db import models

from influencers.models import Influencer


class CreatorLink(models.Model):
    """A person's sign-in tied to one brand's influencer record. One person may be the
    influencer of several brands: one link per brand's record, each showing only its rows."""

    brand_path = "influencer__brand"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="creator_links"
    )
    influencer = models.OneToOneField(
        Influencer, on_delete=models.CASCADE, related_name="creator_link"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["influencer__brand__name"]

    def __str__(self) -> str:
        return f"{self.user} as {self.influencer}"


class Invitation(models.Model):
    """A one-time link into the portal for an influencer record: only the SHA-256 of its token
    is kept, it expires, and it is spent on first use."""

    brand_path = "influencer__brand"

    influencer = models.ForeignKey(Influencer, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token_sha256 = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.influencer} to {self.email}"
