from django.urls import path

from influencers import views

app_name = "influencers"

urlpatterns = [
    path("", views.influencer_list, name="list"),
    path("new/", views.influencer_form, name="create"),
    path("audience/", views.target_audience, name="audience"),
    path("<int:pk>/", views.influencer_detail, name="detail"),
    path("<int:pk>/edit/", views.influencer_form, name="edit"),
    path("<int:pk>/status/", views.influencer_status, name="status"),
    path(
        "<int:pk>/personal-data.json",
        views.personal_data,
        {"file_format": "json"},
        name="personal_data_json",
    ),
    path(
        "<int:pk>/personal-data.csv",
        views.personal_data,
        {"file_format": "csv"},
        name="personal_data_csv",
    ),
    path("<int:pk>/personal-data/erase/", views.erase_personal_data, name="erase"),
    path("<int:pk>/risks/", views.risk_create, name="risk_create"),
    path("risks/<int:pk>/", views.risk_edit, name="risk_edit"),
    path("risks/<int:pk>/close/", views.risk_close, name="risk_close"),
]
