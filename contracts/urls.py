from django.urls import path

from contracts import relationship_views, statement_views, views

app_name = "contracts"

urlpatterns = [
    path("partnerships/", views.board, name="board"),
    path("partnerships/<int:pk>/", relationship_views.partnership_detail, name="partnership"),
    path(
        "partnerships/<int:pk>/edit/", relationship_views.partnership_edit, name="partnership_edit"
    ),
    path(
        "partnerships/<int:pk>/meetings/", relationship_views.meeting_create, name="meeting_create"
    ),
    path(
        "partnerships/<int:pk>/messages/", relationship_views.message_create, name="message_create"
    ),
    path("partnerships/steps/<int:pk>/", relationship_views.step_done, name="step_done"),
    path("contracts/new/", views.contract_form, name="create"),
    path("contracts/<int:pk>/", views.contract_detail, name="detail"),
    path("contracts/<int:pk>/edit/", views.contract_form, name="edit"),
    path("contracts/<int:pk>/status/", views.contract_status, name="status"),
    path("contracts/<int:pk>/preview/", views.contract_preview, name="preview"),
    path("contracts/<int:pk>/document/", views.signed_document, name="document"),
    path("contracts/<int:pk>/messages/", views.contract_message, name="message"),
    path("statements/", statement_views.statement_list, name="statements"),
    path("statements/payments.csv", statement_views.payment_batch, name="payment_batch"),
    path("statements/<int:pk>/", statement_views.statement_detail, name="statement"),
    path("statements/<int:pk>/export.csv", statement_views.statement_csv, name="statement_csv"),
    path("statements/<int:pk>/invoice/", statement_views.statement_invoice, name="invoice"),
    path("statements/<int:pk>/approve/", statement_views.approve, name="statement_approve"),
    path("statements/<int:pk>/pay/", statement_views.pay, name="statement_pay"),
]
