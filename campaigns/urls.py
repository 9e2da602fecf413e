from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_form, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_form, name="edit"),
    path("<int:pk>/performance/", views.campaign_performance, name="performance"),
    path("<int:pk>/report.csv", views.campaign_report_csv, name="report_csv"),
    path("<int:pk>/participants/new/", views.participant_form, name="participant_create"),
    path(
        "<int:pk>/participants/<int:participant_pk>/edit/",
        views.participant_form,
        name="participant_edit",
    ),
    path("<int:pk>/content/new/", views.content_form, name="content_create"),
    path("<int:pk>/shipments/new/", views.shipment_form, name="shipment_create"),
    path("content/<int:pk>/review/", views.content_review, name="content_review"),
    path("shipments/<int:pk>/status/", views.shipment_status, name="shipment_status"),
]
