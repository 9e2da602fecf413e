from django.contrib import admin

from contracts.models import Contract, Partnership
from partnerships.admin import BRAND_FILTER, BrandScopedAdmin


@admin.register(Partnership)
class PartnershipAdmin(BrandScopedAdmin):
    list_display = ["influencer", "brand", "status", "since"]
    list_filter = [BRAND_FILTER, "status"]
    search_fields = ["influencer__name"]
    autocomplete_fields = ["influencer"]


@admin.register(Contract)
class ContractAdmin(BrandScopedAdmin):
    list_display = ["title", "partnership", "method", "status", "start", "end", "currency"]
    list_filter = [("partnership__brand", admin.RelatedOnlyFieldListFilter), "method", "status"]
    search_fields = ["title", "partnership__influencer__name"]
    autocomplete_fields = ["partnership"]
