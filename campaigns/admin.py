from django.contrib import admin

from campaigns.models import Campaign
from partnerships.admin import BRAND_FILTER, BrandScopedAdmin


@admin.register(Campaign)
class CampaignAdmin(BrandScopedAdmin):
    list_display = ["name", "objective", "start", "end", "brand"]
    list_filter = [BRAND_FILTER, "objective"]
    search_fields = ["name"]
    date_hierarchy = "start"
