from django.urls import path

from portal import message_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("contracts/", views.contract_list, name="contracts"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
    path("contracts/<int:pk>/accept/", views.contract_accept, name="contract_accept"),
    path("contracts/<int:pk>/changes/", views.contract_changes, name="contract_changes"),
    path("content/", views.content_list, name="content_list"),
    path("deliverables/<int:pk>/submit/", views.deliverable_submit, name="deliverable_submit"),
    path("content/<int:pk>/", views.content_detail, name="content"),
    path("content/<int:pk>/resubmit/", views.content_resubmit, name="content_resubmit"),
    path("content/<int:pk>/publish/", views.content_publish, name="content_publish"),
    path("content/<int:pk>/reply/", views.content_reply, name="content_reply"),
    path("shipments/", views.shipment_list, name="shipments"),
    path("shipments/<int:pk>/received/", views.shipment_received, name="shipment_received"),
    path("money/", views.money, name="money"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("statements/<int:pk>/export.csv", views.statement_csv, name="statement_csv"),
    path("statements/<int:pk>/invoice/", views.statement_invoice, name="statement_invoice"),
    path("payout/<int:pk>/", views.payout_details, name="payout_details"),
    path("messages/", message_views.thread_list, name="threads"),
    path("messages/<int:pk>/", message_views.thread, name="thread"),
]
