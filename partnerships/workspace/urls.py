from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from campaigns import api as campaign_api
from campaigns import import_views, webhooks
from contracts import api as contract_api
from contracts import records_api
from influencers import api as influencer_api
from partnerships import api, views
from partnerships.workspace import views as workspace_views
from portal import views as portal_views

router = DefaultRouter()
router.register("products", api.ProductViewSet, basename="product")
router.register("exchange-rates", api.ExchangeRateViewSet, basename="exchange-rate")
router.register("influencers", influencer_api.InfluencerViewSet, basename="influencer")
router.register("contracts", contract_api.ContractViewSet, basename="contract")
router.register("campaigns", campaign_api.CampaignViewSet, basename="campaign")
router.register("content", campaign_api.ContentViewSet, basename="content")
router.register("sales", campaign_api.SaleViewSet, basename="sale")
router.register("shipments", campaign_api.ShipmentViewSet, basename="shipment")
router.register("metrics", campaign_api.MetricSnapshotViewSet, basename="metric")
router.register("statements", contract_api.StatementViewSet, basename="statement")
router.register("partnerships", records_api.PartnershipViewSet, basename="partnership")
router.register("joint-brands", records_api.JointBrandViewSet, basename="joint-brand")
router.register("deliverables", records_api.DeliverableViewSet, basename="deliverable")
router.register("risk-assessments", records_api.RiskAssessmentViewSet, basename="risk-assessment")
router.register(
    "distributor-prices", records_api.DistributorPriceViewSet, basename="distributor-price"
)
router.register(
    "distributor-orders", records_api.DistributorOrderViewSet, basename="distributor-order"
)

urlpatterns = [
    path("", workspace_views.dashboard, name="dashboard"),
    # For the admin, the API docs and browsers that ask before reading the page's icon link.
    # Looked up on the first request, not at import: `check --deploy` runs before collectstatic.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True)),
    path("brand/switch/", views.switch_brand, name="switch_brand"),
    path("language/", views.choose_language, name="set_language"),
    path("products/", views.product_list, name="product_list"),
    path("products/new/", views.product_form, name="product_create"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("products/<int:pk>/edit/", views.product_form, name="product_edit"),
    path("reminders/", workspace_views.reminder_list, name="reminders"),
    path("api-keys/", views.api_keys, name="api_keys"),
    path("influencers/<int:pk>/invite/", portal_views.invite, name="portal_invite"),
    path("audit/", views.audit_trail, name="audit_trail"),
    path("influencers/", include("influencers.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("", include("contracts.urls")),
    path("imports/", import_views.imports, name="imports"),
    path("imports/<int:pk>/", import_views.import_job, name="import_job"),
    path("imports/<int:pk>/errors.csv", import_views.import_errors, name="import_errors"),
    path("portal/", include("portal.urls")),
    path("accounts/two-factor/", views.second_factor_enrol, name="second_factor_enrol"),
    path("accounts/two-factor/verify/", views.second_factor_verify, name="second_factor_verify"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/webhooks/shopify/", webhooks.ShopifyWebhookView.as_view(), name="webhook_shopify"),
    path(
        "api/v1/webhooks/sales/<int:pk>/",
        webhooks.SalesWebhookView.as_view(),
        name="webhook_sales",
    ),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api_docs"),
]
