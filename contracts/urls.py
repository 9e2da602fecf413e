from django.urls import path

from contracts import views

app_name = "contracts"

urlpatterns = [
    path("partnerships/", views.board, name="board"),
    path("partnerships/<int:pk>/", views.partnership_detail, name="partnership"),
    path("contracts/new/", views.contract_form, name="create"),
    path("contracts/<int:pk>/", views.contract_detail, name="detail"),
    path("contracts/<int:pk>/edit/", views.contract_form, name="edit"),
    path("contracts/<int:pk>/status/", views.contract_status, name="status"),
    path("contracts/<int:pk>/preview/", views.contract_preview, name="preview"),
    path("contracts/<int:pk>/document/", views.signed_document, name="document"),
]
