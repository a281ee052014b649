from django.urls import path

from kstt.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_new, name="new"),
    path("units/", views.unit_matches, name="unit_matches"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/edit/", views.incident_edit, name="edit"),
    path("<int:pk>/close/", views.incident_close, name="close"),
    path("<int:pk>/evidence/", views.incident_evidence, name="evidence"),
]
