from django.contrib import admin

from influencers.models import Influencer
from partnerships.admin import BRAND_FILTER, BrandScopedAdmin


@admin.register(Influencer)
class InfluencerAdmin(BrandScopedAdmin):
    list_display = ["name", "country", "status", "brand"]
    list_filter = [BRAND_FILTER, "status", "country"]
    search_fields = ["name"]
