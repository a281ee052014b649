from django.urls import path

from kstt.compliance import dashboard_views

app_name = "compliance_dashboard"
urlpatterns = [
    path("", dashboard_views.dashboard, name="dashboard"),
    path("urge/", dashboard_views.urge, name="urge"),
    path("urging-letter/", dashboard_views.urging_letter, name="urging_letter"),
]
